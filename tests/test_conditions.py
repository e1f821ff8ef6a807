"""Care at home or by video, the co-provider of a co-consultation (RULES.md §3, §7), and the
one table of checks the refusals come from."""

from __future__ import annotations

import datetime as dt

import pytest

from inami_ppl import (
    REASON_CODES,
    InvalidInputError,
    Patient,
    ReasonCode,
    Session,
    assess,
    default_rules,
    eligibility,
)
from inami_ppl._tally import Tally
from inami_ppl.assess import verdict
from inami_ppl.checks import CHECKS, Check
from inami_ppl.model import NOT_SHOWN
from inami_ppl.periods import window_policy
from support import ADULT, s

FIRST = s("2024-05-06", "support")
YOUNG = Patient(birth_date=dt.date(2004, 1, 1))
GP = "12345678901"


# --- §7 home and video need a reason: modality.condition --------------------------------


@pytest.mark.parametrize("day", ["2023-05-08", "2024-05-13"])
def test_modality_condition_s7_refuses_care_at_home_for_a_patient_who_can_travel(
    day: str,
) -> None:
    function = "first_line" if day < "2024" else "support"
    decision = assess(ADULT, [s("2023-05-01", "first_line")], s(day, function, modality="home"))
    assert ("modality.condition",) == decision.codes
    reason = decision.reasons[0]
    assert "home" == reason.param("modality")
    assert ["inami-ppl-2021"] == [source.key for source in reason.sources]


def test_modality_condition_s7_accepts_care_at_home_for_a_patient_unable_to_travel() -> None:
    session = s("2024-05-13", "support", modality="home", unable_to_travel=True)
    assert assess(ADULT, [FIRST], session).allowed


def test_modality_condition_s7_refuses_video_after_in_person_without_the_condition() -> None:
    decision = assess(ADULT, [FIRST], s("2024-05-13", "support", modality="video"))
    assert ("modality.condition",) == decision.codes


def test_modality_condition_s7_and_the_video_rule_apply_independently() -> None:
    decision = assess(ADULT, [], s("2024-05-13", "support", modality="video"))
    assert ("video.first_in_person", "modality.condition") == decision.codes
    unable = s("2024-05-13", "support", modality="video", unable_to_travel=True)
    assert ("video.first_in_person",) == assess(ADULT, [], unable).codes


@pytest.mark.parametrize("modality", ["practice", "outreach"])
def test_modality_condition_s7_does_not_concern_practice_or_outreach(modality: str) -> None:
    assert assess(ADULT, [], s("2024-05-13", "support", modality=modality)).allowed


def test_modality_condition_s7_can_be_switched_off_in_the_tables() -> None:
    rules = default_rules().with_overrides({"modality.condition": False}, start=dt.date(2024, 4, 1))
    session = s("2024-05-13", "support", modality="home")
    assert assess(ADULT, [], session, rules=rules).allowed


def test_modality_condition_s7_is_assumed_for_2024_and_from_the_seed_for_2021() -> None:
    marks = {
        (value.start.isoformat(), value.source.confidence.value)
        for value in default_rules().values()
        if value.name == "modality.condition"
    }
    assert {("2021-09-01", "SEED"), ("2024-04-01", "A")} == marks


# --- §3, §7 a co-consultation names its co-provider: co_consultation.co_provider ---------


def test_co_provider_s7_refuses_a_co_consultation_without_its_co_provider() -> None:
    decision = assess(ADULT, [FIRST], s("2024-05-13", "co_consultation"))
    assert ("co_consultation.co_provider",) == decision.codes
    assert ["network-leaflet-art8"] == [src.key for src in decision.reasons[0].sources]
    assert "SEED" == decision.reasons[0].sources[0].confidence.value


def test_co_provider_s7_accepts_a_co_consultation_that_names_it() -> None:
    assert assess(ADULT, [FIRST], s("2024-05-13", "co_consultation", co_provider=GP)).allowed


def test_co_provider_s7_is_not_evaluated_when_the_function_is_not_in_force() -> None:
    decision = assess(ADULT, [], s("2023-05-08", "co_consultation"))
    assert ("function.not_in_force",) == decision.codes


@pytest.mark.parametrize(
    "written",
    [
        "12345678901",
        "1-23456-78-901",
        "1.23456.78.901",
        "123 4567 8901",
        "1/23456/78/901",
        " 1234567-8901 ",
    ],
)
def test_co_provider_s3_is_kept_as_its_11_digits(written: str) -> None:
    assert GP == s("2024-05-13", "co_consultation", co_provider=written).co_provider


@pytest.mark.parametrize(
    "written",
    [
        "1234567890",
        "123456789012",
        "1234567890a",
        "-12345678901",
        "12345678901-",
        "1--",
        "",
        "١٢٣٤٥٦٧٨٩٠١",
        "1_2345678901",
        12345678901,
        b"12345678901",
    ],
)
def test_co_provider_s3_malformed_is_bad_input_that_never_shows_the_number(
    written: object,
) -> None:
    with pytest.raises(InvalidInputError) as info:
        s("2024-05-13", "co_consultation", co_provider=written)
    assert "co_provider" == info.value.field
    assert NOT_SHOWN == info.value.value
    assert "2345678" not in str(info.value)


