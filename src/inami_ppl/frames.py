"""pandas tables for notebooks: ``pip install "inami-ppl[pandas]"``.

The core library never imports pandas; this module does, and only when it is
imported itself. A claims frame has the columns of a claims file
(:data:`~inami_ppl.claims.COLUMNS`); dates may be ISO text, ``datetime.date`` or
pandas timestamps at midnight; booleans may be ``bool`` or text.

>>> import pandas as pd
>>> frame = pd.DataFrame({
...     "patient_id": ["a", "a"], "birth_date": ["1980-06-15"] * 2,
...     "date": pd.to_datetime(["2024-05-06", "2024-05-06"]),
...     "network": "adults", "function": "support", "setting": ["individual", "group"]})
>>> assess_frame(frame)[["allowed", "reasons", "patient_share"]].to_dict("list")
{'allowed': [True, False], 'reasons': ['', 'day.limit'], 'patient_share': [0.0, nan]}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, cast

import numpy as np
import pandas as pd

from inami_ppl._validate import check_bool
from inami_ppl.analytics import Dimension, network_averages, summarize, what_if
from inami_ppl.checks import REASON_CODES
from inami_ppl.claims import COLUMNS, ISO_DATE, OUTPUT, REQUIRED_COLUMNS, Claim, assess_records
from inami_ppl.claims.columns import OutputColumn, echoed, text_value
from inami_ppl.claims.writers import check_language
from inami_ppl.errors import InvalidInputError
from inami_ppl.rulesets import Rules

__all__ = ["assess_frame", "averages_frame", "records_of", "summary_frame", "what_if_frame"]


def _cell(value: object) -> object:
    """A frame cell as the claims reader takes it: missing values empty, timestamps dates."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date()
        return value.isoformat()  # a time of day: reported as a malformed date
    if isinstance(value, np.generic):  # nullable (extension) columns give numpy scalars
        return value.item()
    return value


