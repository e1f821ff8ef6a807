"""Dates: age in completed years and the 12-month window (rules §2, §4).

The window is a policy chosen by name in the rule tables (``[window] policy``), so
that another anchoring is a data change: the quota and eligibility code only ever
asks a policy which dates are in the window.

A policy answers from the list of accepted dates it is given; its tracker
(:func:`track`) is fed the dates one by one, in order, and answers the same
questions without reading them again, so that a history is judged in one pass.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Protocol, cast, final

import attrs
from dateutil.relativedelta import relativedelta

from inami_ppl._validate import check_date
from inami_ppl.errors import InvalidInputError

__all__ = [
    "EpisodeWindow",
    "TrailingWindow",
    "WindowPolicy",
    "WindowTracker",
    "add_months",
    "age_on",
    "track",
]

ONE_DAY = dt.timedelta(days=1)


@functools.lru_cache(maxsize=1 << 16)
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic clamped to the month's end (``dateutil`` convention).

    Cached: a claims file asks for the same few thousand dates over and over.

    >>> add_months(dt.date(2024, 2, 29), -12)
    datetime.date(2023, 2, 28)
    """
    result: dt.date = day + relativedelta(months=months)
    return result


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age in completed years on ``on`` (rules §2, [A]).

    Someone born on 29 February turns a year older on 28 February in common years.

    >>> age_on(dt.date(2000, 2, 29), dt.date(2024, 2, 28)), age_on(dt.date(2000, 2, 29),
    ...                                                             dt.date(2023, 2, 28))
    (23, 23)

    Raises:
        InvalidInputError: a value is not a ``date``, or ``birth_date`` is after ``on``.

    """
    check_date("birth_date", birth_date)
    check_date("on", on)
    if birth_date > on:
        raise InvalidInputError("birth_date", birth_date, f"a date on or before {on.isoformat()}")
    return completed_years(birth_date, on)


def completed_years(birth_date: dt.date, on: dt.date) -> int:
    """Completed years from ``birth_date`` to ``on`` (not before it), as ``relativedelta``.

    The birthday in a year is the birth day clamped to that month's end, so that
    someone born on 29 February has a birthday on 28 February in common years.

    >>> completed_years(dt.date(2000, 2, 29), dt.date(2023, 2, 28))
    23
    """
    years = on.year - birth_date.year
    if (on.month, on.day) < _birth_day_in(birth_date, on.year):
        years -= 1
    return years


def _birth_day_in(birth_date: dt.date, year: int) -> tuple[int, int]:
    """(month, day) of the birthday in ``year``: 29 February is 28 February in common years."""
    month, day = birth_date.month, birth_date.day
    if month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return month, day


def age_until(birth_date: dt.date, on: dt.date) -> tuple[int, dt.date]:
    """The age on ``on`` (:func:`completed_years`) and the first date of the next age.

    The age holds for every date from ``on`` up to the day before that birthday, so a
    caller that takes dates in order computes it once a year.

    >>> age_until(dt.date(2000, 2, 29), dt.date(2023, 1, 10))
    (22, datetime.date(2023, 2, 28))
    """
    years = completed_years(birth_date, on)
    year = birth_date.year + years + 1
    if year > dt.MAXYEAR:
        return years, dt.date.max  # no later date: the age holds to the end of the calendar
    return years, dt.date(year, *_birth_day_in(birth_date, year))


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The date on which someone born on ``birth_date`` reaches ``age``."""
    return add_months(birth_date, 12 * age)


class WindowPolicy(Protocol):
    """Which accepted sessions count for a session on a given date.

    ``earlier`` is the sorted list of the dates of the accepted sessions on or before
    ``on``. For a fixed history, :meth:`first_day` never decreases when ``on`` grows.
    """

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """First date (inclusive) of the window that ends on ``on``."""
        ...  # pragma: no cover

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """First session date whose window no longer holds a session dated ``day``."""
        ...  # pragma: no cover


class WindowTracker(Protocol):
    """A window policy fed the accepted dates in order, answering without re-reading them.

    After ``add`` of the dates ``d1 <= d2 <= ...``, :meth:`first_day` and
    :meth:`leaves_on` answer what the policy answers with ``earlier = [d1, d2, ...]``.
    """

    def add(self, day: dt.date) -> None:
        """Record an accepted date, on or after every date recorded before."""
        ...  # pragma: no cover

    def first_day(self, on: dt.date) -> dt.date:
        """First date (inclusive) of the window that ends on ``on``."""
        ...  # pragma: no cover

    def leaves_on(self, day: dt.date) -> dt.date:
        """First session date whose window no longer holds a session dated ``day``."""
        ...  # pragma: no cover


class _Tracked(Protocol):
    def tracker(self) -> WindowTracker: ...  # pragma: no cover


