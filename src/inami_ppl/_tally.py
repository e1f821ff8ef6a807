"""The accepted sessions of one patient in the current window, kept incrementally.

``assess`` fills a tally once from the history (after one sort); ``assess_history``
keeps one tally for the whole history and moves the window forward, so that no
session is ever re-scanned: each enters once and leaves once (under rules whose window
policy changes, a later window may start earlier and take sessions back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from inami_ppl.model import Function, Kind, Modality, Network, Session, SessionFacts, Setting
from inami_ppl.periods import WindowPolicy, track


class Tally:
    """Counts of the accepted sessions in the window ending on the current date.

    Sessions must be added in date order. The video rule looks at every earlier
    accepted session, not only those in the window, so it is tracked apart.
    """

    __slots__ = (
        "_assessed",
        "_by_kind",
        "_day",
        "_day_count",
        "_individual",
        "_last_in",
        "_no_provider_in_person",
        "_providers_in_person",
        "_sessions",
        "_start",
        "_tracker",
        "counts",
        "network_counts",
        "policy",
    )

    def __init__(self, policy: WindowPolicy) -> None:
        """Start an empty tally that uses ``policy`` for the window."""
        self.policy = policy
        self._tracker = track(policy)
        # Every accepted session, in order; the window is those from ``_start`` on.
        self._sessions: list[SessionFacts] = []
        self._start = 0
        # The dates of each kind since the first one still in the window (``_KindDates``).
        self._by_kind: dict[Kind, _KindDates] = {}
        # How many accepted sessions of each kind and each network the window holds (read for
        # every decision, by the plans).
        self.counts: dict[Kind, int] = {}
        self.network_counts: dict[Network, int] = {}
        self._last_in: dict[Network, dt.date] = {}
        self._assessed: dict[Function, int] = {}
        self._individual = 0
        self._day: dt.date | None = None
        self._day_count = 0
        self._no_provider_in_person = False
        self._providers_in_person: set[str] = set()

    @classmethod
    def of(cls, policy: WindowPolicy, history: Iterable[Session], on: dt.date) -> Tally:
        """The tally of the sessions of ``history`` dated on or before ``on``.

        The same as adding each session in date order and moving to ``on``; but the
        sessions before the window of ``on`` are only noted (the window's policy and the
        video rule read them), never counted in and out: a history of years costs little
        more than its last window.
        """
        ordered = sorted((s for s in history if s.date <= on), key=_date_key)
        probe = track(policy)  # the window of ``on`` is known once every date is
        for session in ordered:
            probe.add(session.date)
        first = probe.first_day(on)
        tally = cls(policy)
        for session in ordered:
            if session.date < first:
                tally._before(session)
            else:
                tally.add(session)
        return tally

    def add(self, session: SessionFacts) -> None:
        """Record an accepted session (dated on or after every earlier one)."""
        kind, network = session.kind, session.network
        self._note(session)
        counts = self.counts
        counts[kind] = counts.get(kind, 0) + 1
        networks = self.network_counts
        networks[network] = networks.get(network, 0) + 1
        if session.functional_assessment:
            assessed = self._assessed
            assessed[session.function] = assessed.get(session.function, 0) + 1
        if session.setting is Setting.INDIVIDUAL:
            self._individual += 1

    def _before(self, session: SessionFacts) -> None:
        """Note a session before the window, as if it were added and then moved out.

        Only while no session of the window has been added: the window starts after it.
        """
        self._note(session)
        self._by_kind[session.kind].move_first(1)
        self.counts.setdefault(session.kind, 0)
        self.network_counts.setdefault(session.network, 0)
        if session.functional_assessment:
            self._assessed.setdefault(session.function, 0)
        self._start += 1

    def _note(self, session: SessionFacts) -> None:
        """What any accepted session leaves, in the window or not.

        Its date (for the window's policy and among the dates of its kind), the last date
        of its network, the count of sessions of its day, and whether it was in person.
        """
        day = session.date
        self._sessions.append(session)
        self._tracker.add(day)
        dates = self._by_kind.get(session.kind)
        if dates is None:
            dates = self._by_kind[session.kind] = _KindDates()
        dates.days.append(day)
        self._last_in[session.network] = day
        if not session.with_context:
            if self._day == day:
                self._day_count += 1
            else:
                self._day, self._day_count = day, 1
        if session.modality is not Modality.VIDEO:
            if session.provider is None:
                self._no_provider_in_person = True
            else:
                self._providers_in_person.add(session.provider)

    def move_to(self, on: dt.date) -> None:
        """Make the window the one ending on ``on``: drop the sessions before it.

        Under rules whose window policy changes with the date, the window of a later
        date can start before the window of an earlier one: the sessions it holds again
        are counted again.
        """
        first = self._tracker.first_day(on)
        sessions, start = self._sessions, self._start
        while start < len(sessions) and sessions[start].date < first:
            self._count(sessions[start], -1)
            start += 1
        while start > 0 and sessions[start - 1].date >= first:
            start -= 1
            self._count(sessions[start], 1)
        self._start = start

    def _count(self, session: SessionFacts, step: int) -> None:
        """Count a session that leaves the window (``-1``) or comes back into it (``1``)."""
        self._by_kind[session.kind].move_first(-step)
        self.counts[session.kind] += step
        self.network_counts[session.network] += step
        if session.functional_assessment:
            self._assessed[session.function] += step
        if session.setting is Setting.INDIVIDUAL:
            self._individual += step

    def first_day(self, on: dt.date) -> dt.date:
        """First date of the window ending on ``on``, by the policy over the dates added."""
        return self._tracker.first_day(on)

    def leaves_on(self, day: dt.date) -> dt.date:
        """First date whose window no longer holds ``day``: ``policy.leaves_on(day, dates)``."""
        return self._tracker.leaves_on(day)

    @property
    def dates(self) -> Sequence[dt.date]:
        """The dates of every accepted session so far, in order."""
        return [session.date for session in self._sessions]

    def count(self, kind: Kind) -> int:
        """Accepted sessions of ``kind`` in the window."""
        return self.counts.get(kind, 0)

    def count_all(self, kinds: Iterable[Kind]) -> int:
        """Accepted sessions of any of ``kinds`` in the window."""
        get = self.counts.get
        total = 0
        for kind in kinds:
            total += get(kind, 0)
        return total

    def kinds(self) -> list[Kind]:
        """The kinds with at least one accepted session in the window."""
        return [kind for kind, count in self.counts.items() if count]

    def kth_oldest(self, kinds: Iterable[Kind], k: int) -> dt.date:
        """The date of the ``k``-th oldest (1-based) session of ``kinds`` in the window.

        The window must hold at least ``k`` of them. It is among the ``k`` oldest of
        each kind: those few are sorted, so the cost does not grow with the window.
        """
        held = [dates for kind in kinds if (dates := self._by_kind.get(kind))]
        if len(held) == 1:
            return held[0].at(k - 1)
        if k == sum(len(dates) for dates in held):
            return max(dates.at(-1) for dates in held)
        return sorted(day for dates in held for day in dates.oldest(k))[k - 1]

    def networks(self) -> list[Network]:
        """The networks used by accepted sessions in the window."""
        return [network for network, n in self.network_counts.items() if n]

    def last_in(self, network: Network) -> dt.date:
        """The last date the window holds a session in ``network`` (which it must hold)."""
        # The window holds the latest sessions: the last one added in ``network`` is in it.
        return self._last_in[network]

    def assessed(self, function: Function) -> bool:
        """Whether an accepted session of ``function`` in the window has the assessment."""
        return self._assessed.get(function, 0) > 0

    def individual_sessions(self) -> int:
        """Accepted individual sessions (any function) in the window."""
        return self._individual

    def sessions_on(self, day: dt.date) -> int:
        """Accepted sessions without the context on ``day`` (the window's last date)."""
        return self._day_count if self._day == day else 0

    def in_person_before(self, provider: str | None) -> bool:
        """Whether an accepted non-video session exists (same provider when both have one)."""
        if provider is None:
            return self._no_provider_in_person or bool(self._providers_in_person)
        return self._no_provider_in_person or provider in self._providers_in_person


def _date_key(session: Session) -> dt.date:
    return session.date


class _KindDates:
    """The dates of one kind, in order, and the index of the first one in the window.

    Dropping the first date (or taking it back) moves the index.
    """

    __slots__ = ("_first", "days")

    def __init__(self) -> None:
        #: Every date of the kind, in order (the tally appends to it).
        self.days: list[dt.date] = []
        self._first = 0

    def __len__(self) -> int:
        return len(self.days) - self._first

    def move_first(self, step: int) -> None:
        """Drop the first date of the window (``1``), or take the one before back (``-1``)."""
        self._first += step

    def at(self, i: int) -> dt.date:
        """The ``i``-th date of the window (``-1``: the last)."""
        return self.days[i if i < 0 else self._first + i]

    def oldest(self, k: int) -> list[dt.date]:
        """The ``k`` oldest dates of the window (all of them when it holds fewer)."""
        return self.days[self._first : self._first + k]
