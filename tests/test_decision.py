"""Decisions explain themselves: reason messages in four languages, and JSON in and out.

``DESIGN.md`` principle 3 (messages in French, Dutch, German or English, picked by the
caller; decisions serialise to JSON with a format version) and principle 4 (bad input
raises the library's error).
"""

# Asserts put the expected value first (STYLE.md), which SIM300 calls a "Yoda condition".

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from inami_ppl import (
    FORMAT_VERSION,
    LANGUAGES,
    Assessment,
    InamiPplError,
    InvalidInputError,
    Patient,
    Reason,
    Session,
    assess,
)

D = dt.date
ADULT = Patient(birth_date=D(1990, 1, 1))
DAY_LIMIT = Reason(code="day.limit", params=(("date", "2024-05-02"),))


def support(day: dt.date, **changes: Any) -> Session:
    fields: dict[str, Any] = {
        "date": day,
        "network": "adults",
        "function": "support",
        "setting": "individual",
        **changes,
    }
    return Session(**fields)


def first_line(day: dt.date, setting: str = "individual") -> Session:
    return Session(date=day, network="adults", function="first_line", setting=setting)


# --------------------------------------------------------------------------------------
# Reason messages (DESIGN.md principle 3).


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Une seule séance remboursée par jour : une séance a déjà eu lieu le 02/05/2024."),
        (
            "nl",
            "Maar één terugbetaalde sessie per dag: er vond al een sessie plaats op 02-05-2024.",
        ),
        (
            "de",
            "Nur eine erstattete Sitzung pro Tag: am 02.05.2024 hat bereits eine Sitzung "
            "stattgefunden.",
        ),
        ("en", "Only one reimbursed session a day: a session already took place on 2024-05-02."),
    ],
)
def test_reason_message_in_each_language(lang: str, expected: str) -> None:
    assert expected == DAY_LIMIT.message(lang)


def test_every_language_of_the_contract_has_a_test() -> None:
    assert ("fr", "nl", "de", "en") == LANGUAGES


def test_reason_message_is_in_english_by_default() -> None:
    assert DAY_LIMIT.message("en") == DAY_LIMIT.message()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            "Le maximum de 8 séances individuelles de 1re ligne au cours des 12 derniers mois "
            "dans le réseau « adultes » est atteint (8 déjà utilisées) ; une séance se libère le "
            "03/01/2023.",
        ),
        (
            "en",
            "The maximum of 8 first-line individual sessions within the last 12 months in the "
            "adults network is reached (8 already used); a session frees up on 2023-01-03.",
        ),
    ],
)
def test_reason_message_translates_the_codes_it_mentions(lang: str, expected: str) -> None:
    reason = Reason(
        code="quota.exceeded",
        params=(
            ("limit", "first_line_individual"),
            ("maximum", "8"),
            ("used", "8"),
            ("network", "adults"),
            ("frees_on", "2023-01-03"),
            ("window", "trailing/12"),
        ),
    )

    assert expected == reason.message(lang)


