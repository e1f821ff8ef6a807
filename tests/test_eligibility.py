"""Networks and age, one network per window, function in force, one session a day,
functional assessment, video (RULES.md §2, §3, §7)."""

from __future__ import annotations

import pytest

from inami_ppl import (
    InvalidInputError,
    Network,
    OutOfCoverageError,
    Patient,
    Session,
    assess,
    default_rules,
    networks_for,
)
from support import ADULT, CHILD, allowed, d, episode_rules, last, s, weekly

BOTH = frozenset(Network)
CHILDREN = frozenset({Network.CHILDREN_ADOLESCENTS})
ADULTS = frozenset({Network.ADULTS})


# --- §2 networks and age -------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "birth", "on"),
    [
        (CHILDREN, "2009-05-10", "2024-05-09"),  # 14, the day before the 15th birthday
        (BOTH, "2009-05-10", "2024-05-10"),  # 15th birthday: adults open
        (BOTH, "2000-05-10", "2024-05-09"),  # 23, the day before the 24th birthday
        (ADULTS, "2000-05-10", "2024-05-10"),  # 24th birthday: children network closed
        (BOTH, "2000-02-29", "2024-02-28"),  # born 29 Feb: still 23 on 28 Feb 2024
        (ADULTS, "2000-02-29", "2024-02-29"),
        (ADULTS, "2001-02-28", "2025-02-28"),
    ],
)
def test_networks_for_age_bounds(expected: frozenset[Network], birth: str, on: str) -> None:
    assert expected == networks_for(d(birth), d(on))


def test_networks_for_rejects_birth_after_the_date() -> None:
    with pytest.raises(InvalidInputError, match="birth_date"):
        networks_for(d("2024-01-02"), d("2024-01-01"))


def test_networks_for_rejects_dates_before_coverage() -> None:
    with pytest.raises(OutOfCoverageError):
        networks_for(d("2000-01-01"), d("2021-08-31"))


def test_age_network_refuses_an_adult_network_session_at_14() -> None:
    decision = assess(CHILD, [], s("2024-05-02", "support", network="adults"))
    assert decision.codes == ("age.network",)
    assert 12 == decision.reasons[0].param("age")


def test_age_network_refuses_the_children_network_from_the_24th_birthday() -> None:
    patient = Patient(birth_date=d("2000-05-10"))
    day_before = assess(patient, [], s("2024-05-09", "support", network="children_adolescents"))
    birthday = assess(patient, [], s("2024-05-10", "support", network="children_adolescents"))
    assert day_before.allowed
    assert birthday.codes == ("age.network",)


def test_age_network_accepts_either_network_from_15_to_23() -> None:
    patient = Patient(birth_date=d("2005-01-01"))
    for network in Network:
        assert assess(patient, [], s("2024-05-02", "support", network=network.value)).allowed


def test_birth_date_after_the_session_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="birth_date"):
        assess(Patient(birth_date=d("2024-06-01")), [], s("2024-05-02", "support"))


# --- §2 one network per window -------------------------------------------------------


def test_network_switch_is_refused_while_the_other_network_is_in_the_window() -> None:
    young = Patient(birth_date=d("2004-01-01"))
    history = [
        s("2024-05-02", "support", network="children_adolescents"),
        s("2024-06-03", "support", network="adults"),
    ]
    decision = last(young, history)
    assert decision.codes == ("network.switch",)
    params = dict(decision.reasons[0].params)
    assert params["other_network"] == "children_adolescents"
    assert params["last_date"] == d("2024-05-02")
    assert params["frees_on"] == d("2025-05-02")


def test_network_switch_is_allowed_once_the_other_network_left_the_window() -> None:
    young = Patient(birth_date=d("2004-01-01"))
    history = [
        s("2024-05-02", "support", network="children_adolescents"),
        s("2025-05-02", "support", network="adults"),
    ]
    assert allowed(young, history) == [True, True]


def test_forced_network_switch_at_24_is_allowed() -> None:
    patient = Patient(birth_date=d("2000-09-20"))
    history = [
        s("2024-06-03", "support", network="children_adolescents"),
        s("2024-09-19", "support", network="children_adolescents"),
        s("2024-09-20", "support", network="adults"),  # 24th birthday: moving is forced
    ]
    assert allowed(patient, history) == [True, True, True]


def test_network_switch_frees_on_the_24th_birthday_when_that_comes_first() -> None:
    patient = Patient(birth_date=d("2000-09-20"))
    history = [
        s("2024-06-03", "support", network="children_adolescents"),
        s("2024-07-01", "support", network="adults"),
    ]
    decision = last(patient, history)
    assert dict(decision.reasons[0].params)["frees_on"] == d("2024-09-20")


