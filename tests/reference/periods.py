"""The window policies as first written: every question re-reads the earlier dates."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence

import attrs

from inami_ppl.periods import ONE_DAY, WindowPolicy, add_months
from inami_ppl.rulesets import Rules


@attrs.frozen
class TrailingWindow:
    months: int = 12

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        return add_months(on, -self.months) + ONE_DAY

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        candidate = add_months(day, self.months)
        while self.first_day(candidate, earlier) <= day:
            candidate += ONE_DAY
        return candidate


@attrs.frozen
class EpisodeWindow:
    months: int = 12

    def _opening(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        opening = on
        end = dt.date.min
        for day in earlier[: bisect.bisect_right(earlier, on)]:
            if day >= end:
                opening = day
                end = add_months(day, self.months)
        return opening if on < end else on

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        return self._opening(on, earlier)

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        return add_months(self._opening(day, earlier), self.months)


def window_policy(name: str, months: int) -> WindowPolicy:
    return TrailingWindow(months) if name == "trailing" else EpisodeWindow(months)


@attrs.frozen
class DatedWindow:
    policy_on: Callable[[dt.date], WindowPolicy]

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        return self.policy_on(on).first_day(on, earlier)

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        candidate = self.policy_on(day).leaves_on(day, earlier)
        while self.first_day(candidate, earlier) <= day:
            candidate += ONE_DAY
        return candidate


def policy_of(rules: Rules) -> WindowPolicy:
    """The window policy of ``rules``, built from the tables by the code above."""
    specs = {segment.window.code: segment.window for segment in rules._segments}
    if len(specs) == 1:
        (spec,) = specs.values()
        return window_policy(spec.policy, spec.months)

    def on(day: dt.date) -> WindowPolicy:
        clamped = min(max(day, rules.coverage_start), rules.coverage_end)
        spec = rules.at(clamped).window
        return window_policy(spec.policy, spec.months)

    return DatedWindow(on)
