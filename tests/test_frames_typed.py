"""``assess_frame`` gives typed columns that pandas analyses and plots as they are."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.api.types import is_datetime64_any_dtype

from inami_ppl import InvalidInputError
from inami_ppl.claims import OUTPUT_COLUMNS, assess_file
from inami_ppl.frames import assess_frame, summary_frame

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"


def example_frame() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)


def test_added_columns_are_the_output_columns_but_the_line_with_their_types() -> None:
    out = assess_frame(example_frame())
    added = [name for name in out.columns if name in OUTPUT_COLUMNS]
    assert [name for name in OUTPUT_COLUMNS if name != "line"] == added
    assert "boolean" == str(out["allowed"].dtype)
    assert "boolean" == str(out["unconfirmed"].dtype)
    for money in ("patient_share", "practitioner_fee", "insurer_share"):
        assert np.float64 == out[money].dtype
    assert isinstance(out["ruleset"].dtype, pd.CategoricalDtype)
    summary = out["patient_share"].describe()
    assert summary["count"] == out["allowed"].sum()


def test_amounts_are_the_exact_decisions_as_floats() -> None:
    out = assess_frame(example_frame())
    claims = list(assess_file(EXAMPLE))
    for claim, share, allowed in zip(claims, out["patient_share"], out["allowed"], strict=True):
        assert claim.allowed == bool(allowed)
        exact = claim.assessment.patient_share if claim.assessment else None
        assert (exact is None) == bool(np.isnan(share))
        if exact is not None:
            assert float(exact) == share


def _keeping_same_day_order(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``frame`` shuffled, but rows of one patient on one date keep their order.

    Sessions of a day are judged in input order (a second one that day is refused), so
    only their order among other rows may change.
    """
    order = list(frame.sample(frac=1, random_state=seed).index)
    slots: dict[tuple[object, object], list[int]] = {}
    for slot, index in enumerate(order):
        slots.setdefault((frame.at[index, "patient_id"], frame.at[index, "date"]), []).append(slot)
    for taken in slots.values():
        for slot, index in zip(taken, sorted(order[s] for s in taken), strict=True):
            order[slot] = index
    return frame.loc[order]


def test_rows_in_any_order_get_the_decisions_of_the_claims_file() -> None:
    frame = example_frame()
    shuffled = _keeping_same_day_order(frame, random.Random(5).randrange(1000))
    out = assess_frame(shuffled).sort_index()
    expected = assess_frame(frame)
    pd.testing.assert_frame_equal(expected, out)


def test_a_missing_required_column_is_an_error_not_a_column_of_errors() -> None:
    frame = example_frame().drop(columns=["network"])
    with pytest.raises(InvalidInputError, match="a column 'network'"):
        assess_frame(frame)


@pytest.mark.parametrize(
    ("option", "value"), [("lang", "xx"), ("grouped", "no"), ("accept_unconfirmed", "no")]
)
def test_options_are_checked_before_any_row(option: str, value: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        assess_frame(example_frame(), **{option: value})  # type: ignore[arg-type]
    assert option == caught.value.field


def test_an_input_column_named_like_an_output_column_is_kept_under_another_name() -> None:
    frame = example_frame().assign(allowed="from the input")
    out = assess_frame(frame)
    assert {"from the input"} == set(out["input_allowed"])
    assert "boolean" == str(out["allowed"].dtype)


def test_summary_months_are_periods() -> None:
    summary = summary_frame(example_frame(), by=["month"])
    assert isinstance(summary["month"].dtype, pd.PeriodDtype)
    assert pd.Period("2024-05", freq="M") in set(summary["month"])


def test_dates_given_as_text_come_back_as_datetime64_when_all_read() -> None:
    out = assess_frame(example_frame())
    assert is_datetime64_any_dtype(out["date"])
    assert is_datetime64_any_dtype(out["birth_date"])
    frame = example_frame()
    frame.loc[0, "date"] = "not a date"
    kept = assess_frame(frame)
    assert frame["date"].dtype == kept["date"].dtype
    assert "not a date" == kept.loc[0, "date"]


def test_dates_given_as_dates_or_day_first_text_are_read_too() -> None:
    frame = example_frame()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame["birth_date"] = pd.to_datetime(frame["birth_date"]).dt.strftime("%d/%m/%Y")
    out = assess_frame(frame, date_format="%d/%m/%Y")
    assert is_datetime64_any_dtype(out["date"])
    assert is_datetime64_any_dtype(out["birth_date"])
    assert out["error"].isna().all()


def test_rows_without_a_patient_and_grouped_frames_are_judged_too() -> None:
    frame = example_frame()
    frame.loc[3, "patient_id"] = None
    out = assess_frame(frame)
    assert str(out.loc[3, "error"]).startswith("patient_id: expected a value")
    grouped = assess_frame(example_frame(), grouped=True)
    pd.testing.assert_frame_equal(assess_frame(example_frame()), grouped)
