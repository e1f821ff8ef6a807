"""The lean CSV path writes exactly what the general path writes, for any file.

The general path reads each row into a ``Session``, judges it into an ``Assessment``
and writes its cells one by one; the lean path (``inami_ppl.claims.lane``) remembers
every value it read and every verdict it wrote. Both must give the same lines, the
same errors and the same totals, whatever the file holds and however it is ordered.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl import Rules, default_rules
from inami_ppl.analytics import Totals, TotalsCounter
from inami_ppl.claims import COLUMNS, assess_rows, memo, read_csv, spill
from inami_ppl.claims import lane as lane_module
from inami_ppl.claims.judge import row_reader
from inami_ppl.claims.lane import Lane
from inami_ppl.claims.readers import read_header
from inami_ppl.claims.rows import split_rows
from inami_ppl.claims.writers import claim_cells, csv_line

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"
AMENDMENT = ROOT / "examples" / "amendment-2025.toml"
ODD_CELLS = st.sampled_from(
    [
        "",
        " ",
        '"',
        '"quoted, cell"',
        "=1+1",
        "-2",
        "@x",
        "é",
        "\udcff",
        "2024-13-01",
        "9999-01-01",
        "2019-01-01",
        "ADULTS",
        " adults ",
        "video",
        "home",
        "co_consultation",
        "community",
        "group",
        "oui",
        "nee",
        "12.345.678-901",
        "1234",
        "psy;1",
        "x\ty",
    ]
)


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()]


EXAMPLE_ROWS = _rows(EXAMPLE.read_text(encoding="utf-8"))
HEADER, BODY = EXAMPLE_ROWS[0], EXAMPLE_ROWS[1:]


def _general(
    text: str, *, grouped: bool, rules: Rules, out: tuple[str, str, str], lang: str, sep: str
) -> tuple[list[tuple[str, object]], Totals]:
    columns, rows = read_csv(io.StringIO(text, newline=""), delimiter=sep)
    counter = TotalsCounter()
    lines: list[tuple[str, object]] = []
    delimiter, end, decimal = out
    for claim in assess_rows(rows, grouped=grouped, rules=rules):
        counter.add(claim)
        cells = claim_cells(claim, columns, lang=lang, decimal=decimal)
        lines.append((csv_line(cells, delimiter, end), claim.error))
    return lines, counter.totals()


def _lean(
    text: str, *, grouped: bool, rules: Rules, out: tuple[str, str, str], lang: str, sep: str
) -> tuple[list[tuple[str, object]], Totals]:
    stream = io.StringIO(text, newline="")
    columns, delimiter = read_header(stream, sep)
    counter = TotalsCounter()
    lane = Lane(
        columns,
        row_reader(rules, accept_unconfirmed=False, date_format="%Y-%m-%d"),
        delimiter=delimiter,
        out=out,
        lang=lang,
        counter=counter,
    )
    split = split_rows(stream, columns, delimiter)
    found: Iterator[tuple[str, object]] = lane.grouped(split) if grouped else lane.ungrouped(split)
    return list(found), counter.totals()


def _same(text: str, **options: object) -> None:
    general = _general(text, **options)  # type: ignore[arg-type]
    assert general == _lean(text, **options)  # type: ignore[arg-type]


OPTIONS = st.fixed_dictionaries(
    {
        "grouped": st.booleans(),
        "out": st.sampled_from([(",", "\n", "."), (";", "\r\n", ",")]),
        "lang": st.sampled_from(["en", "nl"]),
        "sep": st.sampled_from([",", ";"]),
    }
)


@st.composite
def _files(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """The example file, a slice of it in some order, with odd cells put here and there."""
    options = draw(OPTIONS)
    start = draw(st.integers(min_value=0, max_value=len(BODY) - 1))
    rows = [list(row) for row in BODY[start : start + draw(st.integers(1, 120))]]
    if not options["grouped"]:
        draw(st.randoms(use_true_random=False)).shuffle(rows)
    for _ in range(draw(st.integers(0, 8))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.integers(0, len(row) - 1))] = draw(ODD_CELLS)
    sep = str(options["sep"])
    lines = [sep.join(HEADER)] + [
        sep.join(f'"{c}"' if ("," in c or ";" in c) and '"' not in c else c for c in row)
        for row in rows
    ]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), "")  # a blank line
    return "\n".join(lines) + "\n", options


@settings(max_examples=60, deadline=None)
@given(case=_files())
def test_any_file_gives_the_lines_errors_and_totals_of_the_general_path(
    case: tuple[str, dict[str, object]],
) -> None:
    text, options = case
    _same(text, rules=default_rules(), **options)


def test_the_whole_example_in_both_orders_and_with_billing_codes() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    amended = default_rules().amend(AMENDMENT.read_bytes(), name=AMENDMENT.name)
    for rules in (default_rules(), amended):
        _same(text, grouped=True, rules=rules, out=(",", "\n", "."), lang="fr", sep=",")
        lines = text.splitlines()
        shuffled = lines[1:]
        random.Random(7).shuffle(shuffled)
        mixed = "\n".join([lines[0], *shuffled]) + "\n"
        _same(mixed, grouped=False, rules=rules, out=(";", "\r\n", ","), lang="de", sep=",")


def test_the_rows_of_each_verdict_are_counted_once_however_often_they_are_flushed() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = _general(
        text, grouped=True, rules=default_rules(), out=(",", "\n", "."), lang="en", sep=","
    )[1]
    stream = io.StringIO(text, newline="")
    columns, delimiter = read_header(stream, ",")
    counter = TotalsCounter()
    reader = row_reader(default_rules(), accept_unconfirmed=False, date_format="%Y-%m-%d")
    lane = Lane(
        columns, reader, delimiter=delimiter, out=(",", "\n", "."), lang="en", counter=counter
    )
    lines = list(lane.grouped(split_rows(stream, columns, delimiter)))  # flushes at its end
    lane.flush()
    lane.flush()
    assert lines
    assert expected == counter.totals()


def test_a_spilled_file_and_forgotten_values_change_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spill, "SPILL_AFTER", 25)
    monkeypatch.setattr(lane_module, "_REMEMBERED", 3)
    monkeypatch.setattr(memo, "_REMEMBERED", 3)
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    body = [*lines[1:], "", "x,1980-01-01", '"a', 'b"']
    random.Random(3).shuffle(body)
    text = "\n".join([lines[0], *body]) + "\n"
    _same(text, grouped=False, rules=default_rules(), out=(",", "\n", "."), lang="en", sep=",")


def test_a_file_with_the_columns_in_another_order_and_extra_ones() -> None:
    columns = [*reversed(COLUMNS), "note"]
    rows = [dict(zip(HEADER, row, strict=True)) for row in BODY[:80]]
    lines = [",".join(columns)]
    lines += [",".join(row.get(name, "=cmd") for name in columns) for row in rows]
    text = "\n".join(lines) + "\n"
    _same(text, grouped=True, rules=default_rules(), out=(",", "\n", "."), lang="en", sep=",")


def test_a_patient_whose_rows_are_split_in_grouped_input_is_reported_after_the_split() -> None:
    first, second = BODY[0], BODY[1]
    other = next(row for row in BODY if row[0] != first[0])
    lines = [",".join(HEADER), *(",".join(row) for row in (first, other, second, other))]
    text = "\n".join(lines) + "\n"
    _same(text, grouped=True, rules=default_rules(), out=(",", "\n", "."), lang="en", sep=",")


@pytest.mark.parametrize(
    ("column", "at", "value"),
    [
        ("provider", 0, "=cmd"),
        ("provider", 1, "a;b"),
        ("provider", -1, "-x"),
        ("expected", 1, "ok \udcff"),
        ("expected", 1, "ok é"),
    ],
)
def test_a_mark_in_one_line_of_a_patient_is_found_among_the_lines_of_the_run(
    column: str, at: int, value: str
) -> None:
    # The lines of one patient are checked at once for what makes an echo differ from the
    # line. A mark in any of them must be found: here in the first cell (the provider) of
    # the first, a middle or the last line, where no other cell of the run has one; so must
    # a byte that is not UTF-8 (a lone surrogate) in a column the reader does not read,
    # written as U+FFFD, while a letter é is echoed as it is.
    columns = ["provider", *(name for name in HEADER if name not in ("provider", "network"))]
    columns.append("network")  # a last cell never empty
    patient = next(row[0] for row in BODY if sum(other[0] == row[0] for other in BODY) >= 3)
    rows = [dict(zip(HEADER, row, strict=True)) for row in BODY if row[0] == patient]
    rows[at][column] = value
    lines = [",".join(columns), *(",".join(row[name] for name in columns) for row in rows)]
    text = "\n".join(lines) + "\n"
    for out in ((",", "\n", "."), (";", "\r\n", ",")):
        _same(text, grouped=True, rules=default_rules(), out=out, lang="en", sep=",")


def _file(header: str, *rows: str) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_rows_that_only_the_general_reader_can_refuse_are_refused_as_it_does() -> None:
    # The first rows teach the lean path every value; the next ones reuse them.
    header = "patient_id,birth_date,date,network,function,setting,provider,co_provider"
    text = _file(
        header,
        "a,1980-01-01,2024-05-02,adults,support,individual,psy-1,",
        "b,2024-05-10,2024-06-02,adults,support,individual,,",
        "c,1980-01-01,2024-05-02,adults,co_consultation,individual,,12345678901",
        "a,1980-01-01,2024-05-02,adults,support,individual,psy-é,",  # not ASCII: read in full
        "a,1980-01-01,2024-05-02,adults,support,individual,psy-\udcff,",  # not UTF-8
        "b,2024-05-10,2024-05-02,adults,support,individual,,",  # born after the session
        "c,1980-01-01,2024-05-02,adults,support,individual,,12345678901",  # not co-consultation
        "c,1981-01-01,2024-05-02,adults,support,individual,,",  # another birth date
        " ,1980-01-01,2024-05-02,adults,support,individual,,",
        "\udcff,1980-01-01,2024-05-02,adults,support,individual,,",
        "d,1980-02-30,2024-05-02,adults,support,individual,,",  # a new patient, a bad date
        "e,1980-01-02,2024-05-02,adults,support,individual,,",  # a new patient alone
    )
    options = {"rules": default_rules(), "out": (",", "\n", "."), "lang": "en", "sep": ","}
    for grouped in (True, False):
        _same(text, grouped=grouped, **options)


def test_a_file_without_the_optional_columns_is_read_with_their_defaults() -> None:
    text = _file(
        "patient_id,birth_date,date,network,function,setting",
        "a,1980-01-01,2024-05-02,adults,support,individual",
        "b,1980-01-01,2024-05-02,adults,support,individual",
    )
    _same(text, grouped=True, rules=default_rules(), out=(",", "\n", "."), lang="en", sep=",")


def test_new_patients_in_rows_of_known_values_are_read_and_forgotten_as_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memo, "_REMEMBERED", 2)
    rows = [f"p{i},19{60 + i}-03-04,2024-05-02,adults,support,individual" for i in range(8)]
    text = _file("patient_id,birth_date,date,network,function,setting", *rows)
    for grouped in (True, False):
        _same(
            text, grouped=grouped, rules=default_rules(), out=(",", "\n", "."), lang="en", sep=","
        )


@pytest.mark.parametrize("sep", [",", ";"])
def test_the_marks_that_change_an_echo_are_each_found_and_only_they(sep: str) -> None:
    # A line without them is echoed as it is, without reading its cells again.
    lane = Lane(
        tuple(COLUMNS),
        row_reader(default_rules(), accept_unconfirmed=False, date_format="%Y-%m-%d"),
        delimiter=sep,
        out=(sep, "\n", "."),
        lang="en",
        counter=TotalsCounter(),
    )
    other = ";" if sep == "," else ","
    assert not lane._unsafe(f"{sep}p1{sep}1980-01-01{sep}adults{sep}dr a-b{sep}x@y")
    for mark in (other, "\t", '"', f"{sep}=", f"{sep}+", f"{sep}-", f"{sep}@"):
        assert lane._unsafe(f"{sep}p1{sep}1980-01-01{mark}x"), mark
