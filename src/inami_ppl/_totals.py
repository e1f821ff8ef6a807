"""Totals over assessed claims: the figures, and the counter that keeps them row by row.

Part of :mod:`inami_ppl.analytics`, which exports everything public here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Final, final

import attrs

from inami_ppl._validate import check_iterable
from inami_ppl.claims import Claim
from inami_ppl.decision import Assessment
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Setting

__all__ = ["Counts", "Totals", "TotalsCounter", "checked_claims", "totals"]

_ZERO: Final = Decimal("0.00")


@final
@attrs.frozen(kw_only=True)
class Totals:
    """Counts and amounts over a set of claims.

    ``refused_by_reason`` counts each reason code of the refused sessions (a session
    refused for two reasons counts under both). ``invalid`` counts malformed rows.
    ``patients`` counts the distinct patients with at least one assessed session.
    Fees and insurer shares cover accepted individual sessions; accepted group
    sessions are counted in ``group_sessions``, without a fee (a claims file does not
    say who facilitated a group: see :mod:`inami_ppl.analytics`).
    ``unconfirmed`` counts the decisions that used a value nobody confirmed (an
    estimate, or the rules after the covered period); ``unconfirmed_values`` counts
    them by value name (a decision that used two counts under both).
    """

    sessions: int = 0
    accepted: int = 0
    refused: int = 0
    invalid: int = 0
    refused_by_reason: tuple[tuple[str, int], ...] = ()
    patients: int = 0
    patient_share: Decimal = _ZERO
    practitioner_fee: Decimal = _ZERO
    insurer_share: Decimal = _ZERO
    group_sessions: int = 0
    unconfirmed: int = 0
    unconfirmed_values: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """A flat, JSON-ready form (amounts as text, reasons as ``{code: count}``)."""
        return {
            "sessions": self.sessions,
            "accepted": self.accepted,
            "refused": self.refused,
            "invalid": self.invalid,
            "refused_by_reason": dict(self.refused_by_reason),
            "patients": self.patients,
            "patient_share": str(self.patient_share),
            "practitioner_fee": str(self.practitioner_fee),
            "insurer_share": str(self.insurer_share),
            "group_sessions": self.group_sessions,
            "unconfirmed": self.unconfirmed,
            "unconfirmed_values": dict(self.unconfirmed_values),
        }


class Counts:
    """Accumulates the figures of :class:`Totals` claim by claim."""

    __slots__ = (
        "accepted",
        "fee",
        "groups",
        "insurer",
        "invalid",
        "patients",
        "reasons",
        "refused",
        "share",
        "unconfirmed",
        "unconfirmed_values",
    )

    def __init__(self) -> None:
        self.accepted = self.refused = self.invalid = self.groups = 0
        self.reasons: Counter[str] = Counter()
        self.patients: set[str] = set()
        self.share = self.fee = self.insurer = _ZERO
        self.unconfirmed = 0
        self.unconfirmed_values: Counter[str] = Counter()

    def add(self, claim: Claim) -> None:
        a = claim.assessment
        if a is None:
            self.invalid += 1
            return
        self.add_assessment(claim.patient_id or "", a)  # an assessed row always has an id

    def add_assessment(self, patient_id: str | None, a: Assessment, times: int = 1) -> None:
        if patient_id is not None:
            self.patients.add(patient_id)
        if a.unconfirmed:
            self.unconfirmed += times
            for name in a.unconfirmed_values:
                self.unconfirmed_values[name] += times
        if not a.allowed:
            self.refused += times
            for code in a.codes:
                self.reasons[code] += times
            return
        self.accepted += times
        self.share += (a.patient_share or _ZERO) * times
        if a.session.setting is Setting.GROUP:
            self.groups += times
        else:
            self.fee += (a.practitioner_fee or _ZERO) * times
            self.insurer += (a.insurer_share or _ZERO) * times

    def merge(self, other: Counts) -> None:
        self.accepted += other.accepted
        self.refused += other.refused
        self.invalid += other.invalid
        self.groups += other.groups
        self.reasons.update(other.reasons)
        self.patients |= other.patients
        self.share += other.share
        self.fee += other.fee
        self.insurer += other.insurer
        self.unconfirmed += other.unconfirmed
        self.unconfirmed_values.update(other.unconfirmed_values)

    def totals(self) -> Totals:
        return Totals(
            sessions=self.accepted + self.refused,
            accepted=self.accepted,
            refused=self.refused,
            invalid=self.invalid,
            refused_by_reason=tuple(sorted(self.reasons.items())),
            patients=len(self.patients),
            patient_share=self.share,
            practitioner_fee=self.fee,
            insurer_share=self.insurer,
            group_sessions=self.groups,
            unconfirmed=self.unconfirmed,
            unconfirmed_values=tuple(sorted(self.unconfirmed_values.items())),
        )


class TotalsCounter:
    """Totals kept up to date claim by claim, for a stream that is written as it is read.

    >>> counter = TotalsCounter()
    >>> counter.totals().sessions
    0
    """

    def __init__(self) -> None:
        """Start from zero."""
        self._counter = Counts()

    def add(self, claim: Claim) -> None:
        """Count one claim."""
        self._counter.add(claim)

    def add_assessment(
        self, patient_id: str | None, assessment: Assessment, *, times: int = 1
    ) -> None:
        """Count ``times`` assessed rows of patient ``patient_id`` with the same assessment.

        What :meth:`add` does for the claim of each row. ``patient_id`` may be ``None``
        when the patient is counted apart, with :meth:`add_patient`.

        >>> import datetime as dt
        >>> from inami_ppl import Patient, Session, assess
        >>> s = Session(date=dt.date(2024, 5, 2), network="adults", function="support",
        ...             setting="group")
        >>> counter = TotalsCounter()
        >>> decision = assess(Patient(birth_date=dt.date(1980, 1, 1)), [], s)
        >>> counter.add_assessment(None, decision, times=3)
        >>> counter.add_patient("a")
        >>> t = counter.totals()
        >>> t.sessions, t.accepted, t.group_sessions, t.patients
        (3, 3, 3, 1)
        """
        if type(times) is not int or times < 1:  # a bool is not a count
            raise InvalidInputError("times", times, "a count of 1 or more")
        self._counter.add_assessment(patient_id, assessment, times)

    def add_patient(self, patient_id: str) -> None:
        """Count ``patient_id`` among the patients (once, however often it is added)."""
        self._counter.patients.add(patient_id)

    def merge(self, other: TotalsCounter) -> None:
        """Add what ``other`` counted, as if its claims had been added here.

        A patient counted by both counts once, so that parts of a file counted apart
        (in several processes) give the totals of the whole file.

        >>> import io
        >>> from inami_ppl.claims import assess_file
        >>> text = '''patient_id,birth_date,date,network,function,setting
        ... a,1980-06-15,2024-05-06,adults,support,individual
        ... a,1980-06-15,2024-05-13,adults,support,individual
        ... '''
        >>> first, second = TotalsCounter(), TotalsCounter()
        >>> claims = list(assess_file(io.StringIO(text)))
        >>> first.add(claims[0]); second.add(claims[1]); first.merge(second)
        >>> first.totals().sessions, first.totals().patients
        (2, 1)
        """
        self._counter.merge(other._counter)

    def totals(self) -> Totals:
        """The totals so far."""
        return self._counter.totals()


def checked_claims(claims: object) -> Iterator[Claim]:
    """The claims of ``claims``, each checked to be a :class:`Claim`."""
    for claim in check_iterable("claims", claims, "an iterable of Claim"):
        if not isinstance(claim, Claim):
            raise InvalidInputError("claims", claim, "Claim values (from inami_ppl.claims)")
        yield claim


def totals(claims: Iterable[Claim]) -> Totals:
    """The totals of ``claims`` (see :class:`Totals`)."""
    counter = Counts()
    for claim in checked_claims(claims):
        counter.add(claim)
    return counter.totals()
