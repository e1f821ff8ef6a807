"""Maxima per 12-month window and the combinations of functions (rules §4-§6).

The categories, maxima, combinations and the 2024 transition mapping all come from
the rule tables (``[[ruleset.limit]]``, ``[[ruleset.combination]]``,
``[[ruleset.counts_as]]``): another reading of an ambiguous rule is a data change.
The window comes from the policy named in the tables.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable

from inami_ppl._compiled import Compiled, compiled
from inami_ppl._plans import plan_for
from inami_ppl._tally import Tally
from inami_ppl.codes import Param, ReasonCode
from inami_ppl.context import Context, Standing
from inami_ppl.decision import QuotaUse, Reason, found
from inami_ppl.model import Function, Kind, Network, Setting
from inami_ppl.rulesets import Ruleset

__all__ = [
    "Remaining",
    "Standing",
    "check_combination",
    "check_maxima",
    "counted",
    "quota_uses",
    "remaining_by_kind",
    "standings",
]


def counted(ruleset: Ruleset, tally: Tally) -> Counter[Kind]:
    """Accepted sessions in the window, by the kind they count as under ``ruleset``.

    A session of an earlier rule set counts through the transition mapping (§6: first
    line individual as support individual, specialized individual as treatment
    individual, 2021 groups not at all) [A].
    """
    counts: Counter[Kind] = Counter()
    for kind in tally.kinds():
        target = ruleset.counts_as_kind(kind)
        if target is not None:
            counts[target] += tally.count(kind)
    return counts


def standings(kind: Kind, network: Network, rules: Compiled, tally: Tally) -> tuple[Standing, ...]:
    """How each maximum of ``network`` that holds ``kind`` stands in the window (§5, §6).

    Computed once per decision, for :func:`check_maxima` and :func:`quota_uses`, and
    once per kind by :func:`remaining_by_kind`.
    """
    return plan_for(rules, kind, network).standing(tally)


def check_maxima(ctx: Context) -> Reason | None:
    """``quota.exceeded``: no maximum of the session's network may be exceeded (§5, §6).

    Every limit that holds the session's kind applies; the first one exceeded (in
    table order) is reported, with the date a session frees up. The context's
    ``standing`` is :func:`standings` for the session.
    """
    tally, session = ctx.tally, ctx.session
    limits = ctx.rules.limits_for[(session.kind, session.network)]
    for (limit, maximum, used), (_, _, raws) in zip(ctx.standing, limits, strict=True):
        if used < maximum:
            continue
        oldest = tally.kth_oldest(raws, used - maximum + 1)
        return found(
            code=ReasonCode.QUOTA_EXCEEDED,
            params=(
                (Param.LIMIT, limit.id),
                (Param.MAXIMUM, maximum),
                (Param.USED, used),
                (Param.NETWORK, session.network.value),
                (Param.FREES_ON, tally.leaves_on(oldest)),
            ),
            sources=(limit.source,),
        )
    return None


def check_combination(ctx: Context) -> Reason | None:
    """``quota.combination``: kinds that may not share a window (§5 [A], §6 [S]).

    2021: one function for the individual sessions and one for the group sessions of
    a window. 2024: once treatment individual is in the window, no support individual.
    """
    kind = ctx.session.kind
    for combination in ctx.rules.combinations_for.get(kind, ()):
        present = sorted(k for k in combination.excluded_by if ctx.counted(k))
        if not present:
            continue
        tally = ctx.tally
        raws = [raw for k in present for raw in ctx.rules.raw_kinds.get(k, ())]
        newest = tally.kth_oldest(raws, sum(tally.count(k) for k in raws))
        return found(
            code=ReasonCode.QUOTA_COMBINATION,
            params=(
                (Param.KIND, kind.code),
                (Param.CONFLICT, ",".join(k.code for k in present)),
                (Param.FREES_ON, tally.leaves_on(newest)),
            ),
            sources=(combination.source,),
        )
    return None


def quota_uses(standing: Iterable[Standing], *, accepted: bool) -> tuple[QuotaUse, ...]:
    """How each maximum stands for the session: used before it, left after it if accepted."""
    step = 1 if accepted else 0
    return tuple(
        _quota_use(limit.id, maximum, used, max(0, maximum - used - step))
        for limit, maximum, used in standing
    )


@functools.lru_cache(maxsize=1 << 12)
def _quota_use(limit: str, maximum: int, used: int, left: int) -> QuotaUse:
    """A quota use, made once and shared by the decisions that have it (it is immutable)."""
    return QuotaUse(limit=limit, maximum=maximum, used=used, left=left)


def remaining_by_kind(network: Network, ruleset: Ruleset, tally: Tally) -> Remaining:
    """For each kind of ``ruleset``: how many more sessions of only that kind fit.

    ``0`` where a combination rule blocks the kind; ``None`` where no maximum holds it.
    """
    counts = counted(ruleset, tally)
    rules = compiled(ruleset)
    out = Remaining()
    for kind in ruleset.kinds():
        blocked = any(
            c.kind == kind and any(counts[k] for k in c.excluded_by) for c in ruleset.combinations
        )
        left: int | None = 0 if blocked else None
        if not blocked:
            for _, maximum, used in standings(kind, network, rules, tally):
                room = max(0, maximum - used)
                left = room if left is None else min(left, room)
        out[(kind.function, kind.setting)] = left
    return out


class Remaining(dict[tuple[Function, Setting], int | None]):
    """What :func:`~inami_ppl.remaining` returns: a dict by (function, setting).

    :meth:`to_dict` gives its JSON-ready form, keyed by the ``"function/setting"``
    code of each kind.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, int | None]:
        """The counts keyed by ``"function/setting"`` (e.g. ``"support/individual"``)."""
        return {Kind(function, setting).code: left for (function, setting), left in self.items()}
