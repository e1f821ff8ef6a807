"""The rules in force on one day: a rule set with the dated parameters of that day.

Built by :class:`~inami_ppl.Rules` for each span of dates over which nothing changes;
the eligibility, quota and tariff code reads every value through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import final

import attrs

from inami_ppl._rulecheck import ONE_DAY
from inami_ppl._ruletypes import (
    BillingCode,
    Combination,
    CountsAs,
    FunctionRule,
    Label,
    Limit,
    Parameter,
    RulesetDef,
    RuleValue,
    Target,
    WindowSpec,
    all_kinds,
)
from inami_ppl.errors import RuleDataError
from inami_ppl.model import Function, Kind, SessionFacts, Source
from inami_ppl.periods import WindowPolicy, WindowTracker, track

__all__ = ["BEYOND_COVERAGE", "DatedWindow", "Ruleset", "collect_labels"]

# Named in ``unconfirmed_values`` for a decision after the covered period.
BEYOND_COVERAGE = "coverage.end"


@final
@attrs.frozen(kw_only=True, eq=False)
class Ruleset:
    """The rules in force on a date: a rule set and the dated parameters of that day.

    ``start``/``end`` is the rule set's own period; ``valid_from``/``valid_until`` the
    span of dates over which every value here stays the same. Returned by
    :func:`ruleset_for`; lists its values with their provenance with :meth:`values`.

    >>> import datetime as dt
    >>> from inami_ppl import ruleset_for
    >>> rs = ruleset_for(dt.date(2024, 5, 2))
    >>> rs.id, rs.decimal("fee.individual")
    ('2024', Decimal('81.74'))
    """

    id: str
    start: dt.date
    end: dt.date
    valid_from: dt.date
    valid_until: dt.date
    unconfirmed: bool
    source: Source
    window: WindowSpec
    coverage: tuple[dt.date, dt.date]
    coverage_source: Source
    functions: tuple[FunctionRule, ...]
    limits: tuple[Limit, ...]
    combinations: tuple[Combination, ...]
    counts_as: tuple[CountsAs, ...]
    targets: tuple[Target, ...]
    parameters: Mapping[str, Parameter]
    billing_codes: tuple[BillingCode, ...] = ()
    labels: Mapping[str, Label] = attrs.field(factory=dict, repr=False)
    _mapping: Mapping[Kind, Kind | None] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        """Precompute how every session kind counts under this rule set."""
        own = {rule.function for rule in self.functions}
        mapping: dict[Kind, Kind | None] = {}
        for function in Function:
            for kind in all_kinds(function):
                mapping[kind] = kind if function in own else None
        for entry in self.counts_as:
            mapping[entry.kind] = entry.as_kind
        object.__setattr__(self, "_mapping", mapping)

    def in_force(self, function: Function) -> bool:
        """Whether ``function`` exists in this rule set."""
        return any(rule.function is function for rule in self.functions)

    def function_rule(self, function: Function) -> FunctionRule | None:
        """The rule for ``function``, or ``None`` when it is not in force."""
        for rule in self.functions:
            if rule.function is function:
                return rule
        return None

    def counts_as_kind(self, kind: Kind) -> Kind | None:
        """How an accepted session of ``kind`` counts here (``None``: it does not)."""
        return self._mapping[kind]

    def parameter(self, name: str) -> Parameter | None:
        """The dated parameter ``name`` in force, or ``None`` when it has no value now."""
        return self.parameters.get(name)

    def require(self, name: str) -> Parameter:
        """The dated parameter ``name`` in force; an error when it has no value now."""
        try:
            return self.parameters[name]
        except KeyError:
            raise RuleDataError("parameter", name, "a parameter in force on this date") from None

    def decimal(self, name: str) -> Decimal:
        """An amount in euros."""
        value = self.require(name).value
        assert isinstance(value, Decimal)  # noqa: S101  (types are checked when loading)
        return value

    def integer(self, name: str) -> int:
        """A whole-number parameter (an age, a count)."""
        value = self.require(name).value
        assert isinstance(value, int)  # noqa: S101  (types are checked when loading)
        return value

    def flag(self, name: str) -> bool:
        """A yes/no parameter (whether a rule applies)."""
        value = self.require(name).value
        assert isinstance(value, bool)  # noqa: S101  (types are checked when loading)
        return value

    def unconfirmed_values(self, names: Iterable[str]) -> tuple[str, ...]:
        """Which of the values ``names`` (used by a decision) nobody confirmed, sorted.

        A value is unconfirmed when its row is an estimate; after the covered period
        every value is, and :data:`BEYOND_COVERAGE` says why.
        """
        out = {name for name in names if self.parameters[name].estimate or self.unconfirmed}
        if self.unconfirmed:
            out.add(BEYOND_COVERAGE)
        return tuple(sorted(out))

    def billing_code(self, session: SessionFacts) -> str | None:
        """The user's billing code for ``session`` (the most specific row), or ``None``."""
        best: BillingCode | None = None
        for row in self.billing_codes:
            if row.matches(session) and (best is None or row.specificity >= best.specificity):
                best = row
        return None if best is None else best.code

    def kinds(self) -> tuple[Kind, ...]:
        """Every (function, setting) of the rule set, in table order."""
        return tuple(kind for rule in self.functions for kind in all_kinds(rule.function))

    def values(self) -> tuple[RuleValue, ...]:
        """Every value in force, each with its validity period and provenance."""
        first, last = self.coverage
        cov = self.coverage_source
        out = [
            RuleValue(name="coverage.start", value=first, start=first, end=last, source=cov),
            RuleValue(name="coverage.end", value=last, start=first, end=last, source=cov),
        ]
        # Structure of the rule set: valid over the rule set's own period.
        structure: list[tuple[str, object, Source, Label | None]] = [
            ("ruleset", self.id, self.source, None),
            ("window.policy", self.window.policy, self.window.source, None),
            ("window.months", self.window.months, self.window.source, None),
        ]
        structure += [
            (
                f"function.{r.function.value}.requires_assessment",
                r.requires_assessment,
                r.source,
                r.label,
            )
            for r in self.functions
        ]
        structure += [
            (f"limit.{limit.id}.{network.value}", maximum, limit.source, limit.label)
            for limit in self.limits
            for network, maximum in limit.maxima
        ]
        structure += [
            (f"target.{target.id}.{network.value}", average, target.source, target.label)
            for target in self.targets
            for network, average in target.averages
        ]
        structure += [
            (
                f"combination.{c.kind.code}.excluded_by",
                frozenset(k.code for k in c.excluded_by),
                c.source,
                None,
            )
            for c in self.combinations
        ]
        structure += [
            (f"counts_as.{e.kind.code}", e.as_kind.code, e.source, None) for e in self.counts_as
        ]
        out += [
            RuleValue(
                name=name, value=value, start=self.start, end=self.end, source=source, label=label
            )
            for name, value, source, label in structure
        ]
        out += [
            p.rule_value(p.label or self.labels.get(f"value.{name}"))
            for name, p in sorted(self.parameters.items())
        ]
        return tuple(out)


