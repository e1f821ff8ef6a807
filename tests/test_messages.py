"""Reason messages in French, Dutch, German and English (DESIGN.md principle 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inami_ppl import (
    LANGUAGES,
    REASON_CODES,
    InvalidInputError,
    Network,
    Patient,
    Reason,
    ReasonCode,
    Setting,
    ShareCode,
    assess,
    default_rules,
)
from inami_ppl.codes import PARAMS_OF, WINDOWED, Param
from inami_ppl.messages import catalogue, fields, render
from support import ADULT, d, s, weekly


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_and_share_code_has_a_message_in_every_language(lang: str) -> None:
    assert {*REASON_CODES, *ShareCode} == set(catalogue(lang)["reasons"])


@pytest.mark.parametrize("code", [*REASON_CODES, *ShareCode])
def test_every_language_uses_the_same_facts_for_a_code(code: str) -> None:
    expected = fields(catalogue("en")["reasons"][code])
    for lang in LANGUAGES:
        assert expected == fields(catalogue(lang)["reasons"][code]), lang


def test_the_refusals_and_the_first_free_session_may_name_their_window() -> None:
    assert {*ReasonCode, ShareCode.FIRST_FREE} == WINDOWED


@pytest.mark.parametrize("code", [*ReasonCode, *ShareCode])
def test_a_message_uses_only_facts_its_code_carries(code: ReasonCode | ShareCode) -> None:
    # A refusal and the first free session may also name their window; no other share.
    window = {Param.WINDOW.value} if code in WINDOWED else set()
    assert fields(catalogue("en")["reasons"][code]) <= {p.value for p in PARAMS_OF[code]} | window


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_a_message_names_has_a_label(lang: str) -> None:
    # Networks and settings are named by the catalogue; functions and limits by the tables.
    labels = {**catalogue(lang)["labels"], **default_rules().labels(lang)}
    names = [f"network.{n.value}" for n in Network]
    names += [
        f"function.{r.function.value}" for rs in default_rules().rulesets for r in rs.functions
    ]
    names += [f"setting.{x.value}" for x in Setting]
    names += [
        f"limit.{v.name.split('.')[1]}"
        for v in default_rules().values()
        if v.name.startswith("limit.")
    ]
    assert [name for name in names if name not in labels] == []


# One real refusal for each code, so that every message is rendered from real facts.
CASES = {
    "age.network": (Patient(birth_date=d("2012-01-01")), [], s("2024-05-02", "support")),
    "network.switch": (
        Patient(birth_date=d("2004-01-01")),
        [s("2024-05-02", "support", network="children_adolescents")],
        s("2024-05-09", "support"),
    ),
    "function.not_in_force": (ADULT, [], s("2024-05-02", "first_line")),
    "quota.exceeded": (ADULT, weekly("2024-05-06", 8, "support"), s("2024-07-01", "support")),
    "quota.combination": (
        ADULT,
        [s("2024-05-06", "treatment", functional_assessment=True)],
        s("2024-05-13", "support"),
    ),
    "day.limit": (ADULT, [s("2024-05-02", "support")], s("2024-05-02", "support")),
    "assessment.missing": (ADULT, [], s("2024-05-02", "treatment")),
    "video.first_in_person": (
        ADULT,
        [],
        s("2024-05-02", "support", modality="video", unable_to_travel=True),
    ),
    "modality.condition": (ADULT, [], s("2024-05-02", "support", modality="home")),
    "co_consultation.co_provider": (ADULT, [], s("2024-05-02", "co_consultation")),
}


@pytest.mark.parametrize("code", REASON_CODES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_real_refusal_renders_in_every_language(code: str, lang: str) -> None:
    patient, history, session = CASES[code]
    decision = assess(patient, history, session)
    assert (code,) == decision.codes
    message = decision.reasons[0].message(lang)
    assert "{" not in message
    assert message == decision.messages(lang)[0]


def test_messages_write_dates_the_language_way() -> None:
    reason = Reason(code="day.limit", params=(("date", d("2024-05-02")),))
    assert "02/05/2024" in reason.message("fr")
    assert "02-05-2024" in reason.message("nl")
    assert "02.05.2024" in reason.message("de")
    assert "2024-05-02" in reason.message("en")


def test_messages_translate_codes_into_labels() -> None:
    _, history, session = CASES["quota.exceeded"]
    reason = assess(ADULT, history, session).reasons[0]
    assert "individuelles de soutien" in reason.message("fr")
    assert "individual support" in reason.message("en")


def test_unknown_language_or_code_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="lang"):
        render("day.limit", {"date": d("2024-05-02")}, "es")
    with pytest.raises(InvalidInputError, match="code"):
        render("day.other", {}, "en")


def test_an_unknown_limit_id_falls_back_to_its_code() -> None:
    message = render(
        "quota.exceeded",
        {
            "limit": "my_limit",
            "maximum": 3,
            "used": 3,
            "network": "adults",
            "frees_on": d("2025-01-01"),
        },
        "en",
    )
    assert "3 my_limit sessions" in message


@pytest.mark.parametrize("tag", ["nl", "NL", "nl-BE", "nl_be", " nl-BE "])
def test_a_language_may_be_given_with_a_region_or_in_capitals(tag: str) -> None:
    reason = Reason(code="day.limit", params={"date": d("2024-05-02")})
    assert reason.message("nl") == reason.message(tag)


@pytest.mark.parametrize("tag", ["es", "es-BE", "n", "nl-", "nld", "", "nl-BE-toolongsubtag", 3])
def test_a_language_tag_of_another_language_is_an_error(tag: object) -> None:
    reason = Reason(code="day.limit", params={"date": d("2024-05-02")})
    with pytest.raises(InvalidInputError, match="lang"):
        reason.message(tag)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", REASON_CODES)
def test_every_message_starts_with_a_capital_letter(code: str, lang: str) -> None:
    patient, history, session = CASES[code]
    message = assess(patient, history, session).reasons[0].message(lang)
    assert message[0].isupper(), message


def test_english_messages_capitalise_a_label_that_starts_them() -> None:
    message = assess(ADULT, [], s("2024-05-02", "first_line")).reasons[0].message("en")
    assert message.startswith("First-line sessions are not reimbursed")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "4,00 EUR"), ("nl", "4,00 EUR"), ("de", "4,00 EUR"), ("en", "4.00 EUR")],
)
def test_amounts_are_written_the_language_way(lang: str, expected: str) -> None:
    reason = Reason(code=ShareCode.PREFERENTIAL, params={"amount": Decimal("4")})
    assert reason.message(lang).startswith(expected)


def test_numbers_and_dates_of_a_reason_are_rendered_only_in_the_message() -> None:
    _, history, session = CASES["quota.exceeded"]
    reason = assess(ADULT, history, session).reasons[0]
    assert 8 == reason.param("maximum")
    assert dt.date(2025, 5, 6) == reason.param("frees_on")
    assert "2025-05-06" in reason.message("en")
