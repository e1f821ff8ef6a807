"""Charts for notebooks: each figure draws what its table says."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from inami_ppl import InvalidInputError, default_rules
from inami_ppl.analytics import network_averages, totals
from inami_ppl.claims import Claim, assess_file, assess_records
from inami_ppl.plots import (
    amounts_by_month,
    caseload_averages,
    charts,
    decisions_by_month,
    estimated_amounts,
    quota_use,
    refusals_by_reason,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    return list(assess_file(EXAMPLE))


def row(day: str, patient: str = "a", **cells: str) -> dict[str, str]:
    return {
        "patient_id": patient,
        "birth_date": "1980-06-15",
        "date": day,
        "network": "adults",
        "function": "support",
        "setting": "individual",
        **cells,
    }


def test_every_chart_function_returns_a_figure(claims: list[Claim]) -> None:
    for draw in (decisions_by_month, refusals_by_reason, amounts_by_month, quota_use):
        assert isinstance(draw(claims), Figure)
    assert isinstance(caseload_averages(claims, rules=default_rules()), Figure)
    # The example's 2022-2023 fees are estimates; without those decisions there is no chart.
    assert isinstance(estimated_amounts(claims), Figure)
    confirmed = [c for c in claims if c.assessment is None or not c.assessment.unconfirmed]
    assert estimated_amounts(confirmed) is None


def test_the_decisions_table_counts_every_assessed_row_once(claims: list[Claim]) -> None:
    table = charts(claims)[0].table
    t = totals(claims)
    assert int(table["accepted"].sum()) == t.accepted
    assert int(table["refused"].sum()) == t.refused
    assert set(table["network"]) == {"adults", "children_adolescents"}
    assert list(table["month"]) == sorted(table["month"])


def test_the_refusals_table_counts_each_reason_of_each_refusal(claims: list[Claim]) -> None:
    table = charts(claims)[1].table
    expected = Counter(code for claim in claims for code in claim.codes)
    assert {r: n for r, n in zip(table["reason"], table["refusals"], strict=True) if n} == dict(
        expected
    )


def test_the_amounts_table_adds_up_to_the_totals(claims: list[Claim]) -> None:
    table = charts(claims)[2].table
    t = totals(claims)
    assert sum(table["patient_share"], Decimal(0)) == t.patient_share
    assert sum(table["insurer_share"], Decimal(0)) == t.insurer_share


def test_quota_use_reports_the_peak_against_the_maximum() -> None:
    # nine weekly support sessions: the adults' maximum is 8, the ninth is refused
    rows = [row((dt.date(2024, 5, 6) + dt.timedelta(weeks=w)).isoformat()) for w in range(9)]
    rows.append(row("2024-05-06", patient="b"))
    chart = charts(list(assess_records(rows)))[3]
    support = next(r for r in chart.table.to_dict("records") if r["limit"] == "support_individual")
    assert support["maximum"] == 8
    assert support["patients"] == 2
    assert support["average_peak"] == 4.5  # (8 + 1) / 2
    assert support["at_maximum"] == 1
    assert "1 times" in chart.alt


def test_caseload_averages_are_those_of_the_analytics(claims: list[Claim]) -> None:
    table = charts(claims)[4].table
    averages = network_averages(claims)
    assert list(table["average"]) == [a.average for a in averages]
    assert list(table["target"]) == [a.target for a in averages]


def test_unconfirmed_decisions_are_counted_per_month() -> None:
    rows = [row("2028-01-10"), row("2028-02-14"), row("2024-05-06", patient="b")]
    claims = list(assess_records(rows, accept_unconfirmed=True))
    assert isinstance(estimated_amounts(claims), Figure)
    chart = charts(claims)[5]
    assert list(chart.table["month"]) == ["2028-01", "2028-02"]
    assert "2 in 2 months" in chart.alt


def test_a_file_of_malformed_rows_still_gives_every_chart() -> None:
    claims = list(assess_records([row("2024-13-01")]))
    made = charts(claims)
    assert [c.key for c in made] == [
        "decisions",
        "refusals",
        "amounts",
        "quota",
        "caseload",
        "estimated",
    ]
    assert all(c.table.empty for c in made if c.key != "refusals")
    assert "no refusal" in made[1].alt


def test_long_periods_label_one_month_in_three(claims: list[Claim]) -> None:
    figure = decisions_by_month(claims)
    labels = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
    assert labels[0].endswith("-01")
    assert all(label == "" or int(label[5:7]) % 3 == 1 for label in labels)


@pytest.mark.parametrize("bad", ["claims.csv", 3, [object()]])
def test_bad_input_is_the_librarys_error(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="claims"):
        charts(bad)  # type: ignore[arg-type]
