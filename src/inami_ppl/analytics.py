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
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final, Literal, final

import attrs

from inami_ppl._totals import Counts, Totals, TotalsCounter, checked_claims, totals
from inami_ppl._validate import check_iterable
from inami_ppl.claims import Claim, assess_file, assess_records
from inami_ppl.errors import InvalidInputError
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
    groups: dict[tuple[str, ...], Counts] = {}
    overall = Counts()
    for claim in checked_claims(claims):
        overall.add(claim)
        if claim.assessment is None:
            continue
        key = tuple(_key_part(claim, dimension) for dimension in dims)
        counter = groups.get(key)
        if counter is None:
            counter = groups[key] = Counts()
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
    for claim in checked_claims(claims):
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

    before, after = Counts(), Counts()
    changed = 0
    for old, new in zip(run(baseline), run(scenario), strict=True):
        before.add(old)
        after.add(new)
        changed += _outcome(old) != _outcome(new)
    return WhatIf(baseline=before.totals(), scenario=after.totals(), changed=changed)
