"""The library's engine gives the decisions of the straightforward reference engine.

``tests/reference/`` keeps the engine as it was first written: each session judged by
building its whole context and running every check in turn. Whatever the library does
to be fast, its decisions (every field, every reason with its parameters) must be the
reference's, for ``assess``, ``assess_history``, ``remaining`` and
``next_allowed_date``, under the trailing and the episode window.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

import inami_ppl
from inami_ppl import Patient, Rules, Session, default_rules
from reference import assess as reference
from strategies import histories, patients, sessions_near
from support import episode_rules

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