@pytest.mark.parametrize("lang", ["es", "", "english", "FR", None, ["fr"], 1])
def test_unknown_language_is_an_error(lang: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        DAY_LIMIT.message(lang)  # type: ignore[arg-type]

    error = info.value
    assert isinstance(error, InamiPplError)
    assert "lang" == error.field
    assert repr(lang) in str(error)


def test_unknown_reason_code_is_an_error_when_rendered() -> None:
    with pytest.raises(InvalidInputError) as info:
        Reason(code="quota.weekly").message("en")

    assert "code" == info.value.field
    assert "'quota.weekly'" in str(info.value)


def test_assessment_lists_codes_and_messages_in_order() -> None:
    # A 30-year-old in the children's network, by video, with no earlier session.
    session = support(D(2024, 5, 2), network="children_adolescents", modality="video")

    refused = assess(ADULT, [], session)

    assert ("age.network", "video.first_in_person") == refused.codes
    assert 2 == len(refused.messages("nl"))
    assert refused.reasons[1].message("de") == refused.messages("de")[1]


# --------------------------------------------------------------------------------------
# JSON round trips (DESIGN.md principle 3).

CASES: dict[str, Callable[[], Assessment]] = {
    "accepted individual": lambda: assess(ADULT, [], support(D(2024, 5, 2))),
    "accepted with history": lambda: assess(
        ADULT, [support(D(2024, 5, 2), provider="p1")], support(D(2024, 6, 3), modality="video")
    ),
    "accepted group (no fee)": lambda: assess(ADULT, [], first_line(D(2023, 3, 1), "group")),
    "accepted unconfirmed": lambda: assess(
        ADULT, [], support(D(2028, 2, 1)), accept_unconfirmed=True
    ),
    "refused video first": lambda: assess(ADULT, [], support(D(2024, 5, 2), modality="video")),
    "refused two reasons": lambda: assess(
        ADULT, [], support(D(2024, 5, 2), network="children_adolescents", modality="video")
    ),
    "refused same day": lambda: assess(
        ADULT, [support(D(2024, 5, 2))], support(D(2024, 5, 2), provider="p2")
    ),
    "refused quota exceeded": lambda: assess(
        ADULT,
        [first_line(D(2022, 1, 3) + dt.timedelta(weeks=w)) for w in range(8)],
        first_line(D(2022, 4, 1)),
    ),
}


@pytest.mark.parametrize("build", CASES.values(), ids=CASES.keys())
def test_json_round_trip_gives_back_the_same_assessment(build: Callable[[], Assessment]) -> None:
    assessment = build()

    assert assessment == Assessment.from_json(assessment.to_json())


@pytest.mark.parametrize("build", CASES.values(), ids=CASES.keys())
def test_json_text_is_stable_through_a_round_trip(build: Callable[[], Assessment]) -> None:
    text = build().to_json()

    assert text == Assessment.from_json(text).to_json()


def test_the_round_trip_cases_are_accepted_and_refused_as_named() -> None:
    # Guards the table above: it must hold both kinds of decision.
    assert {name: not name.startswith("refused") for name in CASES} == {
        name: build().allowed for name, build in CASES.items()
    }


def test_json_form_carries_the_format_version_and_amounts_as_text() -> None:
    data = json.loads(CASES["accepted individual"]().to_json())

    assert FORMAT_VERSION == data["format"]
    assert 2 == data["format"]
    assert False is data["unconfirmed"]
    assert [] == data["unconfirmed_values"]
    assert None is data["billing_code"]
    assert "0.00" == data["patient_share"]
    assert "81.74" == data["practitioner_fee"]
    assert "81.74" == data["insurer_share"]
    assert "2024" == data["ruleset"]
    assert "2024-05-02" == data["session"]["date"]


def test_json_form_of_a_refusal_has_codes_params_and_sources() -> None:
    data = json.loads(CASES["refused same day"]().to_json())

    assert False is data["allowed"]
    assert None is data["patient_share"]
    assert [
        {
            "code": "day.limit",
            "params": {"date": "2024-05-02", "window": "trailing/12"},
            "sources": [
                {
                    "key": "convention-2024",
                    "url": "https://www.inami.fgov.be/SiteCollectionDocuments/convention_riziv_reseau_sante_mentale.pdf",
                    "confidence": "S",
                    "note": "Article 10 §3.",
                }
            ],
        }
    ] == data["reasons"]


def test_amounts_read_back_as_decimals() -> None:
    assessment = Assessment.from_json(CASES["accepted individual"]().to_json())

    assert Decimal("81.74") == assessment.practitioner_fee
    assert isinstance(assessment.practitioner_fee, Decimal)


# --------------------------------------------------------------------------------------
# Reading bad JSON is an InvalidInputError naming what was wrong.


def accepted_form() -> dict[str, Any]:
    form: dict[str, Any] = json.loads(CASES["accepted individual"]().to_json())
    return form


def refused_form() -> dict[str, Any]:
    form: dict[str, Any] = json.loads(CASES["refused same day"]().to_json())
    return form


def assert_rejected(text: str, field: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        Assessment.from_json(text)
    error = info.value
    assert isinstance(error, InamiPplError)
    assert isinstance(error, ValueError)
    assert field == error.field
    return error


@pytest.mark.parametrize("version", [3, 0, "1", None], ids=repr)
def test_unknown_format_version_is_rejected(version: object) -> None:
    form = accepted_form()
    form["format"] = version

    error = assert_rejected(json.dumps(form), "format")
    assert repr(version) in str(error)


def test_missing_format_version_is_rejected() -> None:
    form = accepted_form()
    del form["format"]

    assert_rejected(json.dumps(form), "format")


@pytest.mark.parametrize("text", ["[]", "42", '"assessment"', "null", "true"])
def test_json_that_is_not_an_object_is_rejected(text: str) -> None:
    assert_rejected(text, "json")


@pytest.mark.parametrize("text", ["{", "", "not json", "{'format': 1}", '{"format": 1,}'])
def test_invalid_json_text_is_rejected(text: str) -> None:
    assert_rejected(text, "json")


def test_json_of_the_wrong_type_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as info:
        Assessment.from_json(None)  # type: ignore[arg-type]

    assert "json" == info.value.field


@pytest.mark.parametrize("value", [[1], "text", 42, None], ids=repr)
def test_from_dict_of_something_else_than_a_mapping_is_rejected(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        Assessment.from_dict(value)  # type: ignore[arg-type]

    assert "format" == info.value.field


@pytest.mark.parametrize(
    "key",
    [
        "session",
        "allowed",
        "reasons",
        "patient_share",
        "practitioner_fee",
        "insurer_share",
        "ruleset",
        "unconfirmed",
        "quota",
        "sources",
    ],
)
def test_missing_field_is_rejected(key: str) -> None:
    form = accepted_form()
    del form[key]

    error = assert_rejected(json.dumps(form), "assessment")
    assert repr(key) in str(error)


@pytest.mark.parametrize("key", ["date", "network", "function", "setting"])
def test_missing_session_field_is_rejected(key: str) -> None:
    form = accepted_form()
    del form["session"][key]

    assert_rejected(json.dumps(form), "assessment")


@pytest.mark.parametrize("key", ["code", "params", "sources"])
def test_missing_reason_field_is_rejected(key: str) -> None:
    form = refused_form()
    del form["reasons"][0][key]

    assert_rejected(json.dumps(form), "assessment")


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("session",), "2024-05-02"),
        (("session", "date"), "2024-13-01"),
        (("session", "date"), "2024-05-02T10:00:00"),
        (("session", "date"), 20240502),
        (("session", "network"), "seniors"),
        (("session", "setting"), "group-ish"),
        (("session", "with_context"), "false"),
        (("session", "colour"), "blue"),
        (("reasons",), 42),
        (("quota",), [{"limit": "support_individual"}]),
        (("sources", 0, "confidence"), "Z"),
        (("sources", 0), "inami-ppl-2021"),
        (("patient_share",), "eleven"),
        (("practitioner_fee",), "81,74"),
    ],
    ids=repr,
)
def test_malformed_field_is_rejected(where: tuple[str | int, ...], value: object) -> None:
    form = accepted_form()
    container: Any = form
    for step in where[:-1]:
        container = container[step]
    container[where[-1]] = value

    assert_rejected(json.dumps(form), "assessment")


def test_malformed_reason_params_are_rejected() -> None:
    form = refused_form()
    form["reasons"][0]["params"] = [["date", "2024-05-02"]]

    assert_rejected(json.dumps(form), "assessment")


def test_reason_round_trips_through_its_dict_form() -> None:
    reason = CASES["refused same day"]().reasons[0]

    assert reason == Reason.from_dict(json.loads(json.dumps(reason.to_dict())))
