"""Claims files as they come: spreadsheet-safe output, stray quotes, Belgian exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from inami_ppl.claims import (
    Claim,
    ClaimsFileError,
    assess_file,
    assess_records,
    claim_cells,
    read_csv,
    read_jsonl,
    write_csv,
)
from test_cli import run

HEADER = "patient_id,birth_date,date,network,function,setting"
GOOD = "p1,1980-06-15,2024-05-06,adults,support,individual"
RECORD = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))


def claims_of(text: str, **options: object) -> list[Claim]:
    return list(assess_file(io.StringIO(text), **options))  # type: ignore[arg-type]


# --- output a spreadsheet opens safely -----------------------------------------------------


@pytest.mark.parametrize("cell", ["dr\r=1+1", "dr\n=1+1", "dr\r\n=1+1", "a,b", 'say "hi"'])
def test_cells_with_line_breaks_or_separators_are_quoted_and_stay_one_row(cell: str) -> None:
    [claim] = assess_records([{**RECORD, "note": cell}])
    out = io.StringIO()
    write_csv([claim], out, [*RECORD, "note"])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert 2 == len(rows)
    assert rows[1][len(RECORD)].replace("'", "") == cell


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("dr;=1+1", "dr;'=1+1"),
        ("x; +SUM(A1)", "x; '+SUM(A1)"),
        ("a,@cmd", "a,'@cmd"),
        ("a\t-2+3", "a\t'-2+3"),
        ("=1", "'=1"),
        ("plain-text", "plain-text"),
    ],
)
def test_a_formula_wherever_a_spreadsheet_could_start_a_cell_is_neutralised(
    cell: str, shown: str
) -> None:
    [claim] = assess_records([{**RECORD, "note": cell}])
    assert shown == claim_cells(claim, [*RECORD, "note"])[len(RECORD)]


def test_cells_with_a_semicolon_are_quoted_so_that_belgian_excel_keeps_them_whole() -> None:
    [claim] = assess_records([{**RECORD, "note": "a;b"}])
    out = io.StringIO()
    write_csv([claim], out, [*RECORD, "note"])
    assert ',"a;b",' in out.getvalue()
    for row in csv.reader(io.StringIO(out.getvalue()), delimiter=";"):
        assert all(";" not in cell for cell in row)


def test_excel_output_has_semicolons_a_decimal_comma_a_bom_and_crlf() -> None:
    claims = list(assess_records([RECORD, {**RECORD, "setting": "group"}]))
    out = io.StringIO()
    write_csv(claims, out, list(RECORD), excel=True)
    text = out.getvalue()
    assert text.startswith("\ufeffpatient_id;birth_date;")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert "81,74" == rows[0]["practitioner_fee"]
    assert "\r\n" not in text.replace("\r\n", "")  # every line ends in CRLF, none in LF alone


# --- a stray quote ----------------------------------------------------------------------------


def test_a_stray_quote_reports_every_line_it_swallowed_and_shows_none_of_them() -> None:
    rows = [f"p{i},1980-06-15,2024-05-06,adults,support,individual" for i in range(2, 8)]
    text = "\n".join([HEADER, '"p1,1980-06-15,2024-05-06,adults,support,individual', *rows])
    claims = claims_of(text + "\n")
    assert list(range(2, 9)) == [c.line for c in claims]
    assert all(c.error is not None for c in claims)
    for claim in claims:
        assert claim.error is not None
        assert "1980" not in claim.error.message
        assert "p3" not in claim.error.message


def test_a_quote_closed_rows_later_reports_the_rows_it_swallowed() -> None:
    lines = [
        HEADER,
        'p1,1980-06-15,2024-05-06,"adults,support,individual',
        "p2,1970-01-01,2024-05-06,adults,support,individual",
        'p3,1970-01-01,2024-05-06,adults",support,individual',
        "p4,1970-01-01,2024-05-06,adults,support,individual",
    ]
    claims = claims_of("".join(line + "\n" for line in lines))
    assert [2, 3, 4, 5] == [c.line for c in claims]
    assert [False, False, False, True] == [c.error is None for c in claims]
    assert all("1970" not in (c.error.message if c.error else "") for c in claims)


def test_a_cell_over_several_lines_without_other_cells_in_it_is_one_row() -> None:
    text = f'{HEADER},note\n{GOOD},"first line\nsecond line"\n'
    [claim] = claims_of(text)
    assert (2, None) == (claim.line, claim.error)
    assert "first line\nsecond line" == claim.cells["note"]


def test_a_cell_too_long_for_csv_reports_the_lines_it_took() -> None:
    long = "x" * (csv.field_size_limit() + 10)
    text = f'{HEADER}\n{GOOD}\np2,"{long}\n{GOOD}\n'
    claims = claims_of(text)
    assert [2, 3, 4] == [c.line for c in claims]
    assert [True, False, True] == [c.error is None for c in claims]
    assert claims[1].error is not None
    assert long[:30] not in claims[1].error.message


def test_long_cells_are_shown_as_a_short_excerpt() -> None:
    [claim] = assess_records([{**RECORD, "network": "x" * 500}])
    assert claim.error is not None
    assert claim.error.value is not None
    assert len(claim.error.value) <= 24


# --- Belgian spreadsheets --------------------------------------------------------------------

BELGIAN = (
    "Patient_ID;Birth_Date;Date;Network;Function;Setting;Preferential;;\r\n"
    "p1;15/06/1980;06/05/2024;Adults;Support;Individual;oui;;\r\n"
    "p1;15/06/1980;13/05/2024;ADULTS;support;individual;Ja;;\r\n"
    "Zoë;15/06/1980;13/05/2024;adults;support;individual;non;;\r\n"
)


def test_a_belgian_excel_file_is_read_as_it_comes(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(BELGIAN.encode("cp1252"))
    claims = list(assess_file(path, encoding="cp1252", date_format="%d/%m/%Y"))
    assert [None, None, None] == [c.error for c in claims]
    assert [True, True, True] == [c.allowed for c in claims]
    assert claims[1].assessment is not None
    assert claims[1].assessment.patient_share is not None
    assert "Zoë" == claims[2].patient_id


def test_the_command_reads_a_semicolon_cp1252_dd_mm_yyyy_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(BELGIAN.encode("cp1252"))
    out = tmp_path / "out.csv"
    done = run(
        "assess", str(path), "--encoding", "cp1252", "--date-format", "%d/%m/%Y", "-o", str(out)
    )
    assert (0, b"") == (done.returncode, done.stderr)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert ["true"] * 3 == [row["allowed"] for row in rows]
    assert "Zoë" == rows[2]["patient_id"]


def test_the_command_hints_at_the_encoding_when_the_bytes_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(BELGIAN.encode("cp1252"))
    done = run("assess", str(path), "--date-format", "%d/%m/%Y", "--delimiter", ";")
    assert 1 == done.returncode
    assert 1 == done.stderr.decode().count("try --encoding cp1252")


def test_the_command_writes_excel_csv_on_request(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n")
    done = run("assess", str(path), "--excel")
    assert done.stdout.startswith("\ufeffpatient_id;".encode())
    assert b";81,74;" in done.stdout
    assert done.stdout.endswith(b"\r\n")


@pytest.mark.parametrize(("text", "delimiter"), [(",", ","), (";", ";"), ("\t", "\t")])
def test_the_delimiter_is_found_from_the_header(text: str, delimiter: str) -> None:
    header = HEADER.replace(",", text)
    columns, rows = read_csv(io.StringIO(f"{header}\n{GOOD.replace(',', text)}\n"))
    [(_, record)] = list(rows)
    assert isinstance(record, dict)
    assert "adults" == record["network"]
    assert tuple(HEADER.split(",")) == columns


def test_a_delimiter_given_is_used_even_when_another_looks_likelier() -> None:
    with pytest.raises(ClaimsFileError, match="a column"):
        read_csv(io.StringIO(f"{HEADER}\n"), delimiter=";")


@pytest.mark.parametrize(
    ("text", "value"),
    [("oui", True), ("NON", False), ("ja", True), ("Nee", False), ("wahr", True), ("yes", True)],
)
def test_booleans_are_read_in_the_four_languages(text: str, value: bool) -> None:
    [claim] = assess_records([{**RECORD, "preferential": text}])
    assert claim.assessment is not None
    assert claim.assessment.patient_share is not None
    [reference] = assess_records([{**RECORD, "preferential": str(value).lower()}])
    assert reference.assessment == claim.assessment


def test_input_columns_named_like_output_columns_are_kept_under_a_prefixed_name() -> None:
    claims = claims_of(f"{HEADER},allowed,line\n{GOOD},maybe,12\n")
    out = io.StringIO()
    write_csv(claims, out, [*HEADER.split(","), "allowed", "line"])
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert ("maybe", "12") == (row["input_allowed"], row["input_line"])
    assert ("true", "2") == (row["allowed"], row["line"])


def test_extra_json_lines_keys_are_echoed_in_csv_output() -> None:
    text = json.dumps({**RECORD, "invoice": "F-12"}) + "\n"
    columns, _ = read_jsonl(io.StringIO(text))
    assert "invoice" == columns[-1]
    done = run(
        "assess", "-", "--input-format", "jsonl", "--output-format", "csv", stdin=text.encode()
    )
    [row] = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert "F-12" == row["invoice"]
