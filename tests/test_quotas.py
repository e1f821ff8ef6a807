"""Maxima per 12-month window and combinations (RULES.md §4, §5, §6)."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from inami_ppl import (
    Function,
    Patient,
    Rules,
    Setting,
    assess,
    assess_history,
    default_rules,
    remaining,
)
from support import ADULT, CHILD, allowed, d, last, s, weekly

YOUTH = Patient(birth_date=d("2006-01-01"))  # 15 to 23 over 2021-2027: either network

# --- §5 the 2021 maxima, reached and exceeded, per network ---------------------------

MAXIMA_2021 = [
    # maximum, then the network, function and setting it applies to
    (10, "children_adolescents", "first_line", "individual"),
    (8, "adults", "first_line", "individual"),
    (8, "children_adolescents", "first_line", "group"),
    (5, "adults", "first_line", "group"),
    (20, "children_adolescents", "specialized", "individual"),
    (20, "adults", "specialized", "individual"),
    (15, "children_adolescents", "specialized", "group"),
    (12, "adults", "specialized", "group"),
]


@pytest.mark.parametrize(("maximum", "network", "function", "setting"), MAXIMA_2021)
def test_2021_maximum_reached_then_exceeded(
    maximum: int, network: str, function: str, setting: str
) -> None:
    sessions = weekly(
        "2022-01-03", maximum + 1, function, setting, network, functional_assessment=True
    )
    decisions = assess_history(YOUTH, sessions)
    assert [True] * maximum + [False] == [a.allowed for a in decisions]
    assert decisions[-1].codes == ("quota.exceeded",)
    params = dict(decisions[-1].reasons[0].params)
    assert maximum == params["maximum"]
    assert maximum == params["used"]
    assert params["frees_on"] == d("2023-01-03")  # the first session leaves the window


@pytest.mark.parametrize(
    ("total", "individual", "network"),
    [(18, 10, "children_adolescents"), (13, 8, "adults")],
)
def test_2021_first_line_joint_maximum(total: int, individual: int, network: str) -> None:
    group = total - individual
    sessions = [
        *weekly("2022-01-03", individual, "first_line", "individual", network),
        *weekly("2022-01-04", group, "first_line", "group", network),
    ]
    assert all(allowed(YOUTH, sessions))
    extra = [*sessions, s("2022-06-30", "first_line", "group", network)]
    decision = last(YOUTH, extra)
    assert decision.codes == ("quota.exceeded",)
    # The seed's joint maxima equal the sum of the separate ones; the first limit in the
    # table that is reached is reported.
    assert dict(decision.reasons[0].params)["limit"] == "first_line_group"


def test_2021_first_line_joint_maximum_binds_when_a_separate_one_is_raised() -> None:
    rules = default_rules().with_overrides({"limit.2021.first_line_group.adults": 10})
    sessions = [
        *weekly("2022-01-03", 8, "first_line"),
        *weekly("2022-01-04", 6, "first_line", "group"),
    ]
    decisions = assess_history(ADULT, sessions, rules=rules)
    assert [a.allowed for a in decisions] == [True] * 13 + [False]
    assert dict(decisions[-1].reasons[0].params)["limit"] == "first_line_total"


def test_2021_caps_are_those_of_the_network_of_the_session() -> None:
    # 9 first-line individual sessions in the children network (cap 10), then a forced
    # move to the adult network at 24, whose cap is 8: the window already holds 9.
    patient = Patient(birth_date=d("1998-03-01"))
    moved = [
        *weekly("2021-10-04", 9, "first_line", network="children_adolescents"),
        s("2022-03-01", "first_line", network="adults"),
    ]
    assert [True] * 9 + [False] == allowed(patient, moved)
    decision = last(patient, moved)
    assert ("quota.exceeded",) == decision.codes
    assert 8 == dict(decision.reasons[0].params)["maximum"]


def test_window_boundary_session_exactly_12_months_later_is_accepted() -> None:
    sessions = [*weekly("2022-01-03", 8, "first_line"), s("2023-01-03", "first_line")]
    assert allowed(ADULT, sessions) == [True] * 9


def test_window_boundary_one_day_before_12_months_is_refused() -> None:
    sessions = [*weekly("2022-01-03", 8, "first_line"), s("2023-01-02", "first_line")]
    assert last(ADULT, sessions).codes == ("quota.exceeded",)


def test_sessions_with_the_context_count_against_the_maxima() -> None:
    sessions = [
        *weekly("2022-01-03", 8, "first_line", with_context=True),
        s("2022-04-01", "first_line"),
    ]
    assert last(ADULT, sessions).codes == ("quota.exceeded",)


# --- §5 the 2021 combinations --------------------------------------------------------

ALLOWED_2021 = [
    ("first_line", "individual", "first_line", "group"),
    ("first_line", "individual", "specialized", "group"),
    ("specialized", "individual", "specialized", "group"),
    ("specialized", "individual", "first_line", "group"),
    ("first_line", "group", "first_line", "individual"),
    ("specialized", "group", "first_line", "individual"),
]
REFUSED_2021 = [
    ("first_line", "individual", "specialized", "individual"),
    ("specialized", "individual", "first_line", "individual"),
    ("first_line", "group", "specialized", "group"),
    ("specialized", "group", "first_line", "group"),
]


@pytest.mark.parametrize(("f1", "s1", "f2", "s2"), ALLOWED_2021)
def test_2021_allowed_combination(f1: str, s1: str, f2: str, s2: str) -> None:
    sessions = [
        s("2022-03-01", f1, s1, functional_assessment=True),
        s("2022-03-08", f2, s2, functional_assessment=True),
    ]
    assert allowed(ADULT, sessions) == [True, True]


@pytest.mark.parametrize(("f1", "s1", "f2", "s2"), REFUSED_2021)
def test_2021_refused_combination(f1: str, s1: str, f2: str, s2: str) -> None:
    sessions = [
        s("2022-03-01", f1, s1, functional_assessment=True),
        s("2022-03-08", f2, s2, functional_assessment=True),
    ]
    decision = last(ADULT, sessions)
    assert decision.codes == ("quota.combination",)
    assert dict(decision.reasons[0].params)["frees_on"] == d("2023-03-01")


def test_2021_combination_is_possible_again_once_the_other_track_left_the_window() -> None:
    sessions = [
        s("2022-03-01", "first_line"),
        s("2023-03-01", "specialized", functional_assessment=True),
    ]
    assert allowed(ADULT, sessions) == [True, True]


# --- §6 the 2024 maxima and combinations ---------------------------------------------


@pytest.mark.parametrize(("maximum", "network"), [(10, "children_adolescents"), (8, "adults")])
def test_2024_support_individual_maximum(maximum: int, network: str) -> None:
    sessions = weekly("2024-05-06", maximum + 1, "support", network=network)
    assert [True] * maximum + [False] == allowed(YOUTH, sessions)
    assert dict(last(YOUTH, sessions).reasons[0].params)["limit"] == "support_individual"


@pytest.mark.parametrize("network", ["children_adolescents", "adults"])
def test_2024_support_and_treatment_individual_joint_ceiling_of_20(network: str) -> None:
    sessions = [
        *weekly("2024-05-06", 8, "support", network=network),
        *weekly("2024-07-01", 13, "treatment", network=network, functional_assessment=True),
    ]
    assert allowed(YOUTH, sessions) == [True] * 20 + [False]
    decision = last(YOUTH, sessions)
    assert dict(decision.reasons[0].params)["limit"] == "individual_total"


def test_2024_treatment_alone_has_the_joint_ceiling() -> None:
    sessions = weekly("2024-05-06", 21, "treatment", functional_assessment=True)
    assert allowed(ADULT, sessions) == [True] * 20 + [False]


@pytest.mark.parametrize("function", ["community", "support", "treatment"])
def test_2024_group_sessions_have_no_maximum(function: str) -> None:
    sessions = weekly("2024-05-06", 40, function, "group", functional_assessment=True)
    assert all(allowed(ADULT, sessions))


def test_2024_group_sessions_do_not_count_against_individual_maxima() -> None:
    sessions = [*weekly("2024-05-07", 30, "support", "group"), *weekly("2024-05-06", 8, "support")]
    assert all(allowed(ADULT, sessions))


def test_2024_co_consultations_are_outside_the_maxima() -> None:
    sessions = [
        *weekly("2024-05-06", 8, "support"),
        *weekly("2024-05-08", 25, "co_consultation", co_provider="12345678901"),
    ]
    assert all(allowed(ADULT, sessions))


def test_2024_support_then_treatment_is_allowed() -> None:
    sessions = [
        s("2024-05-06", "support"),
        s("2024-05-13", "treatment", functional_assessment=True),
    ]
    assert allowed(ADULT, sessions) == [True, True]


def test_2024_treatment_then_support_is_refused() -> None:
    sessions = [
        s("2024-05-06", "treatment", functional_assessment=True),
        s("2024-05-13", "support"),
    ]
    decision = last(ADULT, sessions)
    assert decision.codes == ("quota.combination",)
    assert dict(decision.reasons[0].params)["frees_on"] == d("2025-05-06")


def test_2024_support_group_after_treatment_is_allowed() -> None:
    sessions = [
        s("2024-05-06", "treatment", functional_assessment=True),
        s("2024-05-13", "support", "group"),
    ]
    assert allowed(ADULT, sessions) == [True, True]


# --- §6 the transition on 2024-04-01 ---------------------------------------------------


def test_transition_first_line_individual_counts_as_support_individual() -> None:
    sessions = [*weekly("2024-01-08", 8, "first_line"), s("2024-04-02", "support")]
    decision = last(ADULT, sessions)
    assert decision.codes == ("quota.exceeded",)
    assert dict(decision.reasons[0].params)["limit"] == "support_individual"


def test_transition_specialized_individual_counts_as_treatment_individual() -> None:
    sessions = [
        s("2024-03-04", "specialized", functional_assessment=True),
        s("2024-04-02", "support"),
    ]
    assert last(ADULT, sessions).codes == ("quota.combination",)


def test_transition_2021_group_sessions_do_not_count() -> None:
    sessions = [
        *weekly("2024-01-08", 5, "first_line", "group"),
        *weekly("2024-04-02", 8, "support"),
    ]
    assert all(allowed(ADULT, sessions))


def test_transition_2021_sessions_outside_the_window_do_not_count() -> None:
    sessions = [*weekly("2023-01-02", 8, "first_line"), *weekly("2024-04-02", 8, "support")]
    assert all(allowed(ADULT, sessions))


# --- remaining -----------------------------------------------------------------------


def test_remaining_for_each_kind_of_the_2021_rule_set() -> None:
    history = [*weekly("2022-01-03", 3, "first_line"), s("2022-02-01", "first_line", "group")]
    assert remaining(ADULT, history, d("2022-03-01"), "adults") == {
        (Function.FIRST_LINE, Setting.INDIVIDUAL): 5,
        (Function.FIRST_LINE, Setting.GROUP): 4,
        (Function.SPECIALIZED, Setting.INDIVIDUAL): 0,
        (Function.SPECIALIZED, Setting.GROUP): 0,
    }


def test_remaining_first_line_group_is_bounded_by_the_joint_maximum() -> None:
    history = weekly("2022-01-03", 10, "first_line", network="children_adolescents")
    left = remaining(CHILD, history, d("2022-06-01"), "children_adolescents")
    assert left[(Function.FIRST_LINE, Setting.INDIVIDUAL)] == 0
    assert left[(Function.FIRST_LINE, Setting.GROUP)] == 8


def test_remaining_for_each_kind_of_the_2024_rule_set() -> None:
    history = [
        *weekly("2024-05-06", 3, "support"),
        s("2024-06-03", "treatment", functional_assessment=True),
    ]
    assert remaining(ADULT, history, d("2024-07-01"), "adults") == {
        (Function.COMMUNITY, Setting.GROUP): None,
        (Function.SUPPORT, Setting.INDIVIDUAL): 0,
        (Function.SUPPORT, Setting.GROUP): None,
        (Function.TREATMENT, Setting.INDIVIDUAL): 16,
        (Function.TREATMENT, Setting.GROUP): None,
        (Function.CO_CONSULTATION, Setting.INDIVIDUAL): None,
    }


def test_remaining_ignores_sessions_after_the_date_and_outside_the_window() -> None:
    history = [s("2022-01-03", "first_line"), s("2023-06-01", "first_line")]
    left = remaining(ADULT, history, d("2023-01-03"), "adults")
    assert left[(Function.FIRST_LINE, Setting.INDIVIDUAL)] == 8


def test_quota_use_reports_used_and_left() -> None:
    history = weekly("2024-05-06", 3, "support")
    decision = assess(ADULT, history, s("2024-06-03", "support"))
    uses = {use.limit: (use.maximum, use.used, use.left) for use in decision.quota}
    assert uses == {"support_individual": (8, 3, 4), "individual_total": (20, 3, 16)}


def test_quota_use_of_a_refusal_at_the_maximum_leaves_nothing() -> None:
    decision = last(ADULT, weekly("2024-05-06", 9, "support"))
    assert ("quota.exceeded",) == decision.codes
    uses = {use.limit: (use.maximum, use.used, use.left) for use in decision.quota}
    assert uses == {"support_individual": (8, 8, 0), "individual_total": (20, 8, 12)}


def test_quota_use_of_a_refusal_for_another_rule_keeps_what_is_left() -> None:
    history = weekly("2024-05-06", 3, "support")
    decision = assess(ADULT, history, s("2024-05-20", "support"))  # a second session that day
    assert ("day.limit",) == decision.codes
    uses = {use.limit: (use.maximum, use.used, use.left) for use in decision.quota}
    assert uses == {"support_individual": (8, 3, 5), "individual_total": (20, 3, 17)}


def _with_second_support_combination() -> Rules:
    """The bundled tables with a second combination row for support individual sessions."""
    table = tomllib.loads((resources.files("inami_ppl") / "data/rules.toml").read_text("utf-8"))
    ruleset = next(r for r in table["ruleset"] if r["id"] == "2024")
    ruleset["combination"].append(
        {
            "kind": "support/individual",
            "excluded_by": ["treatment/group", "community/group"],
            "source": "convention-2024",
            "confidence": "A",
            "note": "A what-if: no support beside group work.",
        }
    )
    return Rules.from_mapping(table)


def test_every_combination_row_of_a_kind_is_checked_and_names_each_conflict() -> None:
    rules = _with_second_support_combination()
    history = [s("2024-05-06", "community", "group"), s("2024-05-13", "treatment", "group")]
    decision = assess(ADULT, history, s("2024-05-20", "support"), rules=rules)
    assert ("quota.combination",) == decision.codes
    params = dict(decision.reasons[0].params)
    assert "community/group,treatment/group" == params["conflict"]
    assert d("2025-05-13") == params["frees_on"]