def test_network_switch_back_to_children_is_refused_before_24() -> None:
    patient = Patient(birth_date=d("2003-01-01"))
    history = [
        s("2024-05-02", "support", network="adults"),
        s("2024-06-03", "support", network="children_adolescents"),
    ]
    assert last(patient, history).codes == ("network.switch",)


# --- §3 function in force ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "function", "setting"),
    [
        ("2024-04-01", "first_line", "individual"),
        ("2024-05-02", "specialized", "individual"),
        ("2024-04-01", "specialized", "group"),
        ("2024-03-31", "support", "individual"),
        ("2023-05-02", "support", "individual"),
        ("2024-03-31", "treatment", "group"),
        ("2024-03-31", "community", "group"),
        ("2024-03-31", "co_consultation", "individual"),
    ],
)
def test_function_not_in_force_on_the_date(day: str, function: str, setting: str) -> None:
    decision = assess(ADULT, [], s(day, function, setting, functional_assessment=True))
    assert decision.codes == ("function.not_in_force",)


@pytest.mark.parametrize(
    ("day", "function", "setting"),
    [
        ("2021-09-01", "first_line", "individual"),
        ("2024-03-31", "first_line", "group"),
        ("2024-03-31", "specialized", "individual"),
        ("2024-04-01", "support", "individual"),
        ("2024-04-01", "treatment", "group"),
        ("2024-04-01", "community", "group"),
        ("2024-04-01", "co_consultation", "individual"),
    ],
)
def test_function_in_force_on_the_date(day: str, function: str, setting: str) -> None:
    extra = {"co_provider": "12345678901"} if function == "co_consultation" else {}
    session = s(day, function, setting, functional_assessment=True, **extra)
    assert assess(ADULT, [], session).allowed


def test_session_before_2021_09_01_is_out_of_coverage() -> None:
    with pytest.raises(OutOfCoverageError, match="date"):
        assess(ADULT, [], s("2021-08-31", "first_line"))


def test_not_in_force_skips_the_quota_and_assessment_rules() -> None:
    history = [s("2024-05-02", "treatment", functional_assessment=True)]
    decision = assess(ADULT, history, s("2024-05-02", "specialized"))
    assert decision.codes == ("function.not_in_force", "day.limit")
    assert decision.quota == ()


# --- §7 one session a day ------------------------------------------------------------


def test_day_limit_refuses_a_second_session_the_same_day() -> None:
    history = [s("2024-05-02", "support"), s("2024-05-02", "support", "group")]
    assert allowed(ADULT, history) == [True, False]
    assert last(ADULT, history).codes == ("day.limit",)


def test_day_limit_does_not_apply_to_sessions_with_the_context() -> None:
    history = [s("2024-05-02", "support"), s("2024-05-02", "support", with_context=True)]
    assert allowed(ADULT, history) == [True, True]


def test_day_limit_does_not_count_sessions_with_the_context() -> None:
    history = [
        s("2022-05-02", "first_line", with_context=True),
        s("2022-05-02", "first_line", "group"),
    ]
    assert allowed(ADULT, history) == [True, True]


def test_day_limit_allows_the_next_day() -> None:
    history = [s("2024-05-02", "support"), s("2024-05-03", "support")]
    assert allowed(ADULT, history) == [True, True]


# --- §7 functional assessment --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "function"), [("2023-05-02", "specialized"), ("2024-05-02", "treatment")]
)
def test_assessment_missing_refuses_care_without_a_functional_assessment(
    day: str, function: str
) -> None:
    decision = assess(ADULT, [], s(day, function))
    assert decision.codes == ("assessment.missing",)


@pytest.mark.parametrize(
    ("day", "function"), [("2023-05-02", "specialized"), ("2024-05-02", "treatment")]
)
def test_assessment_carried_by_the_session_itself(day: str, function: str) -> None:
    assert assess(ADULT, [], s(day, function, functional_assessment=True)).allowed


def test_assessment_carried_by_an_earlier_session_of_the_same_function_in_the_window() -> None:
    history = [
        s("2022-05-02", "specialized", functional_assessment=True),
        s("2023-05-01", "specialized"),  # still in the window of 2022-05-02
        s("2023-05-02", "specialized"),  # 2022-05-02 left the window, 2023-05-01 has none
    ]
    assert allowed(ADULT, history) == [True, True, False]
    assert last(ADULT, history).codes == ("assessment.missing",)


def test_assessment_of_another_function_does_not_count() -> None:
    history = [
        s("2024-05-02", "support", functional_assessment=True),
        s("2024-05-09", "treatment"),
    ]
    assert last(ADULT, history).codes == ("assessment.missing",)


# --- §7 video after an in-person session ---------------------------------------------


