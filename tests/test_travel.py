"""Answers that travel: JSON forms of remaining, sessions, patients and reasons; typed reason
facts; reasons built by hand are checked; networks_for takes a patient."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from inami_ppl import (
    Assessment,
    InvalidInputError,
    Network,
    Param,
    Patient,
    Reason,
    ReasonCode,
    Session,
    ShareCode,
    Source,
    assess,
    networks_for,
    remaining,
)
from inami_ppl.model import NOT_SHOWN
from support import ADULT, s

FULL = s(
    "2024-05-13",
    "co_consultation",
    modality="home",
    with_context=True,
    functional_assessment=True,
    provider="psy-1",
    unable_to_travel=True,
    co_provider="1-23456-78-901",
)


def test_remaining_has_a_json_form_keyed_by_function_and_setting() -> None:
    left = remaining(ADULT, [s("2024-05-06", "support")], dt.date(2024, 6, 1), "adults")
    data = json.loads(json.dumps(left.to_dict()))
    assert 7 == data["support/individual"]
    assert None is data["treatment/group"]
    assert len(left) == len(data)


@pytest.mark.parametrize("session", [FULL, s("2024-05-13", "support")])
def test_session_round_trips_through_its_dict_form(session: Session) -> None:
    assert session == Session.from_dict(json.loads(json.dumps(session.to_dict())))


def test_session_dict_form_is_the_one_of_decisions() -> None:
    decision = assess(ADULT, [], FULL)
    assert FULL.to_dict() == decision.to_dict()["session"]
    assert "12345678901" == FULL.to_dict()["co_provider"]


def test_session_from_dict_takes_the_defaults_for_fields_left_out() -> None:
    minimal = {"date": "2024-05-13", "network": "adults", "function": "support"}
    assert s("2024-05-13", "support") == Session.from_dict({**minimal, "setting": "individual"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "blue"}, "session.colour"),
        ({"date": None}, "date"),
        ({"date": "2024-13-01"}, "date"),
        ({"network": "seniors"}, "network"),
    ],
)
def test_session_from_dict_rejects_bad_fields(change: dict[str, Any], field: str) -> None:
    form = {**s("2024-05-13", "support").to_dict(), **change}
    with pytest.raises(InvalidInputError) as info:
        Session.from_dict(form)
    assert field == info.value.field


def test_session_from_dict_names_a_missing_field() -> None:
    form = s("2024-05-13", "support").to_dict()
    del form["setting"]
    with pytest.raises(InvalidInputError) as info:
        Session.from_dict(form)
    assert "session.setting" == info.value.field


@pytest.mark.parametrize("form", [None, [], "session"])
def test_session_from_dict_of_something_else_than_a_mapping_is_rejected(form: object) -> None:
    with pytest.raises(InvalidInputError, match="session"):
        Session.from_dict(form)  # type: ignore[arg-type]


def test_patient_round_trips_through_its_dict_form() -> None:
    patient = Patient(birth_date=dt.date(2001, 5, 17), preferential=True)
    assert patient == Patient.from_dict(json.loads(json.dumps(patient.to_dict())))
    assert ADULT == Patient.from_dict({"birth_date": "1980-06-15"})


@pytest.mark.parametrize("bad", ["17/05/2001", 20010517, "2001-02-30"])
def test_patient_from_dict_never_shows_the_birth_date(bad: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        Patient.from_dict({"birth_date": bad})
    assert "birth_date" == info.value.field
    assert NOT_SHOWN == info.value.value
    assert "2001" not in str(info.value)


def test_patient_from_dict_rejects_unknown_fields() -> None:
    with pytest.raises(InvalidInputError, match=r"patient\.name"):
        Patient.from_dict({"birth_date": "1980-06-15", "name": "x"})


def test_networks_for_accepts_a_patient() -> None:
    day = dt.date(2024, 6, 1)
    assert networks_for(ADULT, day) == networks_for(ADULT.birth_date, day) == {Network.ADULTS}


# --- reasons built by hand -------------------------------------------------------------


def test_a_reason_accepts_its_facts_as_a_mapping_or_pairs_and_keeps_their_types() -> None:
    day = dt.date(2024, 5, 2)
    by_mapping = Reason(code="day.limit", params={"date": day})
    by_pairs = Reason(code=ReasonCode.DAY_LIMIT, params=[(Param.DATE, day)])
    assert by_mapping == by_pairs
    assert day == by_mapping.param(Param.DATE)
    assert ReasonCode.DAY_LIMIT is by_mapping.code


@pytest.mark.parametrize(
    ("code", "params", "field"),
    [
        ("day.other", {}, "code"),
        (42, {}, "code"),
        ("day.limit", {}, "params"),
        ("day.limit", {"date": dt.date(2024, 5, 2), "age": 3}, "params"),
        ("day.limit", {"date": "2024-05-02"}, "params.date"),
        ("day.limit", {"date": dt.datetime(2024, 5, 2, 10, 0)}, "params.date"),  # noqa: DTZ001
        ("day.limit", {"when": dt.date(2024, 5, 2)}, "params"),
        ("day.limit", [("date", dt.date(2024, 5, 2)), ("date", dt.date(2024, 5, 3))], "params"),
        ("day.limit", [("date",)], "params"),
        ("day.limit", "date", "params"),
        ("share.standard", {"amount": "11.00"}, "params.amount"),
        ("share.standard", {"amount": 11}, "params.amount"),
        ("share.youth", {"amount": Decimal("0"), "max_age": True}, "params.max_age"),
        ("share.youth", {"amount": Decimal("0"), "max_age": "23"}, "params.max_age"),
        (
            "function.not_in_force",
            {"function": 1, "ruleset": "2024", "date": dt.date(2024, 5, 2)},
            "params.function",
        ),
    ],
)
def test_a_reason_built_by_hand_is_checked(code: object, params: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Reason(code=code, params=params)
    assert field == info.value.field


def test_a_reason_rejects_sources_that_are_not_sources() -> None:
    with pytest.raises(InvalidInputError, match="sources"):
        Reason(code="video.first_in_person", sources=["inami-ppl-2021"])
    with pytest.raises(InvalidInputError, match="sources"):
        Reason(code="video.first_in_person", sources=3)


def test_a_reason_keeps_sources_given_as_a_list() -> None:
    source = Source(key="k", url="https://example.org", confidence="A")
    assert (source,) == Reason(code="video.first_in_person", sources=[source]).sources


def test_asking_a_reason_for_a_fact_it_does_not_have_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="name"):
        Reason(code="video.first_in_person").param("date")


def test_reason_json_keeps_numbers_as_numbers() -> None:
    reason = Reason(
        code="quota.exceeded",
        params={
            "limit": "support_individual",
            "maximum": 8,
            "used": 8,
            "network": "adults",
            "frees_on": dt.date(2025, 5, 6),
        },
    )
    data = json.loads(json.dumps(reason.to_dict()))
    assert 8 == data["params"]["maximum"]
    assert "2025-05-06" == data["params"]["frees_on"]
    assert reason == Reason.from_dict(data)


def test_share_reason_json_keeps_the_amount_exact() -> None:
    reason = Reason(code=ShareCode.PREFERENTIAL, params={"amount": Decimal("4.00")})
    assert reason == Reason.from_dict(json.loads(json.dumps(reason.to_dict())))


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"code": "day.limit", "params": {"date": "2024-05-02"}}, "reason"),
        ({"code": "day.limit", "params": {"date": "2024-5-2x"}, "sources": []}, "reason"),
        ({"code": "day.limit", "params": {"date": 3}, "sources": []}, "params.date"),
        ({"code": "day.limit", "params": {"when": "2024-05-02"}, "sources": []}, "params"),
    ],
)
def test_reason_from_dict_rejects_bad_forms(form: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Reason.from_dict(form)
    assert field == info.value.field


def test_decisions_of_format_1_are_still_read() -> None:
    decision = assess(ADULT, [s("2024-05-06", "support")], s("2024-05-06", "support"))
    data = decision.to_dict()
    data["format"] = 1
    del data["share_reason"], data["applied"]
    for key in ("unable_to_travel", "co_provider"):
        del data["session"][key]
    data["reasons"][0]["params"] = {"date": "2024-05-06", "window": "trailing/12"}
    assert decision == Assessment.from_dict(data)


def test_format_1_numbers_written_as_text_are_read_as_numbers() -> None:
    form = {
        "code": "quota.exceeded",
        "params": {
            "limit": "support_individual",
            "maximum": "8",
            "used": "8",
            "network": "adults",
            "frees_on": "2025-05-06",
        },
        "sources": [],
    }
    assert 8 == Reason.from_dict(form).param("maximum")


def test_session_from_dict_accepts_a_date_object() -> None:
    form = {**s("2024-05-13", "support").to_dict(), "date": dt.date(2024, 5, 13)}
    assert s("2024-05-13", "support") == Session.from_dict(form)
