"""Totals and averages over assessed claims, and what-if comparisons (for analysts).

Everything here reads :class:`~inami_ppl.claims.Claim` results (from
:func:`~inami_ppl.claims.assess_records` or :func:`~inami_ppl.claims.assess_file`)
and returns immutable values; :mod:`inami_ppl.frames` turns them into pandas tables.

Group fees are paid per facilitator per group session, and a claims file does not say
who facilitated a group: group sessions are counted (``group_sessions``) but never
given a fee, so fee and insurer totals cover individual sessions only.

>>> import io
>>> from inami_ppl.claims import assess_file
>>> text = '''patient_id,birth_date,date,network,function,setting
... a,1980-06-15,2024-05-06,adults,support,individual
... a,1980-06-15,2024-05-13,adults,support,individual
... b,1990-01-01,2024-05-06,adults,support,group
... '''
>>> t = totals(assess_file(io.StringIO(text)))
>>> t.accepted, t.patients, t.patient_share, t.practitioner_fee, t.insurer_share, t.group_sessions
(3, 2, Decimal('13.50'), Decimal('163.48'), Decimal('152.48'), 1)
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Final, Literal, final

import attrs

from inami_ppl._validate import check_iterable
from inami_ppl.claims import Claim, assess_file, assess_records
from inami_ppl.decision import Assessment
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Setting
from inami_ppl.rulesets import Rules, resolve_rules

__all__ = [
    "DIMENSIONS",
    "Average",
    "Summary",
    "Totals",
    "TotalsCounter",
    "WhatIf",
    "network_averages",
    "summarize",
    "totals",
    "what_if",
]

Dimension = Literal["network", "function", "setting", "month", "year", "ruleset"]
#: The dimensions :func:`summarize` can group by.
DIMENSIONS: Final[tuple[Dimension, ...]] = (
    "network",
    "function",
    "setting",
    "month",
    "year",
    "ruleset",
)
_ZERO: Final = Decimal("0.00")


@final
@attrs.frozen(kw_only=True)
class Totals:
    """Counts and amounts over a set of claims.

    ``refused_by_reason`` counts each reason code of the refused sessions (a session
    refused for two reasons counts under both). ``invalid`` counts malformed rows.
    ``patients`` counts the distinct patients with at least one assessed session.
    Fees and insurer shares cover accepted individual sessions; accepted group
    sessions are counted in ``group_sessions``, without a fee (see the module).
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


class _Counter:
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

    def merge(self, other: _Counter) -> None:
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
        self._counter = _Counter()

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


def _checked(claims: object) -> Iterator[Claim]:
    """The claims of ``claims``, each checked to be a :class:`Claim`."""
    for claim in check_iterable("claims", claims, "an iterable of Claim"):
        if not isinstance(claim, Claim):
            raise InvalidInputError("claims", claim, "Claim values (from inami_ppl.claims)")
        yield claim


def totals(claims: Iterable[Claim]) -> Totals:
    """The totals of ``claims`` (see :class:`Totals`)."""
    counter = _Counter()
    for claim in _checked(claims):
        counter.add(claim)
    return counter.totals()


@final
@attrs.frozen(kw_only=True)
class Summary:
    """Totals by group: ``rows`` pairs each key (one value per dimension) with its totals.

    Malformed rows have no network, function or date: they appear in ``total`` only.
    """

    by: tuple[Dimension, ...]
    rows: tuple[tuple[tuple[str, ...], Totals], ...]
    total: Totals

    def records(self) -> list[dict[str, object]]:
        """One flat mapping per group: the dimensions, then the figures of :class:`Totals`."""
        return [
            {**dict(zip(self.by, key, strict=True)), **figures.as_dict()}
            for key, figures in self.rows
        ]


def _key_part(claim: Claim, dimension: Dimension) -> str:
    a = claim.assessment
    assert a is not None  # noqa: S101  (only assessed claims are grouped)
    session = a.session
    if dimension == "network":
        return session.network.value
    if dimension == "function":
        return session.function.value
    if dimension == "setting":
        return session.setting.value
    if dimension == "month":
        return session.date.strftime("%Y-%m")
    if dimension == "year":
        return str(session.date.year)
    return a.ruleset


def summarize(
    claims: Iterable[Claim], by: Sequence[Dimension] = ("network", "function", "setting", "month")
) -> Summary:
    """Totals of ``claims`` grouped by ``by`` (any of :data:`DIMENSIONS`), keys sorted.

    >>> import io
    >>> from inami_ppl.claims import assess_file
    >>> text = '''patient_id,birth_date,date,network,function,setting
    ... a,1980-06-15,2023-05-08,adults,first_line,individual
    ... a,1980-06-15,2024-05-06,adults,support,individual
    ... '''
    >>> s = summarize(assess_file(io.StringIO(text)), by=["ruleset"])
    >>> [(key, t.accepted, t.practitioner_fee) for key, t in s.rows]
    [(('2021',), 1, Decimal('75.00')), (('2024',), 1, Decimal('81.74'))]

    Raises:
        InvalidInputError: an unknown dimension.

    """
    dims: list[Dimension] = []
    for dimension in check_iterable("by", by, "a list of dimensions"):
        if dimension not in DIMENSIONS:
            raise InvalidInputError("by", dimension, "one of " + ", ".join(DIMENSIONS))
        dims.append(dimension)
    groups: dict[tuple[str, ...], _Counter] = {}
    overall = _Counter()
    for claim in _checked(claims):
        overall.add(claim)
        if claim.assessment is None:
            continue
        key = tuple(_key_part(claim, dimension) for dimension in dims)
        counter = groups.get(key)
        if counter is None:
            counter = groups[key] = _Counter()
        counter.add(claim)
    rows = tuple((key, groups[key].totals()) for key in sorted(groups))
    return Summary(by=tuple(dims), rows=rows, total=overall.totals())