def test_video_first_in_person_refuses_a_first_video_session() -> None:
    decision = assess(
        ADULT, [], s("2024-05-02", "support", modality="video", unable_to_travel=True)
    )
    assert decision.codes == ("video.first_in_person",)


@pytest.mark.parametrize("day", ["2023-05-02", "2024-05-02"])
def test_video_after_an_in_person_session_is_accepted(day: str) -> None:
    function = "first_line" if day < "2024" else "support"
    history = [
        s(day, function, "group", modality="home", unable_to_travel=True),
        s(day, function, modality="video", unable_to_travel=True, with_context=True),
    ]
    assert allowed(ADULT, history) == [True, True]


def test_video_needs_an_in_person_session_with_the_same_provider() -> None:
    history = [
        s("2024-05-02", "support", provider="A"),
        s("2024-05-09", "support", modality="video", unable_to_travel=True, provider="B"),
        s("2024-05-16", "support", modality="video", unable_to_travel=True, provider="A"),
        s("2024-05-23", "support", modality="video", unable_to_travel=True),
    ]
    assert allowed(ADULT, history) == [True, False, True, True]


def test_video_after_an_in_person_session_without_provider_is_accepted() -> None:
    history = [
        s("2024-05-02", "support"),
        s("2024-05-09", "support", modality="video", unable_to_travel=True, provider="B"),
    ]
    assert allowed(ADULT, history) == [True, True]


def test_video_in_person_session_may_be_outside_the_window() -> None:
    history = [
        s("2022-05-02", "first_line", provider="A"),
        s("2024-05-09", "support", modality="video", unable_to_travel=True, provider="A"),
    ]
    assert allowed(ADULT, history) == [True, True]


def test_a_refused_in_person_session_does_not_open_video() -> None:
    history = [
        s("2024-05-02", "treatment", provider="A"),  # refused: no assessment
        s("2024-05-09", "support", modality="video", unable_to_travel=True, provider="A"),
    ]
    assert allowed(ADULT, history) == [False, False]


# --- order of reasons ----------------------------------------------------------------


def test_refusal_lists_every_rule_broken_in_the_contract_order() -> None:
    child = Patient(birth_date=d("2012-01-01"))
    history = [s("2024-05-02", "support", network="children_adolescents", provider="Y")]
    session = s("2024-05-02", "treatment", network="adults", modality="video", provider="X")
    decision = assess(child, history, session)
    assert decision.codes == (
        "age.network",
        "network.switch",
        "day.limit",
        "assessment.missing",
        "video.first_in_person",
        "modality.condition",
    )
    assert decision.patient_share is None
    assert decision.practitioner_fee is None
    assert decision.insurer_share is None


def test_refusal_lists_quota_reasons_between_function_and_day_rules() -> None:
    history = [
        *[s(f"2024-05-{day:02d}", "support") for day in range(1, 9)],
        s("2024-05-20", "treatment", functional_assessment=True),
    ]
    decision = assess(ADULT, history, s("2024-05-20", "support"))
    assert decision.codes == ("quota.exceeded", "quota.combination", "day.limit")


# --- the rules are data: switching a rule off is a table change ----------------------


def test_network_switch_can_be_switched_off_in_the_tables() -> None:
    rules = default_rules().with_overrides({"network.one_per_window": False})
    young = Patient(birth_date=d("2004-01-01"))
    history = [s("2024-05-02", "support", network="children_adolescents")]
    assert assess(young, history, s("2024-06-03", "support"), rules=rules).allowed


def test_forced_switch_exception_can_be_switched_off_in_the_tables() -> None:
    rules = default_rules().with_overrides({"network.forced_switch_allowed": False})
    patient = Patient(birth_date=d("2000-09-20"))
    history = [s("2024-06-03", "support", network="children_adolescents")]
    decision = assess(patient, history, s("2024-09-20", "support"), rules=rules)
    assert decision.codes == ("network.switch",)
    assert dict(decision.reasons[0].params)["frees_on"] == d("2025-06-03")


def test_day_limit_counts_every_session_of_the_day_in_the_history() -> None:
    rules = default_rules().with_overrides({"day.max_sessions": 2})
    history = [s("2024-05-02", "support"), s("2024-05-02", "support", "group")]
    decision = assess(ADULT, history, s("2024-05-02", "community", "group"), rules=rules)
    assert decision.codes == ("day.limit",)


def test_group_sessions_leave_the_window_like_the_others() -> None:
    history = [
        s("2022-05-02", "first_line", "group"),
        s("2023-05-02", "specialized", "group", functional_assessment=True),
    ]
    assert allowed(ADULT, history) == [True, True]


def test_networks_for_after_the_covered_period_needs_unconfirmed_rules() -> None:
    with pytest.raises(OutOfCoverageError):
        networks_for(d("2000-01-01"), d("2028-01-01"))
    assert ADULTS == networks_for(d("2000-01-01"), d("2028-01-01"), accept_unconfirmed=True)