def records_of(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    """The rows of ``frame`` as records for :func:`~inami_ppl.claims.assess_records`.

    Raises:
        InvalidInputError: ``frame`` is not a DataFrame.

    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError("frame", frame, "a pandas DataFrame")
    return _records(frame)


def _records(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    columns = [str(name) for name in frame.columns]
    for values in frame.itertuples(index=False, name=None):
        yield {name: _cell(value) for name, value in zip(columns, values, strict=True)}


def _claims(frame: pd.DataFrame, **options: Any) -> Iterator[Claim]:  # noqa: ANN401
    return assess_records(records_of(frame), **options)


# Rows turned into records at a time, in the order of their patients.
_CHUNK = 8192


def _patient_key(value: object) -> str:
    """The patient a cell names, as the claims reader reads it ("" when it names none)."""
    value = _cell(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _order(frame: pd.DataFrame, *, grouped: bool) -> np.ndarray[Any, np.dtype[np.intp]]:
    if grouped:
        return np.arange(len(frame))
    keys = np.array([_patient_key(v) for v in frame["patient_id"]], dtype=object)
    return np.argsort(keys, kind="stable")


class _Column:
    """The values of one output column, filled row by row into a typed array."""

    def __init__(self, column: OutputColumn, size: int, lang: str) -> None:
        self.column = column
        self.lang = lang
        if column.kind == "bool":
            self.values: np.ndarray[Any, Any] = np.zeros(size, dtype=bool)
            self.missing = np.ones(size, dtype=bool)
        elif column.kind == "money":
            self.values = np.full(size, np.nan)
        else:  # text (the line, an int, is not added: the index says the row)
            self.values = np.full(size, "" if column.kind == "codes" else None, dtype=object)
        self.texts: dict[object, str] = {}

    def put(self, position: int, claim: Claim) -> None:
        value = self.column.get(claim, self.lang)
        if value is None:
            return
        kind = self.column.kind
        if kind == "bool":
            self.values[position] = value
            self.missing[position] = False
        elif kind == "money":
            self.values[position] = float(cast("Decimal", value))
        elif kind == "codes":
            # Most rows repeat a few combinations: one text each, shared.
            text = self.texts.get(value)
            if text is None:
                text = self.texts.setdefault(value, text_value(self.column, value))
            self.values[position] = text
        else:
            self.values[position] = value

    def series(self, index: pd.Index[Any]) -> pd.Series[Any]:
        kind = self.column.kind
        if kind == "bool":
            return pd.Series(pd.arrays.BooleanArray(self.values, self.missing), index=index)
        if kind == "text" and self.column.name == "ruleset":
            return pd.Series(pd.Categorical(self.values), index=index)
        return pd.Series(self.values, index=index)


def assess_frame(
    frame: pd.DataFrame,
    *,
    lang: str = "en",
    grouped: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
    date_format: str = ISO_DATE,
) -> pd.DataFrame:
    """``frame`` with the decision of each row added (same index, same order).

    The columns added are those of a claims file's output but ``line`` (the index says
    the row), typed for analysis:

    - ``allowed`` and ``unconfirmed``: pandas ``boolean`` (``<NA>`` for a malformed row);
    - ``patient_share``, ``practitioner_fee``, ``insurer_share``: ``float64`` euros
      (``NaN`` where there is none), which ``describe()``, ``sum()`` and ``plot()`` use
      as they are; the exact ``Decimal`` amounts are those of
      :func:`~inami_ppl.claims.assess_file`;
    - ``reasons`` (codes joined by ``;``) and ``messages`` (in ``lang``, joined by
      `` | ``): text, empty when there is none; ``ruleset``: categorical;
    - ``share_reason``: the ``share.*`` code of the step that set the patient share of
      an accepted row, else ``None``;
    - ``unconfirmed_values``: the names of the estimates used, joined by ``;``;
      ``billing_code``: the code of a loaded billing-code table, else ``None``;
    - ``error``: what is wrong with a malformed row, else ``None``;
    - ``date`` and ``birth_date``, given as text or ``datetime.date``, become
      ``datetime64`` when every one of them reads as a date (else they are left as given).

    The rows are judged patient by patient (sorted by ``patient_id`` unless
    ``grouped``), so that memory stays that of the output columns.

    Raises:
        InvalidInputError: ``frame`` is not a DataFrame, lacks a required column, or an
            option is wrong (before any row is judged).

    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError("frame", type(frame).__name__, "a pandas DataFrame")
    check_language(lang)
    names = {str(name) for name in frame.columns}
    for name in REQUIRED_COLUMNS:
        if name not in names:
            known = sorted(names & set(COLUMNS))
            raise InvalidInputError("frame", f"columns {known}", f"a column {name!r}")
    order = _order(frame, grouped=check_bool("grouped", grouped))
    added = [_Column(column, len(frame), lang) for column in OUTPUT if column.name != "line"]

    def records() -> Iterator[dict[str, object]]:
        for start in range(0, len(order), _CHUNK):
            yield from _records(frame.iloc[order[start : start + _CHUNK]])

    claims = assess_records(
        records(),
        grouped=True,
        rules=rules,
        accept_unconfirmed=accept_unconfirmed,
        date_format=date_format,
    )
    for claim in claims:
        position = order[claim.line - 1]
        for column in added:
            column.put(position, claim)
    out = frame.copy(deep=False)
    for name, shown in echoed([str(name) for name in frame.columns]):
        if name != shown:
            out = out.rename(columns={name: shown})
    for column in added:
        out[column.column.name] = column.series(frame.index)
    for name in ("birth_date", "date"):
        out[name] = _dates(out[name], date_format)
    return out


