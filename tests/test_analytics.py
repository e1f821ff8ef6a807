"""Totals, summaries, network averages and what-if over claims (for analysts)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from inami_ppl import InvalidInputError, default_rules, practitioner_fee
from inami_ppl.analytics import (
    DIMENSIONS,
    TotalsCounter,
    network_averages,
    summarize,
    totals,
    what_if,
)
from inami_ppl.claims import Claim, assess_file, assess_records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"


def example_rows() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def example_claims() -> list[Claim]:
    return list(assess_file(EXAMPLE))


def test_totals_of_the_example_add_up_what_each_row_should_give() -> None:
    rows = example_rows()
    accepted = [r for r in rows if r["expected"] == "accepted"]
    t = totals(example_claims())
    assert (len(rows), len(accepted), len(rows) - len(accepted), 0) == (
        t.sessions,
        t.accepted,
        t.refused,
        t.invalid,
    )
    refusals = Counter(r["expected"] for r in rows if r["expected"] != "accepted")
    assert sorted(refusals.items()) == list(t.refused_by_reason)
    assert len({r["patient_id"] for r in rows}) == t.patients
    assert sum(Decimal(r["expected_share"]) for r in accepted) == t.patient_share
    individual = [r for r in accepted if r["setting"] == "individual"]
    fees = sum(practitioner_fee(dt.date.fromisoformat(r["date"]), "individual") for r in individual)
    shares = sum(Decimal(r["expected_share"]) for r in individual)
    assert (fees, fees - shares) == (t.practitioner_fee, t.insurer_share)
    assert len(accepted) - len(individual) == t.group_sessions


def test_malformed_rows_are_counted_apart() -> None:
    records = [{"patient_id": "a", "birth_date": "1980-01-01", "date": "never"}]
    t = totals(assess_records(records))
    assert (0, 1, 0) == (t.sessions, t.invalid, t.patients)


def test_a_session_refused_for_several_reasons_counts_under_each() -> None:
    record = {
        "patient_id": "a",
        "birth_date": "1990-01-01",
        "date": "2023-05-02",
        "network": "children_adolescents",
        "function": "first_line",
        "setting": "individual",
        "modality": "video",
    }
    t = totals(assess_records([record]))
    assert (
        ("age.network", 1),
        ("modality.condition", 1),
        ("video.first_in_person", 1),
    ) == t.refused_by_reason
    assert 1 == t.refused


def test_totals_counter_counts_as_it_goes() -> None:
    counter = TotalsCounter()
    for claim in example_claims():
        counter.add(claim)
    assert totals(example_claims()) == counter.totals()


def test_totals_as_a_flat_mapping() -> None:
    data = totals(example_claims()).as_dict()
    assert isinstance(data["patient_share"], str)
    assert isinstance(data["refused_by_reason"], dict)
    assert data["refused_by_reason"]["day.limit"] == 3


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_summary_rows_add_up_to_the_total(dimension: str) -> None:
    summary = summarize(example_claims(), by=[dimension])  # type: ignore[list-item]
    assert [key for key, _ in summary.rows] == sorted(key for key, _ in summary.rows)
    assert summary.total.sessions == sum(t.sessions for _, t in summary.rows)
    assert summary.total.patient_share == sum(t.patient_share for _, t in summary.rows)
    assert summary.total.insurer_share == sum(t.insurer_share for _, t in summary.rows)


def test_summary_by_network_function_setting_and_month() -> None:
    summary = summarize(example_claims())
    assert ("network", "function", "setting", "month") == summary.by
    key = ("adults", "support", "individual", "2024-05")
    figures = dict(summary.rows)[key]
    rows = [
        r
        for r in example_rows()
        if (r["network"], r["function"], r["setting"], r["date"][:7]) == key
    ]
    assert len(rows) == figures.sessions
    assert sum(r["expected"] == "accepted" for r in rows) == figures.accepted
    record = summary.records()[0]
    assert list(record)[:4] == ["network", "function", "setting", "month"]


def test_summary_by_year_and_ruleset() -> None:
    summary = summarize(example_claims(), by=["ruleset", "year"])
    keys = [key for key, _ in summary.rows]
    assert ("2021", "2022") in keys
    assert ("2024", "2025") in keys
    assert ("2021", "2025") not in keys


def test_malformed_rows_appear_in_the_summary_total_only() -> None:
    records = [{"patient_id": "a", "birth_date": "1980-01-01", "date": "never"}]
    summary = summarize(assess_records(records))
    assert () == summary.rows
    assert 1 == summary.total.invalid


def test_an_unknown_dimension_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="by: expected one of network"):
        summarize([], by=["network", "colour"])  # type: ignore[list-item]


def test_network_averages_of_specialized_and_treatment_individual_sessions() -> None:
    rows = [r for r in example_rows() if r["expected"] == "accepted"]
    averages = network_averages(example_claims())
    assert [
        ("2021", "specialized/individual", "adults"),
        ("2024", "treatment/individual", "adults"),
    ] == [(a.ruleset, a.kind, a.network) for a in averages]
    for average in averages:
        function = average.kind.split("/")[0]
        mine = [r for r in rows if r["function"] == function and r["setting"] == "individual"]
        patients = {r["patient_id"] for r in mine}
        assert (len(patients), len(mine)) == (average.patients, average.sessions)
        expected = (Decimal(len(mine)) / len(patients)).quantize(Decimal("0.01"))
        assert expected == average.average
        assert 8 == average.target  # RULES.md §5: adults' target
        assert expected - 8 == average.difference


def test_network_averages_use_each_networks_target() -> None:
    record = {
        "patient_id": "c",
        "birth_date": "2010-01-01",
        "date": "2023-05-02",
        "network": "children_adolescents",
        "function": "specialized",
        "setting": "individual",
        "functional_assessment": "true",
    }
    [average] = network_averages(assess_records([record]))
    assert (10, Decimal("1.00")) == (average.target, average.average)


def test_refused_and_malformed_rows_do_not_count_in_averages() -> None:
    record = {
        "patient_id": "c",
        "birth_date": "1980-01-01",
        "date": "2023-05-02",
        "network": "adults",
        "function": "specialized",
        "setting": "individual",
    }
    assert () == network_averages(assess_records([record, {"patient_id": "x"}]))


def test_what_if_a_higher_support_maximum_for_adults() -> None:
    higher = default_rules().with_overrides({"limit.2024.support_individual.adults": 9})
    result = what_if(EXAMPLE, higher)
    # Eight patients see their ninth support session refused at 8 and accepted at 9; three
    # more (2021 first-line sessions counted as support) see their third support session.
    assert 11 == result.changed
    assert 11 == result.scenario.accepted - result.baseline.accepted
    flipped = [
        (before, after)
        for before, after in zip(
            assess_file(EXAMPLE), assess_file(EXAMPLE, rules=higher), strict=True
        )
        if before.allowed != after.allowed
    ]
    assert 11 == len(flipped)
    cost = sum(
        a.assessment.insurer_share
        for _, a in flipped
        if a.assessment and a.assessment.insurer_share
    )
    assert cost == result.insurer_difference
    shares = sum(
        a.assessment.patient_share
        for _, a in flipped
        if a.assessment and a.assessment.patient_share
    )
    assert shares == result.patient_share_difference


def test_what_if_on_records_gives_the_same_as_on_the_file() -> None:
    higher = default_rules().with_overrides({"fee.individual": "90"}, start=dt.date(2024, 7, 1))
    from_file = what_if(EXAMPLE, higher, grouped=True)
    from_records = what_if(example_rows(), higher)
    assert from_file == from_records
    assert from_file.insurer_difference > 0
    assert from_file.baseline.accepted == from_file.scenario.accepted


def test_what_if_counts_malformed_rows_in_both_runs() -> None:
    records = [{"patient_id": "a", "birth_date": "1980-01-01", "date": "never"}]
    result = what_if(records, default_rules())
    assert (1, 1, 0) == (result.baseline.invalid, result.scenario.invalid, result.changed)


@pytest.mark.parametrize("claims", [None, 3, "claims", [{"allowed": True}], [None]])
def test_totals_summaries_and_averages_take_only_claims(claims: object) -> None:
    for function in (totals, summarize, network_averages):
        with pytest.raises(InvalidInputError, match="claims: expected"):
            function(claims)  # type: ignore[arg-type]


@pytest.mark.parametrize("by", [None, 3, "network"])
def test_summary_dimensions_must_be_a_list(by: object) -> None:
    with pytest.raises(InvalidInputError, match="by: expected"):
        summarize([], by=by)  # type: ignore[arg-type]


def test_a_counter_counts_a_repeated_assessment_as_often_as_it_is_added() -> None:
    claims = example_claims()
    once, repeated = TotalsCounter(), TotalsCounter()
    for claim in claims:
        if claim.assessment is None:
            continue
        for _ in range(3):
            once.add_assessment(claim.patient_id, claim.assessment)
        repeated.add_assessment(None, claim.assessment, times=3)
        repeated.add_patient(claim.patient_id or "")
    assert once.totals() == repeated.totals()
    assert repeated.totals().refused > 0


@pytest.mark.parametrize("times", [0, -1, True, 2.0, "3"])
def test_a_counter_refuses_a_count_that_is_not_a_whole_number_of_rows(times: object) -> None:
    counter = TotalsCounter()
    claim = example_claims()[0]
    assert claim.assessment is not None
    with pytest.raises(InvalidInputError, match="times"):
        counter.add_assessment(None, claim.assessment, times=times)  # type: ignore[arg-type]
