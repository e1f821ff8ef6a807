"""assess, next_allowed_date and their inputs (DESIGN.md public contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from inami_ppl import (
    InvalidInputError,
    OutOfCoverageError,
    Patient,
    assess,
    assess_history,
    default_rules,
    next_allowed_date,
    patient_share,
    remaining,
)
from inami_ppl.assess import judge_in_order
from inami_ppl.rulesets import WindowSpec
from support import ADULT, CHILD, allowed, d, episode_rules, s, weekly

# --- history handling ----------------------------------------------------------------


def test_history_after_the_session_date_is_ignored() -> None:
    later = weekly("2024-06-03", 8, "support")
    assert assess(ADULT, later, s("2024-05-02", "support")).allowed


def test_history_sessions_on_the_same_date_count() -> None:
    decision = assess(ADULT, [s("2024-05-02", "support")], s("2024-05-02", "support", "group"))
    assert decision.codes == ("day.limit",)


def test_assess_history_returns_decisions_in_date_order_input_order_within_a_date() -> None:
    a = s("2024-05-09", "support")
    b = s("2024-05-02", "support", "group")
    c = s("2024-05-02", "support")
    decisions = assess_history(ADULT, [a, b, c])
    assert [b, c, a] == [x.session for x in decisions]
    assert [x.allowed for x in decisions] == [True, False, True]


def test_judging_in_order_takes_each_session_s_own_patient_for_its_age() -> None:
    # Claims give each session its own patient: the age is that patient's, even when the
    # one before was someone else of another age.
    sessions = [(ADULT, s("2024-05-02", "support")), (CHILD, s("2024-05-09", "support"))]
    decisions = list(judge_in_order(sessions, default_rules(), accept_unconfirmed=False))
    assert [x.codes for x in decisions] == [(), ("age.network",)]


def test_decisions_alike_share_what_they_take_from_the_rules_and_their_quota_uses() -> None:
    # Built once for each rule set and share, and one object for equal quota uses: a long
    # history's decisions do not each carry copies.
    first = assess(ADULT, [], s("2022-01-03", "first_line"))
    second = assess(ADULT, [], s("2022-02-07", "first_line"))
    assert [first.allowed, second.allowed] == [True, True]
    assert first.quota
    assert first.applied is second.applied
    assert first.sources is second.sources
    assert all(a is b for a, b in zip(first.quota, second.quota, strict=True))


def test_accepted_decision_carries_ruleset_and_sources() -> None:
    decision = assess(ADULT, [], s("2021-10-04", "first_line"))
    assert decision.ruleset == "2021"
    assert {"inami-ppl-2021", "press-2021-fees"} == {src.key for src in decision.sources}


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("patient", {"patient": "1980-01-01"}),
        ("session", {"session": "2024-05-02"}),
        ("history", {"history": "not sessions"}),
        ("history", {"history": 42}),
        ("history", {"history": s("2024-05-02", "support")}),
        ("history[1]", {"history": [s("2024-05-01", "support"), {"date": "2024-05-01"}]}),
        ("history[0].date", {"history": [s("2021-08-31", "first_line")]}),
    ],
)
def test_bad_input_names_the_field(field: str, kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {
        "patient": ADULT,
        "history": [],
        "session": s("2024-05-02", "support"),
        **kwargs,
    }
    with pytest.raises(InvalidInputError) as caught:
        assess(args["patient"], args["history"], args["session"])
    assert field == caught.value.field


def test_assess_history_rejects_non_sessions() -> None:
    with pytest.raises(InvalidInputError, match=r"sessions\[0\]"):
        assess_history(ADULT, [None])  # type: ignore[list-item]


def test_remaining_rejects_bad_network_and_date() -> None:
    with pytest.raises(InvalidInputError, match="network"):
        remaining(ADULT, [], d("2024-05-02"), "elderly")
    with pytest.raises(InvalidInputError, match="on"):
        remaining(ADULT, [], "2024-05-02", "adults")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="patient"):
        remaining(None, [], d("2024-05-02"), "adults")  # type: ignore[arg-type]


# --- coverage ------------------------------------------------------------------------


def test_session_after_the_covered_period_is_out_of_coverage() -> None:
    with pytest.raises(OutOfCoverageError, match="accept_unconfirmed"):
        assess(ADULT, [], s("2028-01-03", "support"))


def test_session_after_the_covered_period_with_unconfirmed_rules_says_so() -> None:
    # A group session uses no fee, so nothing on the last covered day is an estimate.
    last_day = assess(ADULT, [], s("2027-12-31", "support", "group"))
    after = assess(ADULT, [], s("2028-01-03", "support", "group"), accept_unconfirmed=True)
    assert not last_day.unconfirmed
    assert () == last_day.unconfirmed_values
    assert after.unconfirmed
    assert ("coverage.end", "share.group") == after.unconfirmed_values
    assert after.allowed
    assert after.ruleset == "2024"
    assert last_day.patient_share == after.patient_share


def test_unconfirmed_rules_for_share_history_and_remaining() -> None:
    late = s("2028-02-01", "support")
    assert patient_share(ADULT, [], late, accept_unconfirmed=True) is not None
    assert [a.allowed for a in assess_history(ADULT, [late], accept_unconfirmed=True)] == [True]
    assert remaining(ADULT, [late], d("2028-03-01"), "adults", accept_unconfirmed=True)


# --- next allowed date ---------------------------------------------------------------


def test_next_allowed_date_is_the_session_date_when_accepted() -> None:
    session = s("2024-05-02", "support")
    assert session.date == next_allowed_date(ADULT, [], session)


def test_next_allowed_date_after_the_day_limit_is_the_next_day() -> None:
    session = s("2024-05-02", "support")
    assert d("2024-05-03") == next_allowed_date(ADULT, [session], session)


def test_next_allowed_date_when_a_maximum_frees_up() -> None:
    history = weekly("2022-01-03", 8, "first_line")
    session = s("2022-03-01", "first_line")
    assert d("2023-01-03") == next_allowed_date(ADULT, history, session)


def test_next_allowed_date_skips_days_taken_by_later_sessions() -> None:
    history = [*weekly("2022-01-03", 8, "first_line"), s("2023-01-03", "first_line", "group")]
    session = s("2022-03-01", "first_line")
    assert d("2023-01-04") == next_allowed_date(ADULT, history, session)


def test_next_allowed_date_for_treatment_then_support_is_when_treatment_leaves() -> None:
    history = [s("2024-05-06", "treatment", functional_assessment=True)]
    session = s("2024-05-13", "support")
    assert d("2025-05-06") == next_allowed_date(ADULT, history, session)


def test_next_allowed_date_when_the_function_comes_into_force() -> None:
    session = s("2024-01-15", "support")
    assert d("2024-04-01") == next_allowed_date(ADULT, [], session)


def test_next_allowed_date_when_the_patient_turns_15() -> None:
    patient = Patient(birth_date=d("2010-07-04"))
    session = s("2024-05-02", "support", network="adults")
    assert d("2025-07-04") == next_allowed_date(patient, [], session)


def test_next_allowed_date_is_none_when_no_date_in_coverage_works() -> None:
    assert (
        next_allowed_date(ADULT, [], s("2024-05-02", "support", network="children_adolescents"))
        is None
    )
    assert next_allowed_date(ADULT, [], s("2023-05-02", "specialized")) is None


def test_next_allowed_date_rejects_dates_out_of_coverage() -> None:
    with pytest.raises(OutOfCoverageError):
        next_allowed_date(ADULT, [], s("2028-01-03", "support"))


# --- the window policy is data -------------------------------------------------------


def test_an_episode_window_changes_decisions_without_touching_the_quota_code() -> None:
    episode = episode_rules()
    sessions = [
        *weekly("2022-01-03", 8, "first_line"),
        s("2023-01-03", "first_line"),
        s("2023-01-04", "first_line"),
    ]
    # Trailing window of 2023-01-04: 2022-01-10 .. 2022-02-21 (7) and 2023-01-03 make 8.
    assert allowed(ADULT, sessions) == [True] * 9 + [False]
    # Episode window: the episode opened on 2022-01-03 ended; 2023-01-03 opened a new one.
    assert [a.allowed for a in assess_history(ADULT, sessions, rules=episode)] == [True] * 10
    assert isinstance(episode.window, WindowSpec)


def test_children_network_patient_can_be_assessed_through_the_whole_flow() -> None:
    sessions = weekly("2024-05-06", 11, "support", network="children_adolescents")
    decisions = assess_history(CHILD, sessions)
    assert [a.allowed for a in decisions] == [True] * 10 + [False]
    assert all(a.patient_share == 0 for a in decisions if a.allowed)


def test_dates_are_plain_dates() -> None:
    moment = dt.datetime(2024, 5, 2, tzinfo=dt.UTC)
    with pytest.raises(InvalidInputError, match="date"):
        s("2024-05-02", "support").__class__(
            date=moment, network="adults", function="support", setting="individual"
        )
