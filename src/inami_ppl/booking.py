"""Bookings ahead: may a session be booked, and which booked sessions would it push out.

Practice software books sessions weeks ahead. A session booked between two others
can be acceptable itself and still make a later booked session break a maximum:
:func:`check_booking` answers both questions at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, final

import attrs

from inami_ppl.assess import assess_history, checked_patient, checked_session, checked_sessions
from inami_ppl.decision import Assessment
from inami_ppl.model import Patient, Session
from inami_ppl.rulesets import Rules, resolve_rules

__all__ = ["BookingCheck", "check_booking"]


@final
@attrs.frozen(kw_only=True)
class BookingCheck:
    """The answer of :func:`check_booking`.

    ``assessment`` is the decision on the candidate, judged against the history and
    the booked sessions before it. ``displaced`` holds, in date order, the decisions
    on the booked sessions that were acceptable without the candidate and are not
    with it, each with the refusal it would get.
    """

    assessment: Assessment
    displaced: tuple[Assessment, ...]

    @property
    def fits(self) -> bool:
        """Whether the candidate is accepted and pushes no booked session out."""
        return self.assessment.allowed and not self.displaced

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the decisions in the form of :meth:`Assessment.to_dict`."""
        return {
            "assessment": self.assessment.to_dict(),
            "displaced": [decision.to_dict() for decision in self.displaced],
        }


def _by_position(
    patient: Patient, sessions: Sequence[Session], rules: Rules, *, accept_unconfirmed: bool
) -> dict[int, Assessment]:
    """The decisions of :func:`assess_history` keyed by each session's input position."""
    decisions = assess_history(
        patient, sessions, rules=rules, accept_unconfirmed=accept_unconfirmed
    )
    # assess_history sorts by date and keeps the input order within a date.
    order = sorted(range(len(sessions)), key=lambda i: sessions[i].date)
    return dict(zip(order, decisions, strict=True))


def check_booking(
    patient: Patient,
    history: Iterable[Session],
    booked: Iterable[Session],
    candidate: Session,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> BookingCheck:
    """Would ``candidate`` be accepted, and which ``booked`` sessions would it push out.

    ``history`` holds the patient's accepted past sessions, ``booked`` the sessions
    already booked after them. Every session is judged in date order against those
    accepted before it (the candidate after the booked sessions of its own date).
    A booked session is displaced when it is accepted without the candidate and
    refused with it.

    >>> import datetime as dt
    >>> from inami_ppl import Patient, Session
    >>> def support(day):
    ...     return Session(date=day, network="adults", function="support",
    ...                    setting="individual")
    >>> first = dt.date(2024, 5, 6)
    >>> booked = [support(first + dt.timedelta(weeks=2 * i)) for i in range(8)]
    >>> answer = check_booking(Patient(birth_date=dt.date(1980, 1, 1)), [], booked,
    ...                        support(dt.date(2024, 5, 13)))
    >>> answer.assessment.allowed, answer.fits
    (True, False)
    >>> [(a.session.date.isoformat(), a.codes) for a in answer.displaced]
    [('2024-08-12', ('quota.exceeded',))]

    Raises:
        InvalidInputError: a value has the wrong type, or the birth date is after a
            session.
        OutOfCoverageError: a session is outside the period the rules cover.

    """
    rules = resolve_rules(rules)
    patient = checked_patient(patient)
    past = checked_sessions("history", history, rules)
    ahead = checked_sessions("booked", booked, rules)
    candidate = checked_session("candidate", candidate)
    without = [*past, *ahead]
    before = _by_position(patient, without, rules, accept_unconfirmed=accept_unconfirmed)
    after = _by_position(
        patient, [*without, candidate], rules, accept_unconfirmed=accept_unconfirmed
    )
    displaced = tuple(
        decision
        for position, decision in after.items()
        if position >= len(past)
        and position < len(without)
        and before[position].allowed
        and not decision.allowed
    )
    return BookingCheck(assessment=after[len(without)], displaced=displaced)
