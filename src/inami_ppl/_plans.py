"""The rules of one rule set for one kind of session in one network, compiled into a plan.

Most sessions of a claims file break no rule. A :class:`Plan` holds, for one
(rule set, kind, network), every value the checks of :mod:`inami_ppl.checks` would
read, and :meth:`Plan.broken` tells in one call which of them the session breaks:
the same conditions as the checks, tested on the tally's counts without building a
reason. Most sessions break none and are accepted at once; for the others, only the
checks that are broken run, to say why. So the checks stay the one place where a
refusal's reasons are made, and the plan only tells which of them to ask.

A test compares :meth:`Plan.broken` with the checks on any history, and the engine
with the straightforward reference under ``tests/reference``.
"""

from __future__ import annotations

import sys
from typing import Final, final

from inami_ppl._compiled import Compiled
from inami_ppl._tally import Tally
from inami_ppl.codes import ReasonCode
from inami_ppl.context import Standing
from inami_ppl.model import Function, Kind, Modality, Network, SessionFacts

__all__ = ["COVERS", "Plan", "plan_for"]

#: The checks whose conditions :meth:`Plan.broken` tests: every check of the table.
COVERS: Final = (
    ReasonCode.AGE_NETWORK,
    ReasonCode.FUNCTION_NOT_IN_FORCE,
    ReasonCode.QUOTA_EXCEEDED,
    ReasonCode.NETWORK_SWITCH,
    ReasonCode.QUOTA_COMBINATION,
    ReasonCode.DAY_LIMIT,
    ReasonCode.ASSESSMENT_MISSING,
    ReasonCode.MODALITY_CONDITION,
    ReasonCode.VIDEO_FIRST_IN_PERSON,
    ReasonCode.CO_CONSULTATION_CO_PROVIDER,
)

# Rules §7: the modalities that need the patient to be unable to travel.
_CONDITIONAL: Final = frozenset({Modality.HOME, Modality.VIDEO})


@final
class Plan:
    """What the checks read for sessions of one kind in one network, under one rule set."""

    __slots__ = (
        "_counted",
        "assessment",
        "combined",
        "context_exempt",
        "day_max",
        "forced_ok",
        "function",
        "in_force",
        "limits",
        "max_age",
        "min_age",
        "needs_co_provider",
        "others",
        "switch_free",
        "video_rule",
        "when_unable",
    )

    def __init__(self, rules: Compiled, kind: Kind, network: Network) -> None:
        """Look up, once, every value the checks read for this kind and network."""
        ruleset = rules.ruleset
        self.function = kind.function
        # §3: a function not in force is refused whatever the rest.
        self.in_force = kind.function in rules.functions
        # §2: the ages at which each network is open.
        ages = {
            Network.CHILDREN_ADOLESCENTS: (0, ruleset.integer("age.children_adolescents.max")),
            Network.ADULTS: (ruleset.integer("age.adults.min"), sys.maxsize),
        }
        self.min_age, self.max_age = ages[network]
        # §2: one network per window: the other networks, with the ages at which they
        # are open (a closed one may be left for this one when the switch is forced).
        self.switch_free = not rules.one_per_window.value
        self.forced_ok = bool(rules.forced_switch.value)
        self.others = tuple((other, *ages[other]) for other in Network if other is not network)
        # §5, §6: each maximum, and the raw kinds whose sessions count toward it.
        self.limits = rules.limits_for[(kind, network)]
        # Each maximum with its raw kinds and as many zeros (the default of each count).
        self._counted = tuple(
            (limit, maximum, raws, (0,) * len(raws)) for limit, maximum, raws in self.limits
        )
        # §5, §6: the raw kinds that may not share the window with this kind.
        self.combined = tuple(
            raw
            for combination in rules.combinations_for.get(kind, ())
            for excluded in combination.excluded_by
            for raw in rules.raw_kinds.get(excluded, ())
        )
        # §7: one session a day (sessions with the context exempt), the assessment,
        # video after an in-person session, the condition of home and video care,
        # the co-provider of a co-consultation.
        self.context_exempt = bool(rules.context_exempt.value)
        day_max = rules.day_max.value
        assert isinstance(day_max, int)  # noqa: S101  (types are checked when loading)
        self.day_max = day_max
        rule = rules.functions.get(kind.function)
        self.assessment = rule is not None and rule.requires_assessment
        self.video_rule = bool(rules.video_first.value)
        self.when_unable = bool(rules.modality_condition.value)
        co_rule = rules.co_provider
        self.needs_co_provider = (
            kind.function is Function.CO_CONSULTATION
            and co_rule is not None
            and bool(co_rule.value)
        )

    def standing(self, tally: Tally) -> tuple[Standing, ...]:
        """How each maximum that holds the kind stands in the window (``quotas.standings``)."""
        counted = self._counted
        if not counted:
            return ()  # no maximum holds the kind (most kinds since 2024-04-01)
        get = tally.counts.get
        # ``map`` calls ``get(raw, 0)`` for each raw kind without a Python-level loop.
        return tuple(
            [
                (limit, maximum, sum(map(get, raws, zeros)))
                for limit, maximum, raws, zeros in counted
            ]
        )

    def broken(  # noqa: PLR0912  (one test per check, flat: it runs for every session)
        self, session: SessionFacts, age: int, tally: Tally, standing: tuple[Standing, ...]
    ) -> list[ReasonCode]:
        """The codes of the checks ``session`` breaks, in table order, given its ``standing``.

        Empty when it breaks none.

        As the checks do, those that need the function in force are not tested when
        it is not.
        """
        out: list[ReasonCode] = []
        if not self.min_age <= age <= self.max_age:
            out.append(ReasonCode.AGE_NETWORK)
        if not self.switch_free:
            counts = tally.network_counts
            for other, low, high in self.others:
                if counts.get(other) and (not self.forced_ok or low <= age <= high):
                    out.append(ReasonCode.NETWORK_SWITCH)
                    break
        in_force = self.in_force
        if not in_force:
            out.append(ReasonCode.FUNCTION_NOT_IN_FORCE)
        else:
            for _, maximum, used in standing:
                if used >= maximum:
                    out.append(ReasonCode.QUOTA_EXCEEDED)
                    break
            held = tally.counts
            for raw in self.combined:
                if held.get(raw):
                    out.append(ReasonCode.QUOTA_COMBINATION)
                    break
        if not (session.with_context and self.context_exempt) and (
            tally.sessions_on(session.date) >= self.day_max
        ):
            out.append(ReasonCode.DAY_LIMIT)
        if (
            in_force
            and self.assessment
            and not session.functional_assessment
            and not tally.assessed(self.function)
        ):
            out.append(ReasonCode.ASSESSMENT_MISSING)
        modality = session.modality
        if modality in _CONDITIONAL:
            if (
                modality is Modality.VIDEO
                and self.video_rule
                and not tally.in_person_before(session.provider)
            ):
                out.append(ReasonCode.VIDEO_FIRST_IN_PERSON)
            if self.when_unable and not session.unable_to_travel:
                out.append(ReasonCode.MODALITY_CONDITION)
        if in_force and self.needs_co_provider and session.co_provider is None:
            out.append(ReasonCode.CO_CONSULTATION_CO_PROVIDER)
        return out


def plan_for(rules: Compiled, kind: Kind, network: Network) -> Plan:
    """The plan of ``kind`` in ``network`` under ``rules``, built once."""
    plans = rules.plans
    found = plans.get((kind, network))
    if found is None:
        found = plans[(kind, network)] = Plan(rules, kind, network)
    return found