@pytest.mark.parametrize("function", ["support", "treatment", "first_line"])
def test_co_provider_s3_on_another_function_is_bad_input(function: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        s("2024-05-13", function, co_provider=GP)
    assert "co_provider" == info.value.field
    assert GP not in str(info.value)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_unable_to_travel_must_be_a_bool(value: object) -> None:
    with pytest.raises(InvalidInputError, match="unable_to_travel"):
        s("2024-05-13", "support", unable_to_travel=value)


# --- one table of checks, in reason order ---------------------------------------------------


def test_the_reason_codes_come_from_the_checks_table_in_the_order_of_the_enum() -> None:
    assert tuple(check.code for check in CHECKS) == tuple(ReasonCode)
    assert tuple(code.value for code in ReasonCode) == REASON_CODES


# One session that breaks each rule, to see each check give its own code.
BREAKING: dict[str, tuple[Session, list[Session]]] = {
    "age.network": (s("2024-05-13", "support", network="children_adolescents"), []),
    "network.switch": (
        s("2024-05-13", "support"),
        [s("2024-05-06", "support", network="children_adolescents")],
    ),
    "function.not_in_force": (s("2024-05-13", "first_line"), []),
    "quota.exceeded": (
        s("2024-08-05", "support"),
        [s(f"2024-05-{day:02d}", "support") for day in range(6, 30, 3)],
    ),
    "quota.combination": (
        s("2024-05-13", "support"),
        [s("2024-05-06", "treatment", functional_assessment=True)],
    ),
    "day.limit": (s("2024-05-06", "support"), [FIRST]),
    "assessment.missing": (s("2024-05-13", "treatment"), []),
    "video.first_in_person": (s("2024-05-13", "support", modality="video"), []),
    "modality.condition": (s("2024-05-13", "support", modality="home"), []),
    "co_consultation.co_provider": (s("2024-05-13", "co_consultation"), []),
}


def _tally(history: list[Session], on: dt.date) -> Tally:
    rules = default_rules()
    return Tally.of(window_policy(rules.window.policy, rules.window.months), history, on)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code.value)
def test_every_check_of_the_table_reports_its_own_code(check: Check) -> None:
    session, history = BREAKING[check.code.value]
    patient = YOUNG if check.code is ReasonCode.NETWORK_SWITCH else ADULT
    ruleset = default_rules().at(session.date)
    reason = check.rule(verdict(patient, session, ruleset, _tally(history, session.date)).ctx)
    assert reason is not None
    assert check.code == reason.code
    met = s("2024-05-20", "support")
    ctx = verdict(ADULT, met, default_rules().at(met.date), _tally([], met.date)).ctx
    assert check.rule(ctx) is None


def test_with_the_co_provider_rule_switched_off_a_refusal_does_not_name_it() -> None:
    rules = default_rules().with_overrides(
        {"co_consultation.co_provider": False}, start=dt.date(2024, 4, 1)
    )
    decision = assess(ADULT, [FIRST], s("2024-05-06", "co_consultation"), rules=rules)
    assert ("day.limit",) == decision.codes


def test_with_one_network_per_window_switched_off_a_refusal_does_not_name_the_switch() -> None:
    rules = default_rules().with_overrides(
        {"network.one_per_window": False}, start=dt.date(2024, 4, 1)
    )
    other = s("2024-05-06", "support", network="children_adolescents")
    decision = assess(YOUNG, [other], s("2024-05-06", "support"), rules=rules)
    assert ("day.limit",) == decision.codes
    assert ("network.switch", "day.limit") == assess(
        YOUNG, [other], s("2024-05-06", "support")
    ).codes


def test_co_provider_s7_can_be_switched_off_in_the_tables() -> None:
    rules = default_rules().with_overrides(
        {"co_consultation.co_provider": False}, start=dt.date(2024, 4, 1)
    )
    assert assess(ADULT, [FIRST], s("2024-05-13", "co_consultation"), rules=rules).allowed


# Rules switched off in the tables: the check itself finds nothing to report (the engine
# does not ask it then, since the plan knows the rule is off, but the check stays right).
SWITCHED_OFF = {
    "network.one_per_window": (
        eligibility.check_network_switch,
        YOUNG,
        [s("2024-05-06", "support", network="children_adolescents")],
        s("2024-05-13", "support"),
    ),
    "modality.condition": (
        eligibility.check_modality_condition,
        ADULT,
        [FIRST],
        s("2024-05-13", "support", modality="home"),
    ),
    "co_consultation.co_provider": (
        eligibility.check_co_provider,
        ADULT,
        [FIRST],
        s("2024-05-13", "co_consultation"),
    ),
}


@pytest.mark.parametrize("name", SWITCHED_OFF)
def test_a_check_whose_rule_is_switched_off_finds_nothing(name: str) -> None:
    check, patient, history, session = SWITCHED_OFF[name]
    on = default_rules().at(session.date)
    assert check(verdict(patient, session, on, _tally(history, session.date)).ctx) is not None
    rules = default_rules().with_overrides({name: False}, start=dt.date(2024, 4, 1))
    ruleset = rules.at(session.date)
    assert check(verdict(patient, session, ruleset, _tally(history, session.date)).ctx) is None