# --- every refusal names the source of the rule it applies ----------------------------

YOUNG = Patient(birth_date=d("2004-01-01"))


@pytest.mark.parametrize(
    ("code", "source", "patient", "history", "session"),
    [
        ("age.network", "inami-ppl-2021", CHILD, [], s("2024-05-02", "support")),
        (
            "network.switch",
            "caami",
            YOUNG,
            [s("2024-05-02", "support", network="children_adolescents")],
            s("2024-05-09", "support"),
        ),
        ("function.not_in_force", "riziv-2024-pro", ADULT, [], s("2024-05-02", "first_line")),
        ("function.not_in_force", "inami-ppl-2021", ADULT, [], s("2024-03-29", "support")),
        (
            "quota.combination",
            "convention-2024",
            ADULT,
            [s("2024-05-02", "treatment", functional_assessment=True)],
            s("2024-05-09", "support"),
        ),
        (
            "day.limit",
            "helan-faq",
            ADULT,
            [s("2023-05-02", "first_line")],
            s("2023-05-02", "first_line", "group"),
        ),
        ("assessment.missing", "psychologennet-2024", ADULT, [], s("2024-05-02", "treatment")),
        (
            "video.first_in_person",
            "convention-2021-art4",
            ADULT,
            [],
            s("2024-05-02", "support", modality="video", unable_to_travel=True),
        ),
    ],
)
def test_a_refusal_names_the_source_of_its_rule(
    code: str, source: str, patient: Patient, history: list[Session], session: Session
) -> None:
    decision = assess(patient, history, session)
    assert (code,) == decision.codes
    assert [source] == [found.key for found in decision.reasons[0].sources]


def test_age_network_names_the_bound_that_closes_the_network() -> None:
    rules = default_rules().with_overrides({"age.adults.min": 16}, source="what-if")
    too_young = assess(
        Patient(birth_date=d("2009-01-01")), [], s("2024-05-02", "support"), rules=rules
    )
    too_old = assess(
        Patient(birth_date=d("1990-01-01")),
        [],
        s("2024-05-02", "support", network="children_adolescents"),
        rules=rules,
    )
    assert ["what-if"] == [source.key for source in too_young.reasons[0].sources]
    assert ["inami-ppl-2021"] == [source.key for source in too_old.reasons[0].sources]


def test_networks_for_reads_the_age_bounds_of_the_rules_given() -> None:
    rules = default_rules().with_overrides({"age.adults.min": 16}, source="what-if")
    assert CHILDREN == networks_for(d("2009-01-01"), d("2024-05-02"), rules=rules)
    assert BOTH == networks_for(d("2009-01-01"), d("2024-05-02"))


def test_network_switch_is_refused_when_a_history_holds_both_networks() -> None:
    # A history given by the caller may hold both networks (e.g. from before a rule change):
    # the other network still in the window refuses the session whatever the order.
    history = [
        s("2024-05-02", "support", network="adults"),
        s("2024-05-09", "support", network="children_adolescents"),
    ]
    decision = assess(YOUNG, history, s("2024-05-16", "support", network="adults"))
    assert ("network.switch",) == decision.codes
    assert "children_adolescents" == dict(decision.reasons[0].params)["other_network"]


# --- the dates a refusal frees on follow the window policy of the tables -------------


@pytest.mark.parametrize(
    ("code", "patient", "history", "session", "frees_on"),
    [
        (
            "network.switch",
            YOUNG,
            [
                s("2024-05-02", "support", network="children_adolescents"),
                s("2024-09-02", "support", network="children_adolescents"),
            ],
            s("2024-10-01", "support"),
            "2025-05-02",  # the end of the episode opened on 2024-05-02 (trailing: 2025-09-02)
        ),
        (
            "quota.exceeded",
            ADULT,
            [s("2024-05-02", "support", "group"), *weekly("2024-06-03", 8, "support")],
            s("2024-08-05", "support"),
            "2025-05-02",  # the episode opened by the group session (trailing: 2025-06-03)
        ),
        (
            "quota.combination",
            ADULT,
            [
                s("2024-05-02", "support"),
                s("2024-09-02", "treatment", functional_assessment=True),
            ],
            s("2024-10-01", "support"),
            "2025-05-02",  # (trailing: 2025-09-02)
        ),
    ],
)
def test_frees_on_is_the_end_of_the_episode_under_the_episode_window(
    code: str, patient: Patient, history: list[Session], session: Session, frees_on: str
) -> None:
    decision = assess(patient, history, session, rules=episode_rules())
    assert (code,) == decision.codes
    assert d(frees_on) == dict(decision.reasons[0].params)["frees_on"]
