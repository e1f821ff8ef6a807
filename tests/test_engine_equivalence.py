"""The library's engine gives the decisions of the straightforward reference engine.

``tests/reference/`` keeps the engine as it was first written: each session judged by
building its whole context and running every check in turn. Whatever the library does
to be fast, its decisions (every field, every reason with its parameters) must be the
reference's, for ``assess``, ``assess_history``, ``remaining`` and
``next_allowed_date``, under the trailing and the episode window.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inami_ppl
from inami_ppl import Network, Patient, Rules, Session, default_rules
from inami_ppl._ruleset import DatedWindow
from reference import assess as reference
from strategies import FIRST_DATE, LAST_DATE, histories, kinds_in_force, patients, sessions_near
from support import ADULT, dated_window_rules, episode_rules

RULES = st.sampled_from(["trailing", "episode"])


def _rules(policy: str) -> Rules:
    return default_rules() if policy == "trailing" else episode_rules()


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, Patient, list[Session]]:
    patient = draw(patients())
    history = draw(histories(patient, max_size=24))
    return draw(RULES), patient, history


@settings(max_examples=150, deadline=None)
@given(case=_cases(), shuffle=st.randoms(use_true_random=False))
def test_assess_history_decides_as_the_reference(
    case: tuple[str, Patient, list[Session]], shuffle: random.Random
) -> None:
    policy, patient, history = case
    rules = _rules(policy)
    shuffle.shuffle(history)
    ours = inami_ppl.assess_history(patient, history, rules=rules)
    theirs = reference.assess_history(patient, history, rules=rules)
    assert [a.to_dict() for a in ours] == [a.to_dict() for a in theirs]
    assert ours == theirs


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_assess_and_next_allowed_date_decide_as_the_reference(data: st.DataObject) -> None:
    policy, patient, history = data.draw(_cases())
    rules = _rules(policy)
    accepted = [
        a.session for a in reference.assess_history(patient, history, rules=rules) if a.allowed
    ]
    session = data.draw(sessions_near(patient, accepted))
    ours = inami_ppl.assess(patient, accepted, session, rules=rules)
    assert ours == reference.assess(patient, accepted, session, rules=rules)
    assert inami_ppl.next_allowed_date(
        patient, accepted, session, rules=rules
    ) == reference.next_allowed_date(patient, accepted, session, rules=rules)
    on = session.date
    assert inami_ppl.remaining(
        patient, accepted, on, session.network, rules=rules
    ) == reference.remaining(patient, accepted, on, session.network, rules=rules)


def test_the_reference_is_not_the_library() -> None:
    # The comparison means something only if the two engines are separate code.
    assert reference.assess_history is not inami_ppl.assess_history
    assert reference._policy(default_rules()) is not default_rules().policy()


# Rules whose window policy changes with the rule set: the window of one date may then
# start before the window of an earlier date.
DATED: dict[str, Callable[[], Rules]] = {
    "trailing": default_rules,
    "episode": episode_rules,
    "episode then trailing": lambda: dated_window_rules("episode", "trailing"),
    "trailing then episode": lambda: dated_window_rules("trailing", "episode"),
}


def test_rules_whose_policy_changes_use_a_dated_window() -> None:
    assert isinstance(DATED["episode then trailing"]().policy(), DatedWindow)
    assert not isinstance(DATED["episode"]().policy(), DatedWindow)


def _long_history(rng: random.Random, size: int, first: dt.date, days: int) -> list[Session]:
    """``size`` sessions of an adult over ``days`` days from ``first``, of kinds in force."""
    out = []
    for _ in range(size):
        day = min(LAST_DATE, first + dt.timedelta(days=rng.randrange(days)))
        function, setting = rng.choice(kinds_in_force(day))
        out.append(
            Session(
                date=day,
                network=Network.ADULTS,
                function=function,
                setting=setting,
                functional_assessment=rng.random() < 0.5,
                with_context=rng.random() < 0.1,
            )
        )
    return out


def _long_case(
    seed: int, policy: str, size: int, days: int
) -> tuple[random.Random, Rules, dt.date, list[Session]]:
    """A long history drawn from ``seed``: the generator, the rules, its first day, the sessions."""
    rng = random.Random(seed)
    first = FIRST_DATE + dt.timedelta(days=rng.randrange((LAST_DATE - FIRST_DATE).days))
    return rng, DATED[policy](), first, _long_history(rng, size, first, days)


@pytest.mark.parametrize("policy", DATED)
@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    size=st.sampled_from([60, 150, 300]),
    days=st.sampled_from([120, 500, 1200, 2300]),
)
def test_next_allowed_date_after_a_long_history_is_the_references(
    policy: str, seed: int, size: int, days: int
) -> None:
    # Many sessions, the quotas often full: many dates are tried before one is found.
    rng, rules, first, history = _long_case(seed, policy, size, days)
    accepted = [
        a.session for a in reference.assess_history(ADULT, history, rules=rules) if a.allowed
    ]
    for earlier in (history, accepted):
        session = _long_history(rng, 1, first, days // 3 + 1)[0]
        ours = inami_ppl.next_allowed_date(ADULT, earlier, session, rules=rules)
        assert ours == reference.next_allowed_date(ADULT, earlier, session, rules=rules)


@pytest.mark.parametrize("policy", ["episode then trailing", "trailing then episode"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_dated_windows_decide_as_the_reference(policy: str, data: st.DataObject) -> None:
    rules = DATED[policy]()
    patient = data.draw(patients())
    history = data.draw(histories(patient, max_size=24))
    ours = inami_ppl.assess_history(patient, history, rules=rules)
    assert ours == reference.assess_history(patient, history, rules=rules)
    accepted = [a.session for a in ours if a.allowed]
    session = data.draw(sessions_near(patient, accepted))
    assert inami_ppl.next_allowed_date(
        patient, accepted, session, rules=rules
    ) == reference.next_allowed_date(patient, accepted, session, rules=rules)


@pytest.mark.parametrize("policy", DATED)
@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    size=st.sampled_from([40, 120]),
    days=st.sampled_from([400, 900, 1500]),
)
def test_a_history_is_judged_as_each_session_alone_against_those_accepted_before(
    policy: str, seed: int, size: int, days: int
) -> None:
    # The definition of assess_history, session by session: where the window policy
    # changes, the window of a date may start before the window of an earlier date,
    # and the sessions it holds again count again.
    _, rules, _, drawn = _long_case(seed, policy, size, days)
    history = sorted(drawn, key=lambda x: x.date)
    accepted: list[Session] = []
    for session, decided in zip(
        history, inami_ppl.assess_history(ADULT, history, rules=rules), strict=True
    ):
        assert decided == inami_ppl.assess(ADULT, accepted, session, rules=rules)
        if decided.allowed:
            accepted.append(session)
