"""The accepted sessions of one patient in the current window, kept incrementally.

``assess`` fills a tally once from the history (after one sort); ``assess_history``
keeps one tally for the whole history and moves the window forward, so that no
session is ever re-scanned: each enters once and leaves once.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections import Counter, deque
from collections.abc import Iterable, Sequence

from inami_ppl.model import Function, Kind, Modality, Network, Session, Setting
from inami_ppl.periods import WindowPolicy, track


class Tally:
    """Counts of the accepted sessions in the window ending on the current date.

    Sessions must be added in date order. The video rule looks at every earlier
    accepted session, not only those in the window, so it is tracked apart.
    """

    __slots__ = (
        "_assessed",
        "_by_kind",
        "_dates",
        "_day",
        "_day_count",
        "_individual",
        "_networks",
        "_no_provider_in_person",
        "_providers_in_person",
        "_tracker",
        "_window",
        "policy",
    )

    def __init__(self, policy: WindowPolicy) -> None:
        """Start an empty tally that uses ``policy`` for the window."""
        self.policy = policy
        self._tracker = track(policy)
        self._window: deque[Session] = deque()
        self._dates: list[dt.date] = []  # every accepted date, for the policy
        self._by_kind: dict[Kind, deque[dt.date]] = {}
        self._networks: Counter[Network] = Counter()
        self._assessed: Counter[Function] = Counter()
        self._individual = 0
        self._day: dt.date | None = None
        self._day_count = 0
        self._no_provider_in_person = False
        self._providers_in_person: set[str] = set()

    @classmethod
    def of(cls, policy: WindowPolicy, history: Iterable[Session], on: dt.date) -> Tally:
        """The tally of the sessions of ``history`` dated on or before ``on``."""
        tally = cls(policy)
        for session in sorted((s for s in history if s.date <= on), key=_date_key):
            tally.add(session)
        tally.move_to(on)
        return tally

    def add(self, session: Session) -> None:
        """Record an accepted session (dated on or after every earlier one)."""
        self._window.append(session)
        self._dates.append(session.date)
        self._tracker.add(session.date)
        self._by_kind.setdefault(session.kind, deque()).append(session.date)
        self._networks[session.network] += 1
        if session.functional_assessment:
            self._assessed[session.function] += 1
        if session.setting is Setting.INDIVIDUAL:
            self._individual += 1
        if not session.with_context:
            if self._day == session.date:
                self._day_count += 1
            else:
                self._day, self._day_count = session.date, 1
        if session.modality is not Modality.VIDEO:
            if session.provider is None:
                self._no_provider_in_person = True
            else:
                self._providers_in_person.add(session.provider)

    def move_to(self, on: dt.date) -> None:
        """Drop the sessions that are no longer in the window ending on ``on``."""
        first = self._tracker.first_day(on)
        window = self._window
        while window and window[0].date < first:
            session = window.popleft()
            self._by_kind[session.kind].popleft()
            self._networks[session.network] -= 1
            if session.functional_assessment:
                self._assessed[session.function] -= 1
            if session.setting is Setting.INDIVIDUAL:
                self._individual -= 1

    def first_day(self, on: dt.date) -> dt.date:
        """First date of the window ending on ``on``, by the policy over the dates added."""
        return self._tracker.first_day(on)

    def leaves_on(self, day: dt.date) -> dt.date:
        """First date whose window no longer holds ``day``: ``policy.leaves_on(day, dates)``."""
        return self._tracker.leaves_on(day)

    @property
    def dates(self) -> Sequence[dt.date]:
        """The dates of every accepted session so far, in order."""
        return self._dates

    def count(self, kind: Kind) -> int:
        """Accepted sessions of ``kind`` in the window."""
        dates = self._by_kind.get(kind)
        return len(dates) if dates else 0

    def kinds(self) -> list[Kind]:
        """The kinds with at least one accepted session in the window."""
        return [kind for kind, dates in self._by_kind.items() if dates]

    def kth_oldest(self, kinds: Iterable[Kind], k: int) -> dt.date:
        """The date of the ``k``-th oldest (1-based) session of ``kinds`` in the window."""
        merged = heapq.merge(*(self._by_kind.get(kind, ()) for kind in kinds))
        return next(itertools.islice(merged, k - 1, None))

    def networks(self) -> list[Network]:
        """The networks used by accepted sessions in the window."""
        return [network for network, n in self._networks.items() if n]

    def last_in(self, network: Network) -> dt.date:
        """The last date the window holds a session in ``network`` (which it must hold)."""
        return next(s.date for s in reversed(self._window) if s.network is network)

    def assessed(self, function: Function) -> bool:
        """Whether an accepted session of ``function`` in the window has the assessment."""
        return self._assessed[function] > 0

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