def _dates(values: pd.Series[Any], date_format: str) -> pd.Series[Any]:
    """Dates given as text or ``datetime.date`` as ``datetime64``, when every one reads."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values  # already datetime64, or numbers: left as given
    text = values.map(lambda value: value.isoformat() if isinstance(value, dt.date) else value)
    form = date_format if all(isinstance(v, str) for v in values) else ISO_DATE
    converted = pd.to_datetime(text, format=form, errors="coerce")
    return converted if converted.notna().sum() == values.notna().sum() else values


def summary_frame(
    frame: pd.DataFrame,
    by: Sequence[Dimension] = ("network", "function", "setting", "month"),
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> pd.DataFrame:
    """Totals by ``by`` (see :func:`~inami_ppl.analytics.summarize`), one row per group.

    Refusals are counted per reason in the columns ``refused.<code>``; amounts are exact
    ``Decimal`` totals; ``month`` is a pandas monthly ``Period`` (it sorts and plots as
    time); ``unconfirmed`` counts the decisions that used an estimate, and
    ``unconfirmed_values`` names the values with their counts (``fee.individual:3``,
    joined by ``;``).
    """
    summary = summarize(_claims(frame, rules=rules, accept_unconfirmed=accept_unconfirmed), by)
    rows = []
    for record in summary.records():
        reasons = record.pop("refused_by_reason")
        assert isinstance(reasons, dict)  # noqa: S101  (the form of Totals.as_dict)
        for code in REASON_CODES:
            record[f"refused.{code}"] = reasons.get(code, 0)
        named = record["unconfirmed_values"]
        assert isinstance(named, dict)  # noqa: S101  (the form of Totals.as_dict)
        record["unconfirmed_values"] = ";".join(f"{k}:{v}" for k, v in named.items())
        for money in ("patient_share", "practitioner_fee", "insurer_share"):
            record[money] = _decimal(record[money])
        rows.append(record)
    columns = [*summary.by, *_TOTAL_COLUMNS]
    out = pd.DataFrame(rows, columns=columns)
    if "month" in out.columns:
        out["month"] = pd.PeriodIndex(out["month"], freq="M")
    return out


_TOTAL_COLUMNS = (
    "sessions",
    "accepted",
    "refused",
    "invalid",
    *(f"refused.{code}" for code in REASON_CODES),
    "patients",
    "patient_share",
    "practitioner_fee",
    "insurer_share",
    "group_sessions",
    "unconfirmed",
    "unconfirmed_values",
)


def _decimal(value: object) -> Decimal:
    return Decimal(str(value))


def averages_frame(
    frame: pd.DataFrame, *, rules: Rules | None = None, accept_unconfirmed: bool = False
) -> pd.DataFrame:
    """Sessions per patient of the target kinds, per network, against the targets.

    See :func:`~inami_ppl.analytics.network_averages`.
    """
    averages = network_averages(
        _claims(frame, rules=rules, accept_unconfirmed=accept_unconfirmed), rules=rules
    )
    columns = ("ruleset", "kind", "network", "patients", "sessions", "average", "target")
    rows = [
        {
            "ruleset": a.ruleset,
            "kind": a.kind,
            "network": a.network,
            "patients": a.patients,
            "sessions": a.sessions,
            "average": a.average,
            "target": a.target,
            "difference": a.difference,
        }
        for a in averages
    ]
    return pd.DataFrame(rows, columns=[*columns, "difference"])


def what_if_frame(
    frame: pd.DataFrame,
    scenario: Rules,
    *,
    baseline: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> pd.DataFrame:
    """The totals under ``baseline`` and ``scenario`` and their difference, as three rows.

    See :func:`~inami_ppl.analytics.what_if`.
    """
    result = what_if(
        list(records_of(frame)),
        scenario,
        baseline=baseline,
        accept_unconfirmed=accept_unconfirmed,
    )
    figures = ("accepted", "refused", "patient_share", "practitioner_fee", "insurer_share")
    before = {name: getattr(result.baseline, name) for name in figures}
    after = {name: getattr(result.scenario, name) for name in figures}
    difference = {name: after[name] - before[name] for name in figures}
    return pd.DataFrame(
        [before, after, difference], index=pd.Index(["baseline", "scenario", "difference"])
    )
