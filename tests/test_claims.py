"""Claims files: one claim per row, patients judged together, malformed rows reported.

DESIGN.md, "Claims files": the columns, the output, malformed rows reported with their
line number and never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl import Function, InvalidInputError, Patient, Session, assess_history
from inami_ppl.claims import (
    COLUMNS,
    OUTPUT_COLUMNS,
    Claim,
    ClaimsFileError,
    InvalidRowError,
    RowError,
    assess_file,
    assess_records,
    assess_rows,
    claim_cells,
    claim_json,
    guess_format,
    output_header,
    read_csv,
    write_csv,
    write_jsonl,
)
from strategies import histories, patients

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"
HEADER = "patient_id,birth_date,date,network,function,setting"


def csv_text(*rows: str, header: str = HEADER) -> io.StringIO:
    return io.StringIO("\n".join([header, *rows]) + "\n")


def row(
    *,
    pid: str = "p1",
    day: str = "2024-05-06",
    function: str = "support",
    setting: str = "individual",
    network: str = "adults",
    birth: str = "1980-06-15",
) -> str:
    return f"{pid},{birth},{day},{network},{function},{setting}"


def claims_of(
    *rows: str,
    header: str = HEADER,
    grouped: bool = False,
    strict: bool = False,
    accept_unconfirmed: bool = False,
) -> list[Claim]:
    claims = assess_file(
        csv_text(*rows, header=header),
        grouped=grouped,
        strict=strict,
        accept_unconfirmed=accept_unconfirmed,
    )
    return list(claims)


def only_error(claims: list[Claim]) -> RowError:
    errors = [c.error for c in claims if c.error is not None]
    assert len(errors) == 1
    return errors[0]


# --- the bundled example --------------------------------------------------------------


def example_rows() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_example_file_rows_give_the_decision_share_and_share_reason_the_rules_give() -> None:
    rows = example_rows()
    claims = list(assess_file(EXAMPLE))
    assert len(rows) == len(claims)
    for expected, claim in zip(rows, claims, strict=True):
        assert claim.assessment is not None
        got = "accepted" if claim.allowed else ";".join(claim.codes)
        share_reason = claim.assessment.share_reason
        assert (
            expected["expected"],
            expected["expected_share"],
            expected["expected_share_reason"],
        ) == (
            got,
            "" if claim.assessment.patient_share is None else str(claim.assessment.patient_share),
            "" if share_reason is None else share_reason.code.value,
        ), f"line {claim.line}"


def test_example_file_has_patients_of_both_networks_in_both_conventions_and_refusals() -> None:
    rows = example_rows()
    assert 200 <= len(rows) <= 999
    assert {"adults", "children_adolescents"} == {r["network"] for r in rows}
    years = {r["date"][:4] for r in rows}
    assert {"2022", "2023", "2024", "2025"} <= years
    codes = Counter(r["expected"] for r in rows if r["expected"] != "accepted")
    assert set(codes) == {
        "age.network",
        "network.switch",
        "function.not_in_force",
        "quota.exceeded",
        "quota.combination",
        "day.limit",
        "assessment.missing",
        "video.first_in_person",
        "modality.condition",
        "co_consultation.co_provider",
    }


def test_example_file_is_what_its_generator_writes(tmp_path: Path) -> None:
    import importlib.util  # noqa: PLC0415  (loads the script by path)

    spec = importlib.util.spec_from_file_location("make_claims", ROOT / "examples/make_claims.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, module.HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(module.rows())
    assert EXAMPLE.read_text("utf-8") == buffer.getvalue()


# --- one claim per row, in input order --------------------------------------------------


def test_each_row_gives_one_claim_in_input_order_with_its_line() -> None:
    claims = claims_of(row(day="2024-05-13"), row(day="2024-05-06"), row(pid="p2"))
    assert [2, 3, 4] == [c.line for c in claims]
    assert ["2024-05-13", "2024-05-06", "2024-05-06"] == [c.cells["date"] for c in claims]
    # p1's sessions are judged in date order: 05-06 first (free), then 05-13.
    shares = [c.assessment.patient_share for c in claims if c.assessment]
    assert [Decimal("11.00"), Decimal("0.00"), Decimal("0.00")] == shares


def test_patients_are_judged_apart() -> None:
    claims = claims_of(row(pid="a"), row(pid="b"))
    assert [True, True] == [c.allowed for c in claims]


def test_interleaved_patients_give_the_same_claims_as_grouped_input() -> None:
    header, *rows = EXAMPLE.read_text("utf-8").splitlines()
    # Interleave the patients at random, each keeping the order of its own rows.
    queues: dict[str, list[str]] = {}
    for text in rows:
        queues.setdefault(text.split(",")[0], []).append(text)
    pick = random.Random(4)
    mixed: list[str] = []
    while queues:
        patient = pick.choice(sorted(queues))
        mixed.append(queues[patient].pop(0))
        if not queues[patient]:
            del queues[patient]
    assert sorted(rows) == sorted(mixed)
    assert rows != mixed
    grouped = list(assess_file(csv_text(*rows, header=header), grouped=True))
    interleaved = list(assess_file(csv_text(*mixed, header=header)))
    assert {rows[c.line - 2]: (c.allowed, c.codes) for c in grouped} == {
        mixed[c.line - 2]: (c.allowed, c.codes) for c in interleaved
    }


def test_grouped_input_with_a_split_patient_reports_the_later_rows() -> None:
    claims = claims_of(row(pid="a"), row(pid="b"), row(pid="a", day="2024-05-13"), grouped=True)
    error = only_error(claims)
    assert (error.line, error.field) == (4, "patient_id")
    assert "next to each other" in error.expected
    assert [True, True, None] == [c.allowed for c in claims]


def test_strict_mode_stops_at_the_first_malformed_row() -> None:
    with pytest.raises(InvalidRowError) as caught:
        claims_of(row(), row(day="2024-02-30"), row(day="x"), strict=True)
    assert caught.value.line == 3
    assert str(caught.value).startswith("line 3: date: expected an ISO date")
    assert isinstance(caught.value, ValueError)


# --- malformed rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        (row(day="2024-13-01"), "date", "an ISO date (YYYY-MM-DD)"),
        (row(day=""), "date", "a value"),
        (row(network="kids"), "network", "one of 'children_adolescents', 'adults'"),
        (row(function="therapy"), "function", "one of 'first_line'"),
        (row(setting=""), "setting", "a value"),
        (row(pid=""), "patient_id", "a value"),
        (row(birth="1980-02-30"), "birth_date", "an ISO date (YYYY-MM-DD)"),
        (row(function="community", setting="individual"), "setting", "group for function"),
        (row(day="2021-08-31"), "date", "a date on or after 2021-09-01"),
        (row(day="2028-01-01"), "date", "a date on or before 2027-12-31"),
        (row(birth="2024-06-01"), "birth_date", "a date on or before the session date"),
        ("p1,1980-06-15,2024-05-06,adults,support", "row", "6 cells, as in the header"),
    ],
)
def test_malformed_row_is_reported_with_its_line_and_field(
    text: str, field: str, expected: str
) -> None:
    claims = claims_of(row(pid="ok"), text)
    error = only_error(claims)
    assert (3, field) == (error.line, error.field)
    assert error.expected.startswith(expected)
    assert claims[1].assessment is None
    assert claims[1].allowed is None
    assert claims[1].codes == ()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("preferential", "peut-être", "true or false (or 1 or 0"),
        ("modality", "phone", "one of 'practice'"),
        ("with_context", "2", "true or false"),
        ("functional_assessment", "maybe", "true or false"),
        ("unable_to_travel", "perhaps", "true or false"),
    ],
)
def test_malformed_optional_cell_is_reported(column: str, value: str, expected: str) -> None:
    claims = claims_of(f"{row()},{value}", header=f"{HEADER},{column}")
    error = only_error(claims)
    assert (2, column) == (error.line, error.field)
    assert error.expected.startswith(expected)


def test_optional_cells_take_the_defaults_when_empty() -> None:
    header = (
        f"{HEADER},preferential,modality,with_context,functional_assessment,provider,"
        "unable_to_travel,co_provider"
    )
    [claim] = claims_of(f"{row()},,,,,,,", header=header)
    assert claim.assessment is not None
    session = claim.assessment.session
    expected = Session(
        date=dt.date(2024, 5, 6), network="adults", function="support", setting="individual"
    )
    assert expected == session


def test_unable_to_travel_and_co_provider_cells_reach_the_session() -> None:
    header = f"{HEADER},modality,unable_to_travel,co_provider"
    home = row(day="2024-05-06")
    joint = row(day="2024-05-13", function="co_consultation")
    claims = claims_of(f"{home},home,true,", f"{joint},,,1.23456.78.901", header=header)
    assert [(True, ()), (True, ())] == [(c.allowed, c.codes) for c in claims]
    assert claims[1].assessment is not None
    assert "12345678901" == claims[1].assessment.session.co_provider


def test_home_and_co_consultation_rows_without_the_conditions_are_refused() -> None:
    header = f"{HEADER},modality"
    home = row(day="2024-05-06")
    joint = row(day="2024-05-13", function="co_consultation")
    claims = claims_of(f"{home},home", f"{joint},", header=header)
    assert [("modality.condition",), ("co_consultation.co_provider",)] == [c.codes for c in claims]


@pytest.mark.parametrize(
    ("function", "number"), [("co_consultation", "1234-5678"), ("support", "12345678901")]
)
def test_a_bad_co_provider_is_reported_without_showing_the_number(
    function: str, number: str
) -> None:
    claims = claims_of(f"{row(function=function)},{number}", header=f"{HEADER},co_provider")
    error = only_error(claims)
    assert (2, "co_provider", None) == (error.line, error.field, error.value)
    assert number not in error.message


@pytest.mark.parametrize(("text", "value"), [("TRUE", True), ("1", True), ("0", False)])
def test_booleans_read_true_false_1_0_in_any_case(text: str, value: bool) -> None:
    [claim] = claims_of(f"{row()},{text}", header=f"{HEADER},functional_assessment")
    assert claim.assessment is not None
    assert value is claim.assessment.session.functional_assessment


def test_cells_are_read_without_surrounding_spaces() -> None:
    [claim] = claims_of(" p1 , 1980-06-15 ,2024-05-06, adults ,support,individual ")
    assert claim.allowed is True
    assert claim.patient_id == "p1"


def test_a_birth_date_that_changes_within_a_patient_is_reported_on_the_later_rows() -> None:
    claims = claims_of(row(), row(day="2024-05-13", birth="1981-06-15"))
    error = only_error(claims)
    assert (3, "birth_date") == (error.line, error.field)
    assert "line 2" in error.expected


def test_the_increased_reimbursement_may_change_from_one_session_to_the_next() -> None:
    header = f"{HEADER},preferential"
    claims = claims_of(
        f"{row()},false",
        f"{row(day='2024-05-13')},false",
        f"{row(day='2024-05-20')},true",
        header=header,
    )
    shares = [c.assessment.patient_share for c in claims if c.assessment]
    assert [Decimal("0.00"), Decimal("11.00"), Decimal("4.00")] == shares


def test_sessions_after_the_covered_period_are_judged_on_request_and_marked() -> None:
    [claim] = claims_of(row(day="2028-01-03"), accept_unconfirmed=True)
    assert claim.assessment is not None
    assert claim.assessment.unconfirmed
    assert claim.allowed


# --- privacy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [row(pid="=SECRET", birth="1980-99-01"), row(pid="SECRET", birth="2030-01-01")]
)
def test_errors_never_show_a_birth_date(text: str) -> None:
    error = only_error(claims_of(text))
    assert error.field == "birth_date"
    assert error.value is None
    assert "1980-99" not in error.message
    assert "2030" not in error.message
    assert "SECRET" not in error.message


def test_errors_about_the_patient_id_never_show_it() -> None:
    records = [{"patient_id": True, "birth_date": "1980-01-01"}]
    [claim] = assess_records(records)
    assert claim.error is not None
    assert claim.error.field == "patient_id"
    assert claim.error.shown == "(not shown)"
    assert "True" not in claim.error.message


# --- files: header, encoding, line endings ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "a header row"),
        ("patient_id,birth_date,date,network,function\n", "a column 'setting'"),
        (HEADER + ",date\n", "each column once"),
    ],
)
def test_a_file_without_a_usable_header_is_an_error(text: str, expected: str) -> None:
    with pytest.raises(ClaimsFileError, match=expected):
        read_csv(io.StringIO(text))


def test_a_header_only_file_gives_no_claims() -> None:
    assert [] == list(assess_file(io.StringIO(HEADER + "\n")))


def test_byte_order_mark_crlf_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(
        ("\ufeff" + HEADER + "\r\n" + row() + "\r\n\r\n" + row(pid="p2") + "\r\n").encode()
    )
    claims = list(assess_file(path))
    assert [2, 4] == [c.line for c in claims]
    assert [True, True] == [c.allowed for c in claims]


def test_bytes_that_are_not_utf8_are_reported_on_their_row(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(
        (HEADER + "\n" + row() + "\n").encode()
        + b"p2,1980-06-15,2024-05-06,adul\xe9s,support,individual\n"
    )
    claims = list(assess_file(path))
    error = only_error(claims)
    assert (3, "network", "valid UTF-8 text") == (error.line, error.field, error.expected)
    out = io.StringIO()
    write_csv(claims, out)
    assert "adul\ufffds" in out.getvalue()


def test_a_header_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b"patient_id,birth_date,date,network,function,setting,not\xe9\n")
    with pytest.raises(ClaimsFileError, match="column names in UTF-8"):
        list(assess_file(path))


def test_a_row_that_csv_cannot_read_is_reported_and_the_others_go_on() -> None:
    big = "x" * (csv.field_size_limit() + 1)
    claims = claims_of(
        row(), f"{big},1980-06-15,2024-05-07,adults,support,individual", row(pid="p3")
    )
    error = only_error(claims)
    assert ("row", 3) == (error.field, error.line)
    assert [True, None, True] == [c.allowed for c in claims]


def test_a_header_that_csv_cannot_read_is_an_error() -> None:
    with pytest.raises(ClaimsFileError, match="a CSV header row"):
        read_csv(io.StringIO("x" * (csv.field_size_limit() + 1) + "\n"))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.csv", "csv"),
        ("a.jsonl", "jsonl"),
        ("A.NDJSON", "jsonl"),
        ("a.json", "jsonl"),
        ("a", "csv"),
    ],
)
def test_format_is_guessed_from_the_name(name: str, kind: str) -> None:
    assert kind == guess_format(name)


# --- JSON lines -----------------------------------------------------------------------


def jsonl(*objects: object) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


RECORD = {
    "patient_id": 17,
    "birth_date": "1980-06-15",
    "date": "2024-05-06",
    "network": "adults",
    "function": "support",
    "setting": "individual",
    "with_context": False,
    "provider": None,
}


def test_json_lines_take_json_values_and_report_lines_that_are_not_objects(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(jsonl(RECORD, "", "[1, 2]", "{not json", {**RECORD, "date": "2024-05-13"}))
    claims = list(assess_file(path))
    assert [1, 3, 4, 5] == [c.line for c in claims]
    assert [True, None, None, True] == [c.allowed for c in claims]
    assert ["json", "json"] == [c.error.field for c in claims if c.error]
    assert claims[0].patient_id == "17"


@pytest.mark.parametrize(
    ("field", "value"), [("network", True), ("date", 20240506), ("with_context", "sometimes")]
)
def test_json_values_of_the_wrong_type_are_reported(field: str, value: object) -> None:
    [claim] = assess_records([{**RECORD, field: value}])
    assert claim.error is not None
    assert field == claim.error.field
    assert json.dumps(value) == claim.error.value or str(value) == claim.error.value


@pytest.mark.parametrize(("value", "expected"), [(True, True), (1, True), (1.0, True), (0, False)])
def test_json_booleans_may_be_true_false_1_or_0(value: object, expected: bool) -> None:
    [claim] = assess_records([{**RECORD, "functional_assessment": value}])
    assert claim.assessment is not None
    assert expected is claim.assessment.session.functional_assessment


def test_a_json_list_in_a_cell_is_reported() -> None:
    [claim] = assess_records([{**RECORD, "network": ["adults"]}])
    assert claim.error is not None
    assert ("network", None) == (claim.error.field, claim.error.value)  # never a list's items


def test_records_may_hold_the_librarys_own_values() -> None:
    record = {**RECORD, "date": dt.date(2024, 5, 6), "function": Function.SUPPORT}
    [claim] = assess_records([record])
    assert claim.allowed


def test_a_record_that_is_not_a_mapping_is_reported() -> None:
    claims = list(assess_records([RECORD, ["not", "a", "mapping"]]))  # type: ignore[list-item]
    error = only_error(claims)
    assert (2, "row") == (error.line, error.field)


# --- output ----------------------------------------------------------------------------


def test_csv_output_repeats_the_input_columns_then_adds_the_decision() -> None:
    header = f"{HEADER},note"
    [claim] = claims_of(f"{row()},hello", header=header)
    columns, _ = read_csv(io.StringIO(header + "\n"))
    assert [*columns, *OUTPUT_COLUMNS] == output_header(columns)
    cells = dict(zip(output_header(columns), claim_cells(claim, columns), strict=True))
    assert cells["note"] == "hello"
    assert (cells["allowed"], cells["patient_share"], cells["practitioner_fee"]) == (
        "true",
        "0.00",
        "81.74",
    )
    assert (cells["insurer_share"], cells["ruleset"], cells["line"], cells["error"]) == (
        "81.74",
        "2024",
        "2",
        "",
    )


def test_group_rows_leave_the_fee_and_insurer_share_empty() -> None:
    [claim] = claims_of(row(setting="group"))
    cells = dict(zip(output_header(), claim_cells(claim), strict=True))
    assert ("2.50", "", "") == (
        cells["patient_share"],
        cells["practitioner_fee"],
        cells["insurer_share"],
    )


def test_refused_rows_list_their_codes_and_messages_in_the_language_asked() -> None:
    claims = claims_of(row(), row(setting="group"))
    cells = dict(zip(output_header(), claim_cells(claims[1], lang="fr"), strict=True))
    assert ("false", "day.limit") == (cells["allowed"], cells["reasons"])
    assert cells["messages"].startswith("Une seule séance remboursée par jour")
    assert "" == cells["patient_share"]


def test_input_columns_named_like_output_columns_are_replaced() -> None:
    header = f"{HEADER},allowed"
    [claim] = claims_of(f"{row()},false", header=header)
    columns, _ = read_csv(io.StringIO(header + "\n"))
    assert output_header(columns).count("allowed") == 1
    cells = dict(zip(output_header(columns), claim_cells(claim, columns), strict=True))
    assert "true" == cells["allowed"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_echoed_cells_never_start_a_spreadsheet_formula(start: str) -> None:
    header = f"{HEADER},note"
    claims = claims_of(
        f'"{start}HYPERLINK(1)",1980-06-15,2024-05-06,adults,support,individual,{start}cmd',
        f'p2,1980-06-15,2024-05-06,adults,"{start}x",individual,ok',
        header=header,
    )
    columns, _ = read_csv(io.StringIO(header + "\n"))
    for claim in claims:
        for cell in claim_cells(claim, columns):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    first = claim_cells(claims[0], columns)
    assert first[0] == f"'{start}HYPERLINK(1)"


def test_malformed_rows_are_written_with_their_error() -> None:
    claims = claims_of(row(day="soon"))
    out = io.StringIO()
    write_csv(claims, out)
    written = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert 1 == len(written)
    assert ("", "2", "date: expected an ISO date (YYYY-MM-DD), got 'soon'") == (
        written[0]["allowed"],
        written[0]["line"],
        written[0]["error"],
    )


def test_json_lines_output_has_json_values() -> None:
    claims = [*claims_of(row(), row(setting="group")), *claims_of(row(day="soon"))]
    out = io.StringIO()
    write_jsonl(claims, out, lang="nl")
    first, second, third = (json.loads(line) for line in out.getvalue().splitlines())
    assert (True, [], "0.00", "81.74", None) == (
        first["allowed"],
        first["reasons"],
        first["patient_share"],
        first["practitioner_fee"],
        first["error"],
    )
    assert (False, ["day.limit"], None) == (
        second["allowed"],
        second["reasons"],
        second["patient_share"],
    )
    assert second["messages"][0].startswith("Maar één terugbetaalde sessie per dag")
    assert (None, 2, "date: expected an ISO date (YYYY-MM-DD), got 'soon'") == (
        third["allowed"],
        third["line"],
        third["error"],
    )


def test_json_output_writes_dates_and_codes_of_records_as_text() -> None:
    record = {**RECORD, "date": dt.date(2024, 5, 6), "function": Function.SUPPORT, "x": Decimal(1)}
    out = io.StringIO()
    write_jsonl(assess_records([record]), out)
    written = json.loads(out.getvalue())
    assert ("2024-05-06", "support", "1") == (written["date"], written["function"], written["x"])
    assert claim_json(next(assess_records([record])))["allowed"] is True


def test_csv_output_writes_values_of_records_as_text() -> None:
    record = {**RECORD, "date": dt.date(2024, 5, 6), "function": Function.SUPPORT}
    cells = claim_cells(next(assess_records([record])))
    assert cells[: len(COLUMNS)] == [
        "17",
        "1980-06-15",
        "",
        "2024-05-06",
        "adults",
        "support",
        "individual",
        "",
        "false",
        "",
        "",
        "",
        "",
    ]


# --- agreement with assess_history ---------------------------------------------------------


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(
        patients().flatmap(lambda p: st.tuples(st.just(p), histories(p))), min_size=1, max_size=3
    )
)
def test_claims_give_the_decisions_of_assess_history_patient_by_patient(
    cases: list[tuple[Patient, list[Session]]],
) -> None:
    records = [
        {
            "patient_id": f"p{number}",
            "birth_date": patient.birth_date.isoformat(),
            "preferential": patient.preferential,
            "date": session.date.isoformat(),
            "network": session.network.value,
            "function": session.function.value,
            "setting": session.setting.value,
            "modality": session.modality.value,
            "with_context": session.with_context,
            "functional_assessment": session.functional_assessment,
            "provider": session.provider,
        }
        for number, (patient, sessions) in enumerate(cases)
        for session in sessions
    ]
    random.Random(len(records)).shuffle(records)
    claims = list(assess_records(records))
    assert [c.error for c in claims] == [None] * len(records)
    for number, (patient, _) in enumerate(cases):
        mine = [c for c in claims if c.patient_id == f"p{number}"]
        # Within one date, the input order decides; assess_history keeps it too.
        in_input_order = [c.assessment.session for c in mine if c.assessment]
        expected = assess_history(patient, in_input_order)
        decided = sorted(mine, key=lambda c: c.assessment.session.date if c.assessment else 0)
        assert expected == [c.assessment for c in decided]


# --- bad arguments ----------------------------------------------------------------------


@pytest.mark.parametrize("records", [None, 3, "rows", b"rows", {"patient_id": "p"}])
def test_records_that_are_not_an_iterable_of_mappings_are_an_error(records: object) -> None:
    with pytest.raises(InvalidInputError, match="records: expected an iterable of mappings"):
        assess_records(records)  # type: ignore[arg-type]


@pytest.mark.parametrize("pair", [(1,), ("1", {}), (True, {}), [1, {}], None])
def test_rows_that_are_not_numbered_pairs_are_an_error(pair: object) -> None:
    with pytest.raises(InvalidInputError, match=r"rows\[0\]: expected a \(line number"):
        list(assess_rows([pair]))  # type: ignore[list-item]


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(ClaimsFileError, match="file: expected a readable file"):
        list(assess_file(missing))
    with pytest.raises(ClaimsFileError, match="a readable file"):
        list(assess_file(tmp_path))


def test_a_path_with_a_nul_character_is_an_error_naming_the_file() -> None:
    with pytest.raises(ClaimsFileError, match="file: expected a path to a file"):
        list(assess_file("claims\x00.csv"))


@pytest.mark.parametrize("source", [None, 3, b"claims.csv", ["a"]])
def test_a_source_that_is_neither_a_path_nor_a_file_is_an_error(source: object) -> None:
    with pytest.raises(ClaimsFileError, match="a path or an open text file"):
        list(assess_file(source))  # type: ignore[arg-type]


# --- rows after a split, lone surrogates, header privacy, line numbers -----------------


def test_grouped_input_reports_every_row_of_a_patient_after_the_split() -> None:
    claims = claims_of(
        row(pid="a"),
        row(pid="b"),
        row(pid="a", day="2024-05-13"),
        row(pid="a", day="2024-05-06"),
        grouped=True,
    )
    assert [True, True, None, None] == [c.allowed for c in claims]
    errors = [c.error for c in claims if c.error is not None]
    assert [(4, "patient_id"), (5, "patient_id")] == [(e.line, e.field) for e in errors]


@pytest.mark.parametrize("field", ["provider", "note"])
def test_a_lone_surrogate_from_json_is_reported_or_replaced_never_written_raw(
    field: str,
) -> None:
    record = {**dict(zip(HEADER.split(","), row().split(","), strict=True)), field: "x\ud800"}
    claims = list(assess_file(io.StringIO(json.dumps(record) + "\n"), format="jsonl"))
    if field == "provider":
        error = only_error(claims)
        assert ("provider", "valid UTF-8 text") == (error.field, error.expected)
    for text in (_csv_of(claims, [*COLUMNS, "note"]), _jsonl_of(claims)):
        text.encode("utf-8")  # no lone surrogate left to fail the output
        assert "x\ufffd" in text


def test_bytes_that_are_not_utf8_in_an_extra_column_are_replaced_in_json_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(f"{HEADER},note\n{row()},caf".encode() + b"\xe9\n")
    claims = list(assess_file(path))
    assert [True] == [c.allowed for c in claims]
    text = _jsonl_of(claims)
    text.encode("utf-8")
    assert "caf\ufffd" in text


def _csv_of(claims: list[Claim], columns: list[str]) -> str:
    out = io.StringIO()
    write_csv(claims, out, columns)
    return out.getvalue()


def _jsonl_of(claims: list[Claim]) -> str:
    out = io.StringIO()
    write_jsonl(claims, out)
    return out.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "p123,1980-06-15,2024-05-06,adults,support,individual\n",  # no header: data first
        "p123,1980-06-15,p123,date,network,function,setting\n",  # a repeated cell
        "patient_id,1980-06-15,date,network,function,setting,\udce9\n",  # not UTF-8
    ],
)
def test_a_header_error_never_shows_its_cells(text: str) -> None:
    with pytest.raises(ClaimsFileError) as caught:
        read_csv(io.StringIO(text))
    assert "p123" not in str(caught.value)
    assert "1980" not in str(caught.value)
    assert "udce9" not in str(caught.value)  # not even as the repr's escape
    assert "header" == caught.value.field


def test_a_header_error_names_the_known_columns_it_found() -> None:
    with pytest.raises(ClaimsFileError) as caught:
        read_csv(io.StringIO("patient_id,birth_date,date,network,function,settings\n"))
    assert "a column 'setting'" == caught.value.expected
    assert "patient_id, birth_date, date, network, function and 1 other cell" == str(
        caught.value.value
    )


def test_output_header_never_starts_a_spreadsheet_formula() -> None:
    assert "'=HYPERLINK(1)" in output_header([*HEADER.split(","), "=HYPERLINK(1)"])


def test_a_json_line_nested_too_deep_is_reported_on_its_line() -> None:
    text = json.dumps(dict(zip(HEADER.split(","), row().split(","), strict=True)))
    claims = list(assess_file(io.StringIO(f"{text}\n{'[' * 100_000}\n"), format="jsonl"))
    assert [True, None] == [c.allowed for c in claims]
    error = only_error(claims)
    assert (2, "json") == (error.line, error.field)


def test_a_row_with_a_cell_over_two_lines_is_numbered_by_its_first_line() -> None:
    claims = claims_of(
        f'{row(day="2024-05-07")},"Dr\nX"', f"{row(day='2024-02-30')},ok", header=f"{HEADER},note"
    )
    assert [2, 4] == [c.line for c in claims]
    assert 4 == only_error(claims).line


@pytest.mark.parametrize("day", ["20240506", "2024W191", "2024-W19-1", "2024-05-06T00"])
def test_dates_are_read_only_as_yyyy_mm_dd(day: str) -> None:
    error = only_error(claims_of(row(day=day)))
    assert ("date", day) == (error.field, error.value)
