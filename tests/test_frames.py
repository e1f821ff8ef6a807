"""pandas tables (the ``pandas`` extra): assess a DataFrame, summaries, averages, what-if."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from inami_ppl import REASON_CODES, InvalidInputError, default_rules
from inami_ppl.analytics import network_averages, summarize, totals, what_if
from inami_ppl.claims import assess_file
from inami_ppl.frames import (
    assess_frame,
    averages_frame,
    records_of,
    summary_frame,
    what_if_frame,
)
from support import python_prints

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"


def example_frame() -> pd.DataFrame:
    """The example as an analyst reads it: dates parsed, empty cells missing."""
    return pd.read_csv(EXAMPLE, parse_dates=["birth_date", "date"])


def test_assess_frame_adds_the_decision_to_every_row_keeping_the_index() -> None:
    frame = example_frame()
    frame.index = frame.index + 100
    out = assess_frame(frame)
    assert list(frame.index) == list(out.index)
    assert [*frame.columns] == [*out.columns[: len(frame.columns)]]
    got = ["accepted" if a else r for a, r in zip(out["allowed"], out["reasons"], strict=True)]
    assert list(frame["expected"]) == got
    shares = [None if pd.isna(x) else Decimal(f"{x:.2f}") for x in frame["expected_share"]]
    assert shares == [None if pd.isna(x) else Decimal(f"{x:.2f}") for x in out["patient_share"]]
    assert set(out["error"]) == {None}


def test_assess_frame_matches_the_claims_file() -> None:
    out = assess_frame(example_frame(), lang="nl")
    claims = list(assess_file(EXAMPLE))
    exact = [c.assessment.insurer_share for c in claims if c.assessment]
    assert [None if x is None else float(x) for x in exact] == [
        None if pd.isna(x) else x for x in out["insurer_share"]
    ]
    refused = out[out["allowed"] == False]  # noqa: E712  (pandas compares element-wise)
    assert all(
        m.startswith(("Maar", "De", "Op", "Een", "Zorg", "Er", "Voor")) or m
        for m in refused["messages"]
    )


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (pd.Timestamp("2024-05-06 10:30"), "date"),
        (np.nan, "date"),
        (None, "date"),
        (pd.NaT, "date"),
    ],
)
def test_bad_or_missing_dates_in_a_frame_are_reported(value: object, field: str) -> None:
    frame = pd.DataFrame(
        {
            "patient_id": ["a"],
            "birth_date": [dt.date(1980, 1, 1)],
            "date": pd.Series([value], dtype=object),
            "network": ["adults"],
            "function": ["support"],
            "setting": ["individual"],
        }
    )
    out = assess_frame(frame)
    assert out["allowed"].iloc[0] is pd.NA
    assert str(out["error"].iloc[0]).startswith(f"{field}: expected")


def test_frame_cells_of_numpy_types_are_read_as_python_values() -> None:
    frame = pd.DataFrame(
        {
            "patient_id": np.array([7, 7]),
            "birth_date": ["1980-06-15"] * 2,
            "date": [dt.date(2024, 5, 6), dt.date(2024, 5, 13)],
            "network": "adults",
            "function": "support",
            "setting": "individual",
            "preferential": np.array([False, True]),
        }
    )
    records = list(records_of(frame))
    assert records[0]["patient_id"] == 7
    assert type(records[1]["preferential"]) is bool
    out = assess_frame(frame)
    assert [0.0, 4.0] == list(out["patient_share"])


def test_summary_frame_has_a_row_per_group_and_a_column_per_reason() -> None:
    frame = summary_frame(example_frame(), by=["network", "ruleset"])
    summary = summarize(assess_file(EXAMPLE), by=["network", "ruleset"])
    assert len(summary.rows) == len(frame)
    assert ["network", "ruleset", "sessions", "accepted", "refused", "invalid"] == list(
        frame.columns[:6]
    )
    refusals = dict(summary.total.refused_by_reason)
    for code in REASON_CODES:
        column = f"refused.{code}"
        assert column in frame.columns
        assert refusals.get(code, 0) == frame[column].sum()
    assert summary.total.insurer_share == sum(frame["insurer_share"])
    assert isinstance(frame["patient_share"].iloc[0], Decimal)


def test_averages_frame() -> None:
    frame = averages_frame(example_frame())
    averages = network_averages(assess_file(EXAMPLE))
    assert [a.average for a in averages] == list(frame["average"])
    assert [a.difference for a in averages] == list(frame["difference"])
    assert list(frame["target"]) == [8, 8]


def test_what_if_frame_has_baseline_scenario_and_difference() -> None:
    higher = default_rules().with_overrides({"limit.2024.support_individual.adults": 9})
    frame = what_if_frame(example_frame(), higher)
    expected = what_if(EXAMPLE, higher)
    assert ["baseline", "scenario", "difference"] == list(frame.index)
    assert expected.insurer_difference == frame.loc["difference", "insurer_share"]
    assert expected.scenario.accepted == frame.loc["scenario", "accepted"]
    assert totals(assess_file(EXAMPLE)).accepted == frame.loc["baseline", "accepted"]


def test_the_core_library_imports_and_works_without_pandas() -> None:
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import datetime as dt, inami_ppl, inami_ppl.claims, inami_ppl.analytics, inami_ppl.cli\n"
        "p = inami_ppl.Patient(birth_date=dt.date(1980, 1, 1))\n"
        "s = inami_ppl.Session(date=dt.date(2024, 5, 2), network='adults', function='support',"
        " setting='individual')\n"
        "assert inami_ppl.assess(p, [], s).allowed\n"
        "try:\n    import inami_ppl.frames\nexcept ImportError:\n    print('no pandas')\n"
    )
    assert "no pandas\n" == python_prints(code)


def test_missing_cells_of_nullable_pandas_types_take_the_defaults() -> None:
    frame = pd.DataFrame(
        {
            "patient_id": ["a", "a"],
            "birth_date": ["1980-06-15"] * 2,
            "date": ["2024-05-06", "2024-05-13"],
            "network": "adults",
            "function": "support",
            "setting": "individual",
            "provider": pd.Series(["psy-1", None], dtype="string"),
            "preferential": pd.Series([None, True], dtype="boolean"),
        }
    )
    out = assess_frame(frame)
    assert [True, True] == list(out["allowed"])
    assert [0.0, 4.0] == list(out["patient_share"])


@pytest.mark.parametrize("call", [assess_frame, summary_frame, averages_frame])
def test_frame_functions_reject_what_is_not_a_data_frame(call: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        call([{"patient_id": "a"}])
    assert "frame" == caught.value.field
