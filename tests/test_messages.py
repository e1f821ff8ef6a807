"""Reason messages in French, Dutch, German and English (DESIGN.md principle 3)."""

from __future__ import annotations

import pytest

from inami_ppl import (
    LANGUAGES,
    REASON_CODES,
    InvalidInputError,
    Network,
    Patient,
    Reason,
    Setting,
    assess,
    default_rules,
)
from inami_ppl.messages import catalogue, fields, render
from support import ADULT, d, s, weekly


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_code_has_a_message_in_every_language(lang: str) -> None:
    assert set(REASON_CODES) == set(catalogue(lang)["reasons"])


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_language_uses_the_same_facts_for_a_code(code: str) -> None:
    expected = fields(catalogue("en")["reasons"][code])
    for lang in LANGUAGES:
        assert expected == fields(catalogue(lang)["reasons"][code]), lang


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
    "video.first_in_person": (ADULT, [], s("2024-05-02", "support", modality="video")),
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
    reason = Reason(code="day.limit", params=(("date", "2024-05-02"),))
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
        render("day.limit", {"date": "2024-05-02"}, "es")
    with pytest.raises(InvalidInputError, match="code"):
        render("day.other", {}, "en")


def test_an_unknown_limit_id_falls_back_to_its_code() -> None:
    message = render(
        "quota.exceeded",
        {
            "limit": "my_limit",
            "maximum": "3",
            "used": "3",
            "network": "adults",
            "frees_on": "2025-01-01",
        },
        "en",
    )
    assert "3 my_limit sessions" in message
