"""Who may have which session when (rules §2, §3, §7).

Networks and age, one network per window, the function in force, one session a day,
the functional assessment, video after an in-person session.

Each check is a pure function that returns the reasons it finds (an empty tuple when
the rule is met). They read the accepted sessions of the window through a tally
built by :mod:`inami_ppl.assess`.
"""

from __future__ import annotations

import datetime as dt
import functools

from inami_ppl._tally import Tally
from inami_ppl._validate import check_date
from inami_ppl.decision import Reason
from inami_ppl.model import Modality, Network, Patient, Session
from inami_ppl.periods import age_on, birthday
from inami_ppl.rulesets import Rules, Ruleset, resolve_rules

__all__ = [
    "check_age_network",
    "check_assessment",
    "check_day_limit",
    "check_function_in_force",
    "check_network_switch",
    "check_video",
    "networks_for",
]

Reasons = tuple[Reason, ...]


@functools.lru_cache(maxsize=1024)
def _open_networks(ruleset: Ruleset, age: int) -> frozenset[Network]:
    open_to: set[Network] = set()
    if age <= ruleset.integer("age.children_adolescents.max"):
        open_to.add(Network.CHILDREN_ADOLESCENTS)
    if age >= ruleset.integer("age.adults.min"):
        open_to.add(Network.ADULTS)
    return frozenset(open_to)


def networks_for(
    birth_date: dt.date,
    on: dt.date,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> frozenset[Network]:
    """The networks open to someone born on ``birth_date``, on ``on`` (rules §2, [SEED]).

    Children and adolescents up to and including 23; adults from 15.

    >>> import datetime as dt
    >>> sorted(networks_for(dt.date(2005, 6, 1), dt.date(2024, 6, 1)))
    [<Network.ADULTS: 'adults'>, <Network.CHILDREN_ADOLESCENTS: 'children_adolescents'>]

    Raises:
        InvalidInputError: a value is not a ``date``, or the birth date is after ``on``.
        OutOfCoverageError: ``on`` is outside the period the rules cover.

    """
    age = age_on(birth_date, check_date("on", on))
    ruleset = resolve_rules(rules).at(on, accept_unconfirmed=accept_unconfirmed)
    return _open_networks(ruleset, age)


def check_age_network(patient: Patient, session: Session, ruleset: Ruleset) -> Reasons:
    """``age.network``: the session's network must be open at the patient's age (§2)."""
    age = age_on(patient.birth_date, session.date)
    open_to = _open_networks(ruleset, age)
    if session.network in open_to:
        return ()
    bound = (
        "age.children_adolescents.max"
        if session.network is Network.CHILDREN_ADOLESCENTS
        else "age.adults.min"
    )
    return (
        Reason(
            code="age.network",
            params=(
                ("age", str(age)),
                ("network", session.network.value),
                ("networks", ",".join(sorted(n.value for n in open_to))),
            ),
            sources=(ruleset.require(bound).source,),
        ),
    )


def check_network_switch(
    patient: Patient, session: Session, ruleset: Ruleset, tally: Tally
) -> Reasons:
    """``network.switch``: one network per window, unless the other one is closed (§2).

    Turning 24 closes the children and adolescents network: the move to the adult
    network is then forced and allowed [S caami; A for 2024].
    """
    if not ruleset.flag("network.one_per_window"):
        return ()
    forced_ok = ruleset.flag("network.forced_switch_allowed")
    open_to = _open_networks(ruleset, age_on(patient.birth_date, session.date))
    for other in sorted(tally.networks()):
        if other is session.network or (forced_ok and other not in open_to):
            continue
        last = tally.last_in(other)
        frees_on = tally.policy.leaves_on(last, tally.dates)
        if forced_ok and other is Network.CHILDREN_ADOLESCENTS:
            closes = birthday(
                patient.birth_date, ruleset.integer("age.children_adolescents.max") + 1
            )
            frees_on = min(frees_on, closes)
        sources = [ruleset.require("network.one_per_window").source]
        return (
            Reason(
                code="network.switch",
                params=(
                    ("network", session.network.value),
                    ("other_network", other.value),
                    ("last_date", last.isoformat()),
                    ("frees_on", frees_on.isoformat()),
                ),
                sources=tuple(sources),
            ),
        )
    return ()


def check_function_in_force(session: Session, ruleset: Ruleset) -> Reasons:
    """``function.not_in_force``: the function must exist in the rule set of the date (§3)."""
    if ruleset.in_force(session.function):
        return ()
    return (
        Reason(
            code="function.not_in_force",
            params=(
                ("function", session.function.value),
                ("ruleset", ruleset.id),
                ("date", session.date.isoformat()),
            ),
            sources=(ruleset.source,),
        ),
    )


def check_day_limit(session: Session, ruleset: Ruleset, tally: Tally) -> Reasons:
    """``day.limit``: one accepted session a day; sessions with the context are outside it (§7)."""
    exempt = ruleset.flag("day.context_exempt")
    if session.with_context and exempt:
        return ()
    if tally.sessions_on(session.date) < ruleset.integer("day.max_sessions"):
        return ()
    return (
        Reason(
            code="day.limit",
            params=(("date", session.date.isoformat()),),
            sources=(ruleset.require("day.max_sessions").source,),
        ),
    )


def check_assessment(session: Session, ruleset: Ruleset, tally: Tally) -> Reasons:
    """``assessment.missing``: specialized / treatment care needs a functional assessment (§7).

    The session itself or an accepted session of the same function in its window
    must carry it.
    """
    rule = ruleset.function_rule(session.function)
    if rule is None or not rule.requires_assessment:
        return ()
    if session.functional_assessment or tally.assessed(session.function):
        return ()
    return (
        Reason(
            code="assessment.missing",
            params=(("function", session.function.value),),
            sources=(rule.source,),
        ),
    )


def check_video(session: Session, ruleset: Ruleset, tally: Tally) -> Reasons:
    """``video.first_in_person``: video only after an earlier in-person session (§7).

    With the same provider when both sessions name one [P convention-2021-art4].
    """
    if session.modality is not Modality.VIDEO or not ruleset.flag("video.first_in_person"):
        return ()
    if tally.in_person_before(session.provider):
        return ()
    return (
        Reason(
            code="video.first_in_person",
            sources=(ruleset.require("video.first_in_person").source,),
        ),
    )