@final
@attrs.frozen
class DatedWindow:
    """The window of each rule set, chosen by the date of the session being judged."""

    policy_on: Callable[[dt.date], WindowPolicy]

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """First date of the window of the rules in force on ``on``."""
        return self.policy_on(on).first_day(on, earlier)

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """First date whose window no longer holds ``day``."""
        candidate = self.policy_on(day).leaves_on(day, earlier)
        while self.first_day(candidate, earlier) <= day:
            candidate += ONE_DAY
        return candidate

    def tracker(self) -> WindowTracker:
        """The incremental form: a tracker of each policy met, fed every date."""
        return _DatedTracker(self.policy_on)


@final
class _DatedTracker:
    """One tracker per policy asked for; a policy first met later is fed the dates so far."""

    __slots__ = ("_dates", "_policy_on", "_trackers")

    def __init__(self, policy_on: Callable[[dt.date], WindowPolicy]) -> None:
        self._policy_on = policy_on
        self._dates: list[dt.date] = []
        self._trackers: dict[WindowPolicy, WindowTracker] = {}

    def _tracker(self, on: dt.date) -> WindowTracker:
        policy = self._policy_on(on)
        tracker = self._trackers.get(policy)
        if tracker is None:
            tracker = self._trackers[policy] = track(policy)
            for day in self._dates:
                tracker.add(day)
        return tracker

    def add(self, day: dt.date) -> None:
        self._dates.append(day)
        for tracker in self._trackers.values():
            tracker.add(day)

    def first_day(self, on: dt.date) -> dt.date:
        return self._tracker(on).first_day(on)

    def leaves_on(self, day: dt.date) -> dt.date:
        # As DatedWindow.leaves_on: a later policy may keep ``day`` in its window longer.
        candidate = self._tracker(day).leaves_on(day)
        while self.first_day(candidate) <= day:
            candidate += ONE_DAY
        return candidate


def collect_labels(
    rulesets: Iterable[RulesetDef], parameters: Iterable[Parameter]
) -> dict[str, Label]:
    """The labels of every function, limit, target and value, later rows winning."""
    labels: dict[str, Label] = {}
    for definition in sorted(rulesets, key=lambda r: r.start):
        labels.update((f"function.{r.function.value}", r.label) for r in definition.functions)
        labels.update((f"limit.{r.id}", r.label) for r in definition.limits)
        labels.update((f"target.{r.id}", r.label) for r in definition.targets)
    for param in sorted(parameters, key=lambda p: p.start):
        if param.label is not None:
            labels[f"value.{param.name}"] = param.label
    return labels