@final
@attrs.frozen(kw_only=True)
class Average:
    """The average number of sessions of a kind per patient in one network.

    Over the patients with at least one accepted session of the kind; compared with
    the network caseload target of the rule tables (rules §5: a target for
    the network, never a per-patient limit).
    """

    ruleset: str
    target_id: str
    kind: str
    network: str
    patients: int
    sessions: int
    average: Decimal
    target: int

    @property
    def difference(self) -> Decimal:
        """The average minus the target (positive: above the target)."""
        return self.average - self.target


def network_averages(claims: Iterable[Claim], *, rules: Rules | None = None) -> tuple[Average, ...]:
    """Average specialized (2021) / treatment (2024) individual sessions per patient, per network.

    The kinds and targets are those of the rule tables' caseload targets (10 for the
    children and adolescents network, 8 for adults), read from ``rules``: pass the
    rule tables the claims were assessed with (default: the bundled ones). Averages
    are rounded to two decimals. Rows are sorted by rule set, target and network.

    >>> import io
    >>> from inami_ppl.claims import assess_file
    >>> text = '''patient_id,birth_date,date,network,function,setting,functional_assessment
    ... a,1980-06-15,2023-05-08,adults,specialized,individual,true
    ... a,1980-06-15,2023-05-15,adults,specialized,individual,false
    ... b,1980-06-15,2023-05-08,adults,specialized,individual,true
    ... '''
    >>> [(x.kind, x.network, x.average, x.target) for x in network_averages(
    ...     assess_file(io.StringIO(text)))]
    [('specialized/individual', 'adults', Decimal('1.50'), 8)]
    """
    rules = resolve_rules(rules)
    sessions: Counter[tuple[str, str, str, str, int]] = Counter()
    patients: dict[tuple[str, str, str, str, int], set[str]] = {}
    for claim in _checked(claims):
        a = claim.assessment
        if a is None or not a.allowed:
            continue
        ruleset = rules.at(a.session.date, accept_unconfirmed=a.unconfirmed)
        for target in ruleset.targets:
            average = dict(target.averages).get(a.session.network)
            if target.kind != a.session.kind or average is None:
                continue
            key = (ruleset.id, target.id, target.kind.code, a.session.network.value, average)
            sessions[key] += 1
            patients.setdefault(key, set()).add(claim.patient_id or "")
    out = []
    for key in sorted(sessions):
        ruleset_id, target_id, kind, network, target_average = key
        count = len(patients[key])
        out.append(
            Average(
                ruleset=ruleset_id,
                target_id=target_id,
                kind=kind,
                network=network,
                patients=count,
                sessions=sessions[key],
                average=(Decimal(sessions[key]) / count).quantize(Decimal("0.01")),
                target=target_average,
            )
        )
    return tuple(out)


@final
@attrs.frozen(kw_only=True)
class WhatIf:
    """The same claims under two rule tables: the totals of each and what changed.

    ``changed`` counts the rows whose decision or amounts differ.
    """

    baseline: Totals
    scenario: Totals
    changed: int

    @property
    def insurer_difference(self) -> Decimal:
        """Scenario insurer cost minus baseline insurer cost (individual sessions)."""
        return self.scenario.insurer_share - self.baseline.insurer_share

    @property
    def patient_share_difference(self) -> Decimal:
        """Scenario patient shares minus baseline patient shares."""
        return self.scenario.patient_share - self.baseline.patient_share


def _outcome(claim: Claim) -> tuple[object, ...]:
    a = claim.assessment
    if a is None:
        return (None,)
    return (a.allowed, a.codes, a.patient_share, a.practitioner_fee, a.insurer_share)


def what_if(
    source: Iterable[Mapping[str, object]] | str | os.PathLike[str],
    scenario: Rules,
    *,
    baseline: Rules | None = None,
    grouped: bool = False,
    accept_unconfirmed: bool = False,
) -> WhatIf:
    """Assess the same claims under ``baseline`` (default: the bundled rules) and ``scenario``.

    ``source`` is a claims file path (read twice) or records (held in memory).

    >>> import io
    >>> from inami_ppl import default_rules
    >>> rows = [{"patient_id": "a", "birth_date": "1980-06-15", "date": f"2024-05-{d:02}",
    ...          "network": "adults", "function": "support", "setting": "individual"}
    ...         for d in range(1, 31, 3)]
    >>> higher = default_rules().with_overrides({"limit.2024.support_individual.adults": 10})
    >>> w = what_if(rows, higher)
    >>> w.baseline.accepted, w.scenario.accepted, w.changed, w.insurer_difference
    (8, 10, 2, Decimal('141.48'))
    """
    baseline = resolve_rules(baseline, "baseline")
    scenario = resolve_rules(scenario, "scenario")
    records: list[Mapping[str, object]] | None = None
    if not isinstance(source, str | os.PathLike):
        records = list(check_iterable("source", source, "a claims file path or records"))  # type: ignore[arg-type]

    def run(rules: Rules) -> Iterable[Claim]:
        if records is None:
            assert isinstance(source, str | os.PathLike)  # noqa: S101  (narrowing only)
            return assess_file(
                source, grouped=grouped, rules=rules, accept_unconfirmed=accept_unconfirmed
            )
        return assess_records(
            records, grouped=grouped, rules=rules, accept_unconfirmed=accept_unconfirmed
        )

    before, after = _Counter(), _Counter()
    changed = 0
    for old, new in zip(run(baseline), run(scenario), strict=True):
        before.add(old)
        after.add(new)
        changed += _outcome(old) != _outcome(new)
    return WhatIf(baseline=before.totals(), scenario=after.totals(), changed=changed)
