"""A catalogue of bad input: each kind raises the library's own error naming the field.

``RULES.md`` §11 and ``DESIGN.md`` principle 4: bad input is an error from the
``InamiPplError`` hierarchy (never a bare ``KeyError``, ``TypeError`` or
``AttributeError``), with a message that names the field. Claims files report a
malformed row with its line and field and go on; the command's exit codes are tested
in ``test_cli.py``. Arbitrary objects are thrown at every public function at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inami_ppl as ip
from inami_ppl import (
    Assessment,
    InamiPplError,
    InvalidInputError,
    OutOfCoverageError,
    Patient,
    Reason,
    RuleDataError,
    Session,
)
from inami_ppl.analytics import network_averages, summarize, totals, what_if
from inami_ppl.claims import ClaimsFileError, assess_file, assess_records, read_csv

BORN = dt.date(1980, 6, 15)
ON = dt.date(2024, 5, 2)
P = Patient(birth_date=BORN)
S = Session(date=ON, network="adults", function="support", setting="individual")
RULES = ip.default_rules()
HEADER = "patient_id,birth_date,date,network,function,setting\n"


def junk(value: object) -> Any:
    """``value`` typed as anything, to pass it where the API wants another type."""
    return value


def session(**changes: object) -> Session:
    fields: dict[str, object] = {
        "date": ON,
        "network": "adults",
        "function": "support",
        "setting": "individual",
        **changes,
    }
    return Session(**junk(fields))


def csv_claims(text: str) -> list[object]:
    return list(assess_file(io.StringIO(text)))


# (kind of bad input, the call, the error class, the field its message names)
CATALOGUE: list[tuple[str, Callable[[], object], type[InamiPplError], str]] = [
    # value objects
    (
        "birth date as datetime",
        lambda: Patient(birth_date=dt.datetime(1980, 1, 1, tzinfo=dt.UTC)),
        InvalidInputError,
        "birth_date",
    ),
    (
        "birth date as text",
        lambda: Patient(birth_date=junk("1980-01-01")),
        InvalidInputError,
        "birth_date",
    ),
    ("birth date missing", lambda: Patient(birth_date=junk(None)), InvalidInputError, "birth_date"),
    (
        "preferential as text",
        lambda: Patient(birth_date=BORN, preferential=junk("yes")),
        InvalidInputError,
        "preferential",
    ),
    (
        "session date as datetime",
        lambda: session(date=dt.datetime(2024, 5, 2, 10, tzinfo=dt.UTC)),
        InvalidInputError,
        "date",
    ),
    ("session date as naive text", lambda: session(date="2024-05-02"), InvalidInputError, "date"),
    ("unknown network code", lambda: session(network="kids"), InvalidInputError, "network"),
    ("unknown function code", lambda: session(function="therapy"), InvalidInputError, "function"),
    ("unknown setting code", lambda: session(setting="duo"), InvalidInputError, "setting"),
    ("unknown modality code", lambda: session(modality="phone"), InvalidInputError, "modality"),
    ("code in the wrong case", lambda: session(network="ADULTS"), InvalidInputError, "network"),
    ("flag as a number", lambda: session(with_context=1), InvalidInputError, "with_context"),
    ("empty provider", lambda: session(provider=" "), InvalidInputError, "provider"),
    ("community individual", lambda: session(function="community"), InvalidInputError, "setting"),
    (
        "co-consultation group",
        lambda: session(function="co_consultation", setting="group"),
        InvalidInputError,
        "setting",
    ),
    # public functions
    (
        "patient of the wrong type",
        lambda: ip.assess(junk("p"), [], S),
        InvalidInputError,
        "patient",
    ),
    (
        "session of the wrong type",
        lambda: ip.assess(P, [], junk("s")),
        InvalidInputError,
        "session",
    ),
    ("history as a text", lambda: ip.assess(P, junk("history"), S), InvalidInputError, "history"),
    (
        "history holding a non-session",
        lambda: ip.assess(P, [S, junk(3)], S),
        InvalidInputError,
        "history[1]",
    ),
    (
        "history before 2021-09-01",
        lambda: ip.assess(P, [session(date=dt.date(2021, 8, 31))], S),
        OutOfCoverageError,
        "history[0].date",
    ),
    (
        "session before 2021-09-01",
        lambda: ip.assess(P, [], session(date=dt.date(2021, 8, 31))),
        OutOfCoverageError,
        "date",
    ),
    (
        "session after the covered period",
        lambda: ip.assess(P, [], session(date=dt.date(2028, 1, 3))),
        OutOfCoverageError,
        "date",
    ),
    (
        "birth after the session",
        lambda: ip.assess(Patient(birth_date=dt.date(2024, 6, 1)), [], S),
        InvalidInputError,
        "birth_date",
    ),
    (
        "rules of the wrong type",
        lambda: ip.assess(P, [], S, rules=junk("2024")),
        InvalidInputError,
        "rules",
    ),
    ("sessions missing", lambda: ip.assess_history(P, junk(None)), InvalidInputError, "sessions"),
    (
        "remaining on a datetime",
        lambda: ip.remaining(P, [], dt.datetime(2024, 5, 2, tzinfo=dt.UTC), "adults"),
        InvalidInputError,
        "on",
    ),
    (
        "remaining in an unknown network",
        lambda: ip.remaining(P, [], ON, "kids"),
        InvalidInputError,
        "network",
    ),
    (
        "next date of a non-session",
        lambda: ip.next_allowed_date(P, [], junk("s")),
        InvalidInputError,
        "session",
    ),
    (
        "fee for an unknown role",
        lambda: ip.practitioner_fee(ON, "group", "nurse"),
        InvalidInputError,
        "role",
    ),
    (
        "individual fee of another role",
        lambda: ip.practitioner_fee(ON, "individual", "other"),
        InvalidInputError,
        "role",
    ),
    (
        "fee on a text date",
        lambda: ip.practitioner_fee(junk("2024-05-02"), "individual"),
        InvalidInputError,
        "on",
    ),
    ("age before birth", lambda: ip.age_on(ON, BORN), InvalidInputError, "birth_date"),
    (
        "networks on a datetime",
        lambda: ip.networks_for(BORN, dt.datetime(2024, 5, 2, tzinfo=dt.UTC)),
        InvalidInputError,
        "on",
    ),
    ("rules on a text date", lambda: ip.ruleset_for(junk("2024-05-02")), InvalidInputError, "on"),
    (
        "message in an unknown language",
        lambda: Reason(code="day.limit", params=(("date", dt.date(2024, 5, 2)),)).message("es"),
        InvalidInputError,
        "lang",
    ),
    (
        "decision JSON that is not JSON",
        lambda: Assessment.from_json("{nope"),
        InvalidInputError,
        "json",
    ),
    (
        "decision JSON of another version",
        lambda: Assessment.from_json('{"format": 99}'),
        InvalidInputError,
        "format",
    ),
    # rule-table overrides
    (
        "NaN amount",
        lambda: RULES.with_overrides({"fee.individual": math.nan}),
        RuleDataError,
        "fee.individual",
    ),
    (
        "Decimal NaN amount",
        lambda: RULES.with_overrides({"fee.individual": Decimal("NaN")}),
        RuleDataError,
        "fee.individual",
    ),
    (
        "negative amount",
        lambda: RULES.with_overrides({"share.individual": "-1"}),
        RuleDataError,
        "share.individual",
    ),
    (
        "infinite amount",
        lambda: RULES.with_overrides({"fee.group.other": math.inf}),
        RuleDataError,
        "fee.group.other",
    ),
    (
        "amount as a boolean",
        lambda: RULES.with_overrides({"share.group": True}),
        RuleDataError,
        "share.group",
    ),
    (
        "unknown parameter",
        lambda: RULES.with_overrides({"fee.weekend": 1}),
        RuleDataError,
        "overrides",
    ),
    (
        "negative maximum",
        lambda: RULES.with_overrides({"limit.2024.support_individual.adults": -1}),
        RuleDataError,
        "limit.2024.support_individual.adults",
    ),
    (
        "unknown limit",
        lambda: RULES.with_overrides({"limit.2024.nope.adults": 3}),
        RuleDataError,
        "overrides",
    ),
    (
        "override ending before it starts",
        lambda: RULES.with_overrides({"fee.individual": 1}, start=ON, end=BORN),
        RuleDataError,
        "end",
    ),
    (
        "overrides not a mapping",
        lambda: RULES.with_overrides(junk([("fee.individual", 1)])),
        RuleDataError,
        "overrides",
    ),
    ("rule tables that are not TOML", lambda: ip.load_rules(b"[[["), RuleDataError, "rules"),
    (
        "rule tables as text, not bytes",
        lambda: ip.load_rules(junk("format = 1")),
        RuleDataError,
        "rules",
    ),
    (
        "rule tables with an unknown key",
        lambda: ip.load_rules(b"format = 1\ncolour = 2\n"),
        RuleDataError,
        "rules.colour",
    ),
    # claims
    ("claims that are not a list", lambda: assess_records(junk(3)), InvalidInputError, "records"),
    ("empty claims file", lambda: read_csv(io.StringIO("")), ClaimsFileError, "header"),
    (
        "claims header without a date",
        lambda: read_csv(io.StringIO("patient_id,birth_date\n")),
        ClaimsFileError,
        "header",
    ),
    (
        "claims header with a duplicated column",
        lambda: read_csv(io.StringIO(HEADER.strip() + ",date\n")),
        ClaimsFileError,
        "header",
    ),
    (
        "claims source of the wrong type",
        lambda: list(assess_file(junk(3))),
        ClaimsFileError,
        "file",
    ),
    (
        "summary of something else than claims",
        lambda: totals(junk([{}])),
        InvalidInputError,
        "claims",
    ),
]


def test_the_catalogue_holds_at_least_forty_kinds_each_once() -> None:
    names = [name for name, *_ in CATALOGUE]
    assert len(names) >= 40
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [(call, error, field) for _, call, error, field in CATALOGUE],
    ids=[name for name, *_ in CATALOGUE],
)
def test_bad_input_raises_the_librarys_error_naming_the_field(
    call: Callable[[], object], error: type[InamiPplError], field: str
) -> None:
    with pytest.raises(error) as caught:
        call()
    assert type(caught.value) is error
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{field}: expected ")


# --- rows of a claims file: reported, never raised, never dropped ---------------------------


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("p,1980-06-15,2024-05-02,adults,support", "row"),
        ("p,1980-06-15,2024-05-02,adults,support,individual,extra", "row"),
        ("p,1980-06-15,02/05/2024,adults,support,individual", "date"),
        ("p,1980-06-15,2024-05-02T10:00,adults,support,individual", "date"),
        ("p,,2024-05-02,adults,support,individual", "birth_date"),
        (",1980-06-15,2024-05-02,adults,support,individual", "patient_id"),
        ("p,1980-06-15,2024-05-02,,support,individual", "network"),
        ("p,1980-06-15,2021-08-31,adults,first_line,individual", "date"),
        ("p,2025-01-01,2024-05-02,adults,support,individual", "birth_date"),
        (",,,,,", "patient_id"),
    ],
)
def test_a_malformed_row_is_reported_on_its_line(row: str, field: str) -> None:
    text = HEADER + "ok,1980-06-15,2024-05-02,adults,support,individual\n" + row + "\n"
    claims = list(assess_file(io.StringIO(text)))
    assert 2 == len(claims)
    assert claims[0].error is None
    error = claims[1].error
    assert error is not None
    assert (3, field) == (error.line, error.field)


def test_a_byte_order_mark_crlf_blank_lines_and_extra_columns_are_fine() -> None:
    text = (
        "\ufeff"
        + HEADER.strip()
        + ",note\r\n\r\np,1980-06-15,2024-05-02,adults,support,individual,x\r\n"
    )
    [claim] = list(assess_file(io.StringIO(text, newline="")))
    assert (3, True, "x") == (claim.line, claim.allowed, claim.cells["note"])


def test_empty_and_huge_histories_are_fine() -> None:
    assert ip.assess(P, [], S).allowed
    huge = [
        session(date=dt.date(2021, 9, 1) + dt.timedelta(days=i), function="first_line")
        for i in range(900)
    ]
    decision = ip.assess(P, huge, S)
    assert decision.allowed is False  # 2021 first-line sessions count as support (§6)
    assert 900 == len(ip.assess_history(P, huge))


# --- anything at all into the public functions -------------------------------------------

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=True),
    st.text(max_size=12),
    st.binary(max_size=12),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
    st.sampled_from([P, S, object(), ip.Network.ADULTS, iter([S]), [S, S], [S, "x"]]),
)

PUBLIC: dict[str, Callable[[Any], object]] = {
    "Patient": lambda a: Patient(birth_date=a),
    "Session": lambda a: session(date=a),
    "Session.network": lambda a: session(network=a),
    "assess.patient": lambda a: ip.assess(a, [], S),
    "assess.history": lambda a: ip.assess(P, a, S),
    "assess.session": lambda a: ip.assess(P, [], a),
    "assess.rules": lambda a: ip.assess(P, [], S, rules=a),
    "assess_history": lambda a: ip.assess_history(P, a),
    "remaining.on": lambda a: ip.remaining(P, [], a, "adults"),
    "remaining.network": lambda a: ip.remaining(P, [], ON, a),
    "next_allowed_date": lambda a: ip.next_allowed_date(P, a, S),
    "patient_share": lambda a: ip.patient_share(P, [], a),
    "practitioner_fee": lambda a: ip.practitioner_fee(ON, "group", a),
    "ruleset_for": lambda a: ip.ruleset_for(a),
    "networks_for": lambda a: ip.networks_for(BORN, a),
    "age_on": lambda a: ip.age_on(a, ON),
    "with_overrides": lambda a: RULES.with_overrides({"fee.individual": a}),
    "with_overrides.map": lambda a: RULES.with_overrides(a),
    "load_rules": lambda a: ip.load_rules(a),
    "from_json": lambda a: Assessment.from_json(a),
    "from_dict": lambda a: Assessment.from_dict(a),
    "message": lambda a: Reason(code="day.limit", params=(("date", "2024-05-02"),)).message(a),
    "assess_records": lambda a: list(assess_records(a)),
    "assess_records.row": lambda a: list(assess_records([a])),
    "assess_file": lambda a: list(assess_file(a)),
    "totals": lambda a: totals(a),
    "summarize": lambda a: summarize([], by=a),
    "network_averages": lambda a: network_averages(a),
    "what_if": lambda a: what_if(a, RULES),
}


@settings(max_examples=400, deadline=None, database=None)
@given(st.sampled_from(sorted(PUBLIC)), ANYTHING)
def test_anything_into_a_public_function_raises_only_the_librarys_errors(
    name: str, value: object
) -> None:
    with contextlib.suppress(InamiPplError):
        PUBLIC[name](value)
