"""A session's plan names exactly the checks that refuse it.

The plan (``inami_ppl._plans``) holds the conditions of the checks of
``checks.CHECKS``, compiled for one kind in one network: the engine asks only the
checks the plan names (none for most sessions), so the plan must never miss a check
that refuses the session, and should not name one that does not either, or the
engine would ask it for nothing. And the reasons the checks make without checking
them are those a hand-built ``Reason`` would hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inami_ppl
from inami_ppl import Patient, Reason, Rules, Session, default_rules
from inami_ppl._compiled import compiled
from inami_ppl._plans import COVERS, Plan, plan_for
from inami_ppl._tally import Tally
from inami_ppl.assess import verdict
from inami_ppl.checks import REASON_CODES, refusals
from strategies import histories, patients, sessions_near
from support import ADULT, dated_window_rules, episode_rules, s

RULES: dict[str, Callable[[], Rules]] = {
    "trailing": default_rules,
    "episode": episode_rules,
    "episode then trailing": lambda: dated_window_rules("episode", "trailing"),
    # The rules whose flags may be turned off, off: the plan must follow them either way.
    "flags off": lambda: default_rules().with_overrides(
        {
            "network.one_per_window": False,
            "video.first_in_person": False,
            "modality.condition": False,
            "day.context_exempt": False,
        }
    ),
}


@pytest.fixture(autouse=True)
def _plans_built_here() -> None:
    """Each test of this file builds its plans again, not taken from the cache.

    A plan is built once per rule set and kept with the compiled rules: without this,
    ``Plan.__init__`` would run under whichever test came first, and a mutation run
    (which runs only the tests that called a function) would not try the others on it.
    """
    compiled.cache_clear()


def _cleared(patient: Patient, accepted: list[Session], session: Session, rules: Rules) -> bool:
    tally = Tally.of(rules.policy(), accepted, session.date)
    ctx = verdict(patient, session, rules.at(session.date), tally).ctx
    plan = plan_for(ctx.rules, session.kind, session.network)
    broken = plan.broken(session, ctx.age, tally, ctx.standing)
    reasons = refusals(ctx)
    # The plan names them in table order, the order of the reasons.
    assert [reason.code for reason in reasons] == broken
    assert reasons == refusals(ctx, broken)
    cleared = not broken
    for reason in reasons:  # made unchecked by the checks: as if built by hand
        assert reason == Reason(
            code=reason.code, params=dict(reason.params), sources=reason.sources
        )
    return cleared


@settings(max_examples=400, deadline=None)
@given(data=st.data(), policy=st.sampled_from(sorted(RULES)))
def test_the_plan_names_exactly_the_checks_a_session_breaks(
    data: st.DataObject, policy: str
) -> None:
    rules = RULES[policy]()
    patient = data.draw(patients())
    history = data.draw(histories(patient, max_size=24))
    accepted = [
        a.session for a in inami_ppl.assess_history(patient, history, rules=rules) if a.allowed
    ]
    session = data.draw(sessions_near(patient, accepted))
    if patient.birth_date <= session.date:
        _cleared(patient, accepted, session, rules)


def test_the_plan_holds_back_each_kind_of_refusal_and_clears_the_rest() -> None:
    # One session of each outcome the plan tells apart, against the checks.
    first = s("2024-05-06", "support")
    assert _cleared(ADULT, [first], s("2024-05-13", "support"), default_rules())
    assert not _cleared(ADULT, [first], s("2024-05-06", "support"), default_rules())  # day
    assert not _cleared(ADULT, [], s("2024-05-06", "support", modality="video"), default_rules())
    young = Patient(birth_date=dt.date(2012, 1, 1))
    assert not _cleared(young, [], s("2024-05-06", "support"), default_rules())  # age


def test_the_plan_clears_a_baby_in_the_children_network() -> None:
    # The children and adolescents network is open from birth (age 0), as its check says.
    baby = Patient(birth_date=dt.date(2024, 3, 1))
    children = s("2024-05-06", "support", network="children_adolescents")
    assert _cleared(baby, [], children, default_rules())
    assert not _cleared(baby, [], s("2024-05-06", "support"), default_rules())  # adults


def test_the_plan_clears_a_forced_move_to_the_adult_network() -> None:
    # Turning 24 closes the children and adolescents network: the adult network may be
    # used in the same window (§2), which the plan must not hold back.
    patient = Patient(birth_date=dt.date(2000, 2, 29))
    children = s("2023-03-01", "first_line", network="children_adolescents")
    adults = s("2024-02-29", "first_line")
    assert _cleared(patient, [children], adults, default_rules())
    assert not _cleared(patient, [children], s("2024-02-28", "first_line"), default_rules())


def test_a_plan_is_built_once_per_kind_and_network() -> None:
    rules = default_rules()
    session = s("2024-05-06", "support")
    ctx = verdict(ADULT, session, rules.at(session.date), Tally(rules.policy())).ctx
    plan = plan_for(ctx.rules, session.kind, session.network)
    assert isinstance(plan, Plan)
    assert plan is plan_for(ctx.rules, session.kind, session.network)


def test_the_plan_covers_every_check_of_the_table() -> None:
    # A new check must have its condition in the plan too, or the plan would clear the
    # sessions it refuses.
    assert sorted(REASON_CODES) == sorted(code.value for code in COVERS)
    assert len(set(COVERS)) == len(COVERS)
