"""Maxima per 12-month window and the combinations of functions (rules §4-§6).

The categories, maxima, combinations and the 2024 transition mapping all come from
the rule tables (``[[ruleset.limit]]``, ``[[ruleset.combination]]``,
``[[ruleset.counts_as]]``): another reading of an ambiguous rule is a data change.
The window comes from the policy named in the tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from inami_ppl._tally import Tally
from inami_ppl.decision import QuotaUse, Reason
from inami_ppl.model import Function, Kind, Network, Session, Setting
from inami_ppl.rulesets import Limit, Ruleset

__all__ = [
    "Standing",
    "check_combination",
    "check_maxima",
    "counted",
    "quota_uses",
    "remaining_by_kind",
    "standings",
]

Reasons = tuple[Reason, ...]


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


def _raw_kinds(ruleset: Ruleset, kinds: Iterable[Kind], tally: Tally) -> list[Kind]:
    wanted = set(kinds)
    return [kind for kind in tally.kinds() if ruleset.counts_as_kind(kind) in wanted]


def _used(limit: Limit, counts: Counter[Kind]) -> int:
    return sum(counts[kind] for kind in limit.kinds)


#: A maximum that holds a kind: the limit, its maximum for the network, the sessions used.
Standing = tuple[Limit, int, int]


def standings(
    kind: Kind, network: Network, ruleset: Ruleset, counts: Counter[Kind]
) -> list[Standing]:
    """How each maximum of ``network`` that holds ``kind`` stands in the window (§5, §6).

    Computed once per decision, for :func:`check_maxima` and :func:`quota_uses`, and
    once per kind by :func:`remaining_by_kind`.
    ``counts`` is :func:`counted` for this window.
    """
    out = []
    for limit in ruleset.limits:
        maximum = limit.maximum(network)
        if maximum is not None and kind in limit.kinds:
            out.append((limit, maximum, _used(limit, counts)))
    return out


def check_maxima(
    session: Session, ruleset: Ruleset, tally: Tally, standing: list[Standing]
) -> Reasons:
    """``quota.exceeded``: no maximum of the session's network may be exceeded (§5, §6).

    Every limit that holds the session's kind applies; the first one exceeded (in
    table order) is reported, with the date a session frees up. ``standing`` is
    :func:`standings` for the session.
    """
    for limit, maximum, used in standing:
        if used < maximum:
            continue
        oldest = tally.kth_oldest(_raw_kinds(ruleset, limit.kinds, tally), used - maximum + 1)
        frees_on = tally.policy.leaves_on(oldest, tally.dates)
        return (
            Reason(
                code="quota.exceeded",
                params=(
                    ("limit", limit.id),
                    ("maximum", str(maximum)),
                    ("used", str(used)),
                    ("network", session.network.value),
                    ("frees_on", frees_on.isoformat()),
                ),
                sources=(limit.source,),
            ),
        )
    return ()


def check_combination(
    session: Session, ruleset: Ruleset, tally: Tally, counts: Counter[Kind]
) -> Reasons:
    """``quota.combination``: kinds that may not share a window (§5 [A], §6 [S]).

    2021: one function for the individual sessions and one for the group sessions of
    a window. 2024: once treatment individual is in the window, no support individual.
    ``counts`` is :func:`counted` for this window.
    """
    for combination in ruleset.combinations:
        if combination.kind != session.kind:
            continue
        present = sorted(k for k in combination.excluded_by if counts[k])
        if not present:
            continue
        raw = _raw_kinds(ruleset, present, tally)
        newest = tally.kth_oldest(raw, sum(tally.count(k) for k in raw))
        return (
            Reason(
                code="quota.combination",
                params=(
                    ("kind", session.kind.code),
                    ("conflict", ",".join(k.code for k in present)),
                    ("frees_on", tally.policy.leaves_on(newest, tally.dates).isoformat()),
                ),
                sources=(combination.source,),
            ),
        )
    return ()


def quota_uses(standing: list[Standing], *, accepted: bool) -> tuple[QuotaUse, ...]:
    """How each maximum stands for the session: used before it, left after it if accepted."""
    return tuple(
        QuotaUse(
            limit=limit.id,
            maximum=maximum,
            used=used,
            left=max(0, maximum - used - (1 if accepted else 0)),
        )
        for limit, maximum, used in standing
    )


def remaining_by_kind(
    network: Network, ruleset: Ruleset, tally: Tally
) -> dict[tuple[Function, Setting], int | None]:
    """For each kind of ``ruleset``: how many more sessions of only that kind fit.

    ``0`` where a combination rule blocks the kind; ``None`` where no maximum holds it.
    """
    counts = counted(ruleset, tally)
    out: dict[tuple[Function, Setting], int | None] = {}
    for kind in ruleset.kinds():
        blocked = any(
            c.kind == kind and any(counts[k] for k in c.excluded_by) for c in ruleset.combinations
        )
        left: int | None = 0 if blocked else None
        if not blocked:
            for _, maximum, used in standings(kind, network, ruleset, counts):
                room = max(0, maximum - used)
                left = room if left is None else min(left, room)
        out[(kind.function, kind.setting)] = left
    return out
