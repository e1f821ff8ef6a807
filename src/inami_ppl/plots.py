"""Charts of assessed claims, for notebooks and the HTML report: ``pip install "inami-ppl[plots]"``.

The core library never imports matplotlib or pandas; this module does, and only when it
is imported itself. Every chart reads assessed claims (from
:func:`~inami_ppl.claims.assess_file` or :func:`~inami_ppl.claims.assess_records`) and
comes with the table of the figures it draws and a text alternative:

>>> from inami_ppl.claims import assess_file
>>> claims = list(assess_file("examples/claims.csv"))
>>> figure = decisions_by_month(claims)
>>> type(figure).__name__
'Figure'
>>> [chart.key for chart in charts(claims)]  # doctest: +NORMALIZE_WHITESPACE
['decisions', 'refusals', 'amounts', 'quota', 'caseload', 'estimated']

Figures are :class:`matplotlib.figure.Figure` objects made without ``pyplot`` (no global
state: safe in threads and servers); a notebook shows one when it is the cell's value.
Amounts are summed in ``Decimal`` and drawn as floats; group sessions have no fee and no
insurer amount (a group fee is paid per facilitator), so the amounts cover individual sessions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Final, final

import attrs
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from inami_ppl.analytics import network_averages
from inami_ppl.checks import REASON_CODES
from inami_ppl.claims import Claim
from inami_ppl.errors import InvalidInputError
from inami_ppl.rulesets import Rules

__all__ = [
    "Chart",
    "amounts_by_month",
    "caseload_averages",
    "charts",
    "decisions_by_month",
    "estimated_amounts",
    "quota_use",
    "refusals_by_reason",
]

_WIDTH: Final = 8.0
_HEIGHT: Final = 4.0
# Colours that stay apart for the common forms of colour blindness (Okabe-Ito).
_BLUE: Final = "#0072B2"
_ORANGE: Final = "#E69F00"
_GREEN: Final = "#009E73"
_RED: Final = "#D55E00"
_GREY: Final = "#999999"
_ZERO: Final = Decimal("0.00")


@final
@attrs.frozen(kw_only=True)
class Chart:
    """One chart: its ``figure``, the ``table`` of what it draws, and its text alternative."""

    key: str
    title: str
    alt: str
    table: pd.DataFrame = attrs.field(eq=False)
    figure: Figure | None = attrs.field(eq=False)


def _checked(claims: object) -> list[Claim]:
    if isinstance(claims, str | bytes) or not isinstance(claims, Iterable):
        raise InvalidInputError("claims", claims, "an iterable of assessed claims")
    out = list(claims)
    for i, claim in enumerate(out):
        if not isinstance(claim, Claim):
            raise InvalidInputError(f"claims[{i}]", claim, "an assessed Claim")
    return out


def _drawn(chart: Chart) -> Figure:
    """The figure of a chart that always draws one."""
    assert chart.figure is not None  # noqa: S101  (only the estimated amounts may have none)
    return chart.figure


def _figure(height: float = _HEIGHT) -> Figure:
    return Figure(figsize=(_WIDTH, height), layout="constrained")


def _legend(figure: Figure, ax: Axes) -> None:
    """The legend above the plots, where it hides no bar."""
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside upper right", ncols=len(labels), frameon=False)


def _month_ticks(labels: list[str]) -> list[str]:
    """Every month label while they fit, else one in three (January, April...)."""
    if len(labels) <= 18:
        return labels
    return [label if int(label[5:7]) % 3 == 1 else "" for label in labels]


def _all_months(months: Iterable[str]) -> list[str]:
    """Every month from the first to the last of ``months`` (``YYYY-MM``), gaps included."""
    present = sorted(set(months))
    if not present:
        return []
    year, month = int(present[0][:4]), int(present[0][5:7])
    out = []
    while (label := f"{year:04}-{month:02}") <= present[-1]:
        out.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _money(value: Decimal) -> float:
    return float(value)


# --------------------------------------------------------------------------------------
# Accepted and refused sessions per month, by network


def _decisions_table(claims: list[Claim]) -> pd.DataFrame:
    counts: dict[tuple[str, str], list[int]] = {}
    for claim in claims:
        a = claim.assessment
        if a is None:
            continue
        key = (a.session.date.strftime("%Y-%m"), a.session.network.value)
        pair = counts.setdefault(key, [0, 0])
        pair[0 if a.allowed else 1] += 1
    rows = [
        {"month": month, "network": network, "accepted": pair[0], "refused": pair[1]}
        for (month, network), pair in sorted(counts.items())
    ]
    return pd.DataFrame(rows, columns=["month", "network", "accepted", "refused"])


def _decisions_chart(claims: list[Claim]) -> Chart:
    table = _decisions_table(claims)
    networks = sorted(set(table["network"]))
    months = _all_months(table["month"])
    figure = _figure(_HEIGHT if len(networks) < 2 else 2.6 * len(networks))
    axes = figure.subplots(max(1, len(networks)), 1, sharex=True, squeeze=False)[:, 0]
    for ax, network in zip(axes, networks, strict=False):
        part = table[table["network"] == network]
        found = dict(
            zip(part["month"], zip(part["accepted"], part["refused"], strict=True), strict=True)
        )
        accepted = [int(found.get(month, (0, 0))[0]) for month in months]
        refused = [int(found.get(month, (0, 0))[1]) for month in months]
        positions = range(len(months))
        ax.bar(positions, accepted, color=_BLUE, label="accepted")
        ax.bar(positions, refused, bottom=accepted, color=_RED, label="refused")
        ax.set_title(f"network: {network}", loc="left", fontsize="medium")
        ax.set_ylabel("sessions")
    _legend(figure, axes[0])
    axes[-1].set_xticks(range(len(months)), _month_ticks(months), rotation=90)
    total_accepted, total_refused = int(table["accepted"].sum()), int(table["refused"].sum())
    alt = (
        f"Stacked bars of sessions per month from {months[0] if months else '-'} to "
        f"{months[-1] if months else '-'}, one panel per network ({', '.join(networks)}): "
        f"{total_accepted} accepted and {total_refused} refused in all."
    )
    return Chart(
        key="decisions",
        title="Sessions accepted and refused per month, by network",
        alt=alt,
        table=table,
        figure=figure,
    )


def decisions_by_month(claims: Iterable[Claim]) -> Figure:
    """Stacked bars of accepted and refused sessions per month, one panel per network."""
    return _drawn(_decisions_chart(_checked(claims)))


# --------------------------------------------------------------------------------------
# Refusals by reason


def _refusals_chart(claims: list[Claim]) -> Chart:
    counts = dict.fromkeys(REASON_CODES, 0)
    for claim in claims:
        for code in claim.codes:
            counts[code] = counts.get(code, 0) + 1
    table = pd.DataFrame(
        [{"reason": code, "refusals": count} for code, count in counts.items()],
        columns=["reason", "refusals"],
    )
    figure = _figure()
    ax = figure.subplots()
    ax.barh(list(table["reason"]), list(table["refusals"]), color=_RED)
    ax.invert_yaxis()
    ax.set_xlabel("refused sessions giving this reason (a session may give several)")
    shown = ", ".join(f"{code} {count}" for code, count in counts.items() if count)
    alt = f"Horizontal bars of refused sessions per reason code: {shown or 'no refusal'}."
    return Chart(key="refusals", title="Refusals by reason", alt=alt, table=table, figure=figure)


def refusals_by_reason(claims: Iterable[Claim]) -> Figure:
    """Horizontal bars: how many refused sessions give each reason code."""
    return _drawn(_refusals_chart(_checked(claims)))


# --------------------------------------------------------------------------------------
# Patient shares and insurer amounts per month


def _amounts_chart(claims: list[Claim]) -> Chart:
    sums: dict[str, list[Decimal]] = {}
    for claim in claims:
        a = claim.assessment
        if a is None or not a.allowed:
            continue
        pair = sums.setdefault(a.session.date.strftime("%Y-%m"), [_ZERO, _ZERO])
        pair[0] += a.patient_share or 0
        pair[1] += a.insurer_share or 0
    table = pd.DataFrame(
        [
            {"month": month, "patient_share": pair[0], "insurer_share": pair[1]}
            for month, pair in sorted(sums.items())
        ],
        columns=["month", "patient_share", "insurer_share"],
    )
    months = _all_months(table["month"])
    found = {row[0]: row for row in table.itertuples(index=False, name=None)}
    figure = _figure()
    ax = figure.subplots()
    positions = range(len(months))
    patient = [_money(found[m][1]) if m in found else 0.0 for m in months]
    insurer = [_money(found[m][2]) if m in found else 0.0 for m in months]
    ax.bar(positions, insurer, color=_GREEN, label="insurer (individual sessions)")
    ax.bar(positions, patient, bottom=insurer, color=_ORANGE, label="patients")
    ax.set_xticks(range(len(months)), _month_ticks(months), rotation=90)
    ax.set_ylabel("EUR")
    _legend(figure, ax)
    alt = (
        f"Stacked bars of euros per month over {len(table)} months: the insurer paid "
        f"{sum(table['insurer_share'], Decimal(0))} EUR and patients "
        f"{sum(table['patient_share'], Decimal(0))} EUR in all."
    )
    return Chart(
        key="amounts",
        title="Patient shares and insurer amounts per month",
        alt=alt,
        table=table,
        figure=figure,
    )


def amounts_by_month(claims: Iterable[Claim]) -> Figure:
    """Stacked bars of what the insurer and the patients paid per month (accepted sessions)."""
    return _drawn(_amounts_chart(_checked(claims)))


# --------------------------------------------------------------------------------------
# Quota use: sessions per patient against the maxima


def _quota_chart(claims: list[Claim]) -> Chart:
    # The highest use each patient reached of each maximum, over the accepted sessions.
    peaks: dict[tuple[str, int], dict[str, int]] = {}
    for claim in claims:
        a = claim.assessment
        if a is None or not a.allowed:
            continue
        for use in a.quota:
            per_patient = peaks.setdefault((use.limit, use.maximum), {})
            reached = use.maximum - use.left
            patient = claim.patient_id or ""
            per_patient[patient] = max(per_patient.get(patient, 0), reached)
    rows = []
    for (limit, maximum), per_patient in sorted(peaks.items()):
        values = list(per_patient.values())
        rows.append(
            {
                "limit": limit,
                "maximum": maximum,
                "patients": len(values),
                "average_peak": round(sum(values) / len(values), 2),
                "at_maximum": sum(1 for v in values if v >= maximum),
            }
        )
    columns = ["limit", "maximum", "patients", "average_peak", "at_maximum"]
    table = pd.DataFrame(rows, columns=columns)
    labels = [f"{row['limit']} (max {row['maximum']})" for row in rows]
    figure = _figure(max(_HEIGHT, 0.5 * len(rows) + 1.5))
    ax = figure.subplots()
    ax.barh(labels, list(table["maximum"]), color=_GREY, label="maximum")
    ax.barh(labels, list(table["average_peak"]), height=0.5, color=_BLUE, label="average peak")
    ax.invert_yaxis()
    ax.set_xlabel("sessions in the window of the rules (highest use per patient)")
    _legend(figure, ax)
    at_max = int(table["at_maximum"].sum())
    alt = (
        f"Horizontal bars for {len(rows)} maxima: the highest number of sessions each "
        f"patient reached in a window, on average, against the maximum; {at_max} times "
        "a patient reached a maximum."
    )
    return Chart(
        key="quota",
        title="Quota use: sessions per patient against the maxima",
        alt=alt,
        table=table,
        figure=figure,
    )


def quota_use(claims: Iterable[Claim]) -> Figure:
    """Per maximum: the average highest use per patient against the maximum itself."""
    return _drawn(_quota_chart(_checked(claims)))


# --------------------------------------------------------------------------------------
# Caseload averages against their targets


def _caseload_chart(claims: list[Claim], rules: Rules | None) -> Chart:
    averages = network_averages(claims, rules=rules)
    columns = ["ruleset", "kind", "network", "patients", "sessions", "average", "target"]
    table = pd.DataFrame(
        [{name: getattr(a, name) for name in columns} for a in averages], columns=columns
    )
    labels = [f"{a.ruleset} {a.kind}\n{a.network}" for a in averages]
    figure = _figure()
    ax = figure.subplots()
    positions = list(range(len(averages)))
    average = [float(a.average) for a in averages]
    ax.bar([p - 0.2 for p in positions], average, 0.4, color=_BLUE, label="average")
    ax.bar(
        [p + 0.2 for p in positions], [a.target for a in averages], 0.4, color=_GREY, label="target"
    )
    ax.set_xticks(positions, labels, fontsize="small")
    ax.set_ylabel("sessions per patient")
    _legend(figure, ax)
    shown = "; ".join(
        f"{a.ruleset} {a.kind} {a.network}: {a.average} for {a.target}" for a in averages
    )
    alt = (
        "Paired bars of the average sessions per patient against the network target: "
        f"{shown or 'no session of a target kind'}."
    )
    return Chart(
        key="caseload",
        title="Caseload averages against their targets",
        alt=alt,
        table=table,
        figure=figure,
    )


def caseload_averages(claims: Iterable[Claim], *, rules: Rules | None = None) -> Figure:
    """Paired bars: the network average of sessions per patient against its target.

    See :func:`~inami_ppl.analytics.network_averages`; pass the ``rules`` the claims were
    assessed with (default: the bundled ones).
    """
    return _drawn(_caseload_chart(_checked(claims), rules))


# --------------------------------------------------------------------------------------
# Decisions that used estimated or unconfirmed amounts


def _estimated_chart(claims: list[Claim]) -> Chart:
    counts: dict[str, int] = {}
    for claim in claims:
        a = claim.assessment
        if a is not None and a.unconfirmed:
            month = a.session.date.strftime("%Y-%m")
            counts[month] = counts.get(month, 0) + 1
    table = pd.DataFrame(
        [{"month": month, "decisions": count} for month, count in sorted(counts.items())],
        columns=["month", "decisions"],
    )
    title = "Decisions that used estimated or unconfirmed amounts"
    if not counts:
        alt = "No decision used an estimated or unconfirmed amount."
        return Chart(key="estimated", title=title, alt=alt, table=table, figure=None)
    figure = _figure()
    ax = figure.subplots()
    months = _all_months(counts)
    ax.bar(range(len(months)), [counts.get(m, 0) for m in months], color=_ORANGE)
    ax.set_xticks(range(len(months)), _month_ticks(months), rotation=90)
    ax.set_ylabel("decisions")
    alt = (
        f"Bars of decisions per month that used estimated or unconfirmed amounts: "
        f"{sum(counts.values())} in {len(counts)} months."
    )
    return Chart(key="estimated", title=title, alt=alt, table=table, figure=figure)


def estimated_amounts(claims: Iterable[Claim]) -> Figure | None:
    """Bars of the decisions per month that used estimated amounts; ``None`` if there are none."""
    return _estimated_chart(_checked(claims)).figure


_CHARTS: Final[tuple[Callable[[list[Claim], Rules | None], Chart], ...]] = (
    lambda claims, _: _decisions_chart(claims),
    lambda claims, _: _refusals_chart(claims),
    lambda claims, _: _amounts_chart(claims),
    lambda claims, _: _quota_chart(claims),
    _caseload_chart,
    lambda claims, _: _estimated_chart(claims),
)


def charts(claims: Iterable[Claim], *, rules: Rules | None = None) -> tuple[Chart, ...]:
    """Every chart of the report, in its order, each with its table and text alternative.

    The last one (``estimated``) has no figure when no decision used an estimated amount.
    """
    checked = _checked(claims)
    return tuple(make(checked, rules) for make in _CHARTS)
