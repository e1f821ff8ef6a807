"""Who may have which session when (rules §2, §3, §7).

Networks and age, one network per window, the function in force, one session a day,
the functional assessment, video after an in-person session, the condition of care
at home or by video, the co-provider of a co-consultation.

Each check is a pure function of one :class:`~inami_ppl.context.Context` that
returns the reason it finds, or ``None`` when the rule is met. They read the accepted
sessions of the window through the context's tally; :mod:`inami_ppl.checks` lists
them in the order of the reason codes.
"""

from __future__ import annotations

import datetime as dt

from inami_ppl._compiled import compiled
from inami_ppl._validate import check_date
from inami_ppl.codes import Param, ReasonCode
from inami_ppl.context import Context
from inami_ppl.decision import Reason, found
from inami_ppl.model import Function, Modality, Network, Patient
from inami_ppl.periods import age_on, birthday
from inami_ppl.rulesets import Rules, resolve_rules

__all__ = [
    "check_age_network",
    "check_assessment",
    "check_co_provider",
    "check_day_limit",
    "check_function_in_force",
    "check_modality_condition",
    "check_network_switch",
    "check_video",
    "networks_for",
]


def networks_for(
    birth_date: dt.date | Patient,
    on: dt.date,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> frozenset[Network]:
    """The networks open to someone born on ``birth_date``, on ``on`` (rules §2, [SEED]).

    Children and adolescents up to and including 23; adults from 15. ``birth_date``
    may be given as a :class:`~inami_ppl.Patient`.

    >>> import datetime as dt
    >>> from inami_ppl import Patient
    >>> sorted(networks_for(dt.date(2005, 6, 1), dt.date(2024, 6, 1)))
    [<Network.ADULTS: 'adults'>, <Network.CHILDREN_ADOLESCENTS: 'children_adolescents'>]
    >>> sorted(networks_for(Patient(birth_date=dt.date(2000, 6, 1)), dt.date(2024, 6, 1)))
    [<Network.ADULTS: 'adults'>]

    Raises:
        InvalidInputError: a value is not a ``date``, or the birth date is after ``on``.
        OutOfCoverageError: ``on`` is outside the period the rules cover.

    """
    born = birth_date.birth_date if isinstance(birth_date, Patient) else birth_date
    age = age_on(born, check_date("on", on))
    ruleset = resolve_rules(rules).at(on, accept_unconfirmed=accept_unconfirmed)
    return compiled(ruleset).open_networks(age)


def check_age_network(ctx: Context) -> Reason | None:
    """``age.network``: the session's network must be open at the patient's age (§2)."""
    network = ctx.session.network
    open_to = ctx.rules.open_networks(ctx.age)
    if network in open_to:
        return None
    bound = (
        "age.children_adolescents.max"
        if network is Network.CHILDREN_ADOLESCENTS
        else "age.adults.min"
    )
    return found(
        code=ReasonCode.AGE_NETWORK,
        params=(
            (Param.AGE, ctx.age),
            (Param.NETWORK, network.value),
            (Param.NETWORKS, ",".join(sorted(n.value for n in open_to))),
        ),
        sources=(ctx.ruleset.require(bound).source,),
    )


def check_network_switch(ctx: Context) -> Reason | None:
    """``network.switch``: one network per window, unless the other one is closed (§2).

    Turning 24 closes the children and adolescents network: the move to the adult
    network is then forced and allowed [S caami; A for 2024].
    """
    rules, tally, network = ctx.rules, ctx.tally, ctx.session.network
    one_per_window = rules.one_per_window
    if not one_per_window.value:
        return None
    forced_ok = rules.forced_switch.value
    used = tally.networks()
    if not used or (len(used) == 1 and used[0] is network):
        return None  # the common case: no other network in the window
    open_to = rules.open_networks(ctx.age)
    for other in sorted(used):
        if other is network or (forced_ok and other not in open_to):
            continue
        last = tally.last_in(other)
        frees_on = tally.leaves_on(last)
        if forced_ok and other is Network.CHILDREN_ADOLESCENTS:
            max_age = ctx.ruleset.integer("age.children_adolescents.max")
            frees_on = min(frees_on, birthday(ctx.patient.birth_date, max_age + 1))
        return found(
            code=ReasonCode.NETWORK_SWITCH,
            params=(
                (Param.NETWORK, network.value),
                (Param.OTHER_NETWORK, other.value),
                (Param.LAST_DATE, last),
                (Param.FREES_ON, frees_on),
            ),
            sources=(one_per_window.source,),
        )
    return None


def check_function_in_force(ctx: Context) -> Reason | None:
    """``function.not_in_force``: the function must exist in the rule set of the date (§3)."""
    session = ctx.session
    if session.function in ctx.rules.functions:
        return None
    ruleset = ctx.ruleset
    return found(
        code=ReasonCode.FUNCTION_NOT_IN_FORCE,
        params=(
            (Param.FUNCTION, session.function.value),
            (Param.RULESET, ruleset.id),
            (Param.DATE, session.date),
        ),
        sources=(ruleset.source,),
    )


def check_day_limit(ctx: Context) -> Reason | None:
    """``day.limit``: one accepted session a day; sessions with the context are outside it (§7)."""
    session, rules = ctx.session, ctx.rules
    if session.with_context and rules.context_exempt.value:
        return None
    day_max = rules.day_max.value
    assert isinstance(day_max, int)  # noqa: S101  (types are checked when loading)
    if ctx.tally.sessions_on(session.date) < day_max:
        return None
    return found(
        code=ReasonCode.DAY_LIMIT,
        params=((Param.DATE, session.date),),
        sources=(rules.day_max.source,),
    )


def check_assessment(ctx: Context) -> Reason | None:
    """``assessment.missing``: specialized / treatment care needs a functional assessment (§7).

    The session itself or an accepted session of the same function in its window
    must carry it.
    """
    session = ctx.session
    rule = ctx.rules.functions.get(session.function)
    if rule is None or not rule.requires_assessment:
        return None
    if session.functional_assessment or ctx.tally.assessed(session.function):
        return None
    return found(
        code=ReasonCode.ASSESSMENT_MISSING,
        params=((Param.FUNCTION, session.function.value),),
        sources=(rule.source,),
    )


def check_video(ctx: Context) -> Reason | None:
    """``video.first_in_person``: video only after an earlier in-person session (§7).

    With the same provider when both sessions name one [P convention-2021-art4].
    """
    session, rule = ctx.session, ctx.rules.video_first
    if session.modality is not Modality.VIDEO or not rule.value:
        return None
    if ctx.tally.in_person_before(session.provider):
        return None
    return found(code=ReasonCode.VIDEO_FIRST_IN_PERSON, sources=(rule.source,))


# Rules §7: the modalities that need the patient to be unable to travel.
_CONDITIONAL_MODALITIES = frozenset({Modality.HOME, Modality.VIDEO})


def check_modality_condition(ctx: Context) -> Reason | None:
    """``modality.condition``: care at home or by video needs ``unable_to_travel`` (§7).

    [SEED] "if the patient is unable to travel"; [A] that it carries into 2024.
    Independent of the video rule above: a first video session for a patient who can
    travel breaks both.
    """
    session = ctx.session
    if session.modality not in _CONDITIONAL_MODALITIES or session.unable_to_travel:
        return None
    rule = ctx.rules.modality_condition
    if not rule.value:
        return None
    return found(
        code=ReasonCode.MODALITY_CONDITION,
        params=((Param.MODALITY, session.modality.value),),
        sources=(rule.source,),
    )


def check_co_provider(ctx: Context) -> Reason | None:
    """``co_consultation.co_provider``: a co-consultation names its co-provider (§3, §7).

    [SEED network-leaflet-art8]: a joint consultation with a first-line provider who
    has an INAMI number.
    """
    session = ctx.session
    if session.function is not Function.CO_CONSULTATION or session.co_provider is not None:
        return None
    rule = ctx.rules.co_provider
    if rule is None or not rule.value:
        return None
    return found(code=ReasonCode.CO_CONSULTATION_CO_PROVIDER, sources=(rule.source,))
