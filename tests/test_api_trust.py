"""The public API raises only the library's errors, before any output, and never shows a person."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import pickle
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from inami_ppl import (
    Assessment,
    InamiPplError,
    InvalidInputError,
    Patient,
    RuleDataError,
    Session,
    assess,
    assess_history,
    default_rules,
    next_allowed_date,
)
from inami_ppl.claims import Claim, assess_file, assess_records, write_csv, write_jsonl

PATIENT = Patient(birth_date=dt.date(1980, 1, 1))
SESSION = Session(
    date=dt.date(2024, 5, 6), network="adults", function="support", setting="individual"
)
RECORD = {
    "patient_id": "a",
    "birth_date": "1980-01-01",
    "date": "2024-05-06",
    "network": "adults",
    "function": "support",
    "setting": "individual",
}


# --- year 9999 -------------------------------------------------------------------------------


def test_a_year_9999_row_is_a_row_error_even_with_unconfirmed_rules() -> None:
    rows = [{**RECORD, "date": "9999-12-31"}, RECORD]
    claims = list(assess_records(rows, accept_unconfirmed=True))
    assert claims[0].error is not None
    assert "date" == claims[0].error.field
    assert claims[1].allowed


def test_a_session_dated_9999_is_an_input_error_not_an_overflow() -> None:
    with pytest.raises(InvalidInputError, match="on or before 2099-12-31"):
        Session(date=dt.date(9999, 12, 31), network="adults", function="support", setting="group")


def test_next_allowed_date_with_far_future_history_does_not_overflow() -> None:
    far = Session(date=dt.date(2099, 12, 31), network="adults", function="support", setting="group")
    assert dt.date(2024, 5, 6) == next_allowed_date(PATIENT, [far], SESSION)


# --- maxima and amounts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "override",
    [
        {"limit.2024.support_individual.adults": 0},
        {"day.max_sessions": 0},
        {"fee.individual": "-0"},
        {"fee.individual": "999999.999"},
        {"fee.individual": "81.745"},
    ],
)
def test_overrides_that_cannot_be_judged_are_refused_when_given(
    override: dict[str, object],
) -> None:
    with pytest.raises(RuleDataError):
        default_rules().with_overrides(override)


# --- decisions read back from JSON --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("allowed", "yes"),
        ("unconfirmed", "false"),
        ("patient_share", "sNaN"),
        ("patient_share", 1.5),
        ("practitioner_fee", "Infinity"),
    ],
)
def test_a_tampered_decision_is_an_input_error(field: str, value: object) -> None:
    data = assess(PATIENT, [], SESSION).to_dict()
    data[field] = value
    with pytest.raises(InvalidInputError):
        Assessment.from_dict(data)
    with pytest.raises(InvalidInputError):
        Assessment.from_json(json.dumps(data))


def test_json_nested_too_deep_is_an_input_error() -> None:
    with pytest.raises(InvalidInputError):
        Assessment.from_json("[" * 100_000)


# --- options and values of the wrong type -----------------------------------------------------


@pytest.mark.parametrize("option", ["accept_unconfirmed", "grouped", "strict"])
def test_options_are_booleans_not_truthy_values(option: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        assess_records([RECORD], **{option: "no"})  # type: ignore[arg-type]
    assert option == caught.value.field


def test_assess_takes_only_a_boolean_for_accept_unconfirmed() -> None:
    with pytest.raises(InvalidInputError):
        assess(PATIENT, [], SESSION, accept_unconfirmed="no")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        assess_history(PATIENT, [SESSION], accept_unconfirmed=1)  # type: ignore[arg-type]


def test_a_huge_int_does_not_break_the_message() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Session(date=dt.date(2024, 5, 6), network=10**5000, function="support", setting="group")
    assert "too large to show" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_claims_can_be_hashed_pickled_and_copied() -> None:
    claims = list(assess_records([RECORD, {**RECORD, "extra": ["a", {"b": 1}]}]))
    for claim in claims:
        assert claim == pickle.loads(pickle.dumps(claim))  # noqa: S301  (our own bytes)
        assert claim == copy.deepcopy(claim)
        assert hash(claim) == hash(copy.copy(claim))


@pytest.mark.parametrize(
    ("write", "arguments"),
    [
        (write_csv, {"stream": object()}),
        (write_csv, {"lang": "xx"}),
        (write_csv, {"columns": 42}),
        (write_csv, {"columns": [1, 2]}),
        (write_csv, {"excel": "yes"}),
        (write_jsonl, {"stream": object()}),
        (write_jsonl, {"lang": None}),
    ],
)
def test_writers_check_their_arguments_before_writing_anything(
    write: Any, arguments: dict[str, Any]
) -> None:
    taken: list[object] = []

    def claims() -> Iterator[Claim]:
        taken.append(1)
        yield from assess_records([RECORD])

    with pytest.raises(InvalidInputError):
        write(claims(), **{"stream": io.StringIO(), **arguments})
    assert [] == taken


# --- privacy -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Patient(birth_date="1987-04-12"),
        lambda: Patient(birth_date=dt.datetime(1987, 4, 12)),  # noqa: DTZ001
        lambda: Session(
            date=dt.date(2024, 5, 6),
            network="adults",
            function="support",
            setting="individual",
            provider=1987_04_12,
        ),
        lambda: assess(Patient(birth_date=dt.date(2030, 1, 1)), [], SESSION),
    ],
)
def test_errors_never_show_a_birth_date_or_a_provider_number(make: object) -> None:
    with pytest.raises(InamiPplError) as caught:
        make()  # type: ignore[operator]
    text = str(caught.value)
    assert "1987" not in text
    assert "2030" not in text
    assert "not shown" in text


def test_amounts_read_back_are_the_decisions_amounts() -> None:
    decision = assess(PATIENT, [], SESSION)
    assert Decimal("81.74") == Assessment.from_json(decision.to_json()).practitioner_fee


def test_a_path_with_a_nul_is_a_claims_file_error() -> None:
    with pytest.raises(InvalidInputError, match="a path to a file"):
        list(assess_file("claims\x00.csv"))