def track(policy: WindowPolicy) -> WindowTracker:
    """A tracker of ``policy``: its own incremental form, or one that asks it every time.

    >>> tracker = track(EpisodeWindow(12))
    >>> tracker.add(dt.date(2024, 1, 10))
    >>> tracker.first_day(dt.date(2024, 12, 31)), tracker.leaves_on(dt.date(2024, 1, 10))
    (datetime.date(2024, 1, 10), datetime.date(2025, 1, 10))
    """
    # Asked once per patient of a claims file: a plain attribute lookup, since a check
    # against a runtime protocol costs more than judging a session.
    if getattr(policy, "tracker", None) is None:
        return _Rescanning(policy)
    return cast("_Tracked", policy).tracker()


class _Rescanning:
    """The tracker of a policy with no incremental form: it keeps the dates and asks."""

    __slots__ = ("_dates", "_policy")

    def __init__(self, policy: WindowPolicy) -> None:
        self._policy = policy
        self._dates: list[dt.date] = []

    def add(self, day: dt.date) -> None:
        self._dates.append(day)

    def first_day(self, on: dt.date) -> dt.date:
        return self._policy.first_day(on, self._dates)

    def leaves_on(self, day: dt.date) -> dt.date:
        return self._policy.leaves_on(day, self._dates)


@final
@attrs.frozen
class TrailingWindow:
    """Every session is checked against its own trailing months (rules §4, [A]).

    For a session on ``D`` the window holds every ``t`` with ``D - months < t <= D``.

    >>> TrailingWindow(12).first_day(dt.date(2024, 2, 29), [])
    datetime.date(2023, 3, 1)
    """

    months: int = 12

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """First date of the window ending on ``on``."""
        return add_months(on, -self.months) + ONE_DAY

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """First date whose window no longer holds ``day``.

        >>> TrailingWindow(12).leaves_on(dt.date(2024, 2, 29), [])
        datetime.date(2025, 3, 1)
        """
        candidate = add_months(day, self.months)
        # Clamping to the month's end can keep ``day`` in the window one day longer.
        while self.first_day(candidate, earlier) <= day:
            candidate += ONE_DAY
        return candidate

    def tracker(self) -> WindowTracker:
        """The incremental form: the window depends on the date alone."""
        return _TrailingTracker(self)


@final
class _TrailingTracker:
    __slots__ = ("_policy",)

    def __init__(self, policy: TrailingWindow) -> None:
        self._policy = policy

    def add(self, day: dt.date) -> None:
        """Nothing to record: the trailing window ignores the earlier sessions."""

    def first_day(self, on: dt.date) -> dt.date:
        return _trailing_first_day(self._policy.months, on)

    def leaves_on(self, day: dt.date) -> dt.date:
        return self._policy.leaves_on(day, ())


@functools.lru_cache(maxsize=1 << 16)
def _trailing_first_day(months: int, on: dt.date) -> dt.date:
    """``TrailingWindow(months).first_day(on)``, asked for every session: remembered."""
    return TrailingWindow(months).first_day(on, ())


@final
@attrs.frozen
class EpisodeWindow:
    """A window opened by the first session of an episode and lasting ``months``.

    The next accepted session after an episode's end opens a new one. An alternative
    reading of "per period of 12 months" (rules §4), selectable with
    ``policy = "episode"`` in the rule tables.

    >>> EpisodeWindow(12).first_day(dt.date(2025, 3, 1), [dt.date(2024, 1, 10)])
    datetime.date(2025, 3, 1)
    """

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
        """First date of the episode that holds ``on``."""
        return self._opening(on, earlier)

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        """The end of the episode that holds ``day``."""
        return add_months(self._opening(day, earlier), self.months)

    def tracker(self) -> WindowTracker:
        """The incremental form: it records the opening and the end of each episode."""
        return _EpisodeTracker(self.months)


@final
class _EpisodeTracker:
    """The episodes of the dates added so far; each question is a bisection over them."""

    __slots__ = ("_ends", "_last", "_months", "_openings")

    def __init__(self, months: int) -> None:
        self._months = months
        self._openings: list[dt.date] = []
        self._ends: list[dt.date] = []
        self._last = dt.date.min

    def add(self, day: dt.date) -> None:
        if day < self._last:
            raise InvalidInputError("day", day, f"a date on or after {self._last.isoformat()}")
        self._last = day
        if not self._ends or day >= self._ends[-1]:
            self._openings.append(day)
            self._ends.append(add_months(day, self._months))

    def first_day(self, on: dt.date) -> dt.date:
        # The last episode opened on or before ``on``; ``on`` itself when it has ended.
        i = bisect.bisect_right(self._openings, on) - 1
        return self._openings[i] if i >= 0 and on < self._ends[i] else on

    def leaves_on(self, day: dt.date) -> dt.date:
        return add_months(self.first_day(day), self._months)


POLICIES: dict[str, type[TrailingWindow] | type[EpisodeWindow]] = {
    "trailing": TrailingWindow,
    "episode": EpisodeWindow,
}


def window_policy(name: str, months: int) -> WindowPolicy:
    """Build the policy named in the rule tables."""
    if name not in POLICIES:
        raise InvalidInputError("window.policy", name, f"one of {', '.join(sorted(POLICIES))}")
    return POLICIES[name](months)
