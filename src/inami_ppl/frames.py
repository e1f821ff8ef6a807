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
{'allowed': [True, False], 'reasons': ['', 'day.limit'], 'patient_share': [Decimal('0.00'), None]}
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from inami_ppl.analytics import Dimension, network_averages, summarize, what_if
from inami_ppl.checks import REASON_CODES
from inami_ppl.claims import OUTPUT_COLUMNS, Claim, assess_records
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


def assess_frame(
    frame: pd.DataFrame,
    *,
    lang: str = "en",
    grouped: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> pd.DataFrame:
    """``frame`` with the decision of each row added (same index, same order).

    Added columns: ``allowed`` (``None`` for a malformed row), ``reasons`` (codes joined
    by ``;``), ``patient_share``, ``practitioner_fee``, ``insurer_share`` (``Decimal``,
    ``None`` where there is none), ``ruleset``, ``share_reason`` (the ``share.*`` code of
    an accepted row), ``unconfirmed``, ``unconfirmed_values`` (the names of the estimates
    used, joined by ``;``), ``billing_code`` (``None`` when no billing-code table
    matches), ``messages`` (in ``lang``, joined by `` | ``) and ``error`` (what is wrong
    with a malformed row).
    """
    # The output columns of a claims file, but the line: the frame's index says the row.
    added: dict[str, list[object]] = {name: [] for name in OUTPUT_COLUMNS if name != "line"}
    options = {"grouped": grouped, "rules": rules, "accept_unconfirmed": accept_unconfirmed}
    for claim in _claims(frame, **options):
        a = claim.assessment
        added["allowed"].append(None if a is None else a.allowed)
        added["reasons"].append("" if a is None else ";".join(a.codes))
        added["patient_share"].append(None if a is None else a.patient_share)
        added["practitioner_fee"].append(None if a is None else a.practitioner_fee)
        added["insurer_share"].append(None if a is None else a.insurer_share)
        added["ruleset"].append(None if a is None else a.ruleset)
        added["share_reason"].append(
            None if a is None or a.share_reason is None else a.share_reason.code.value
        )
        added["unconfirmed"].append(None if a is None else a.unconfirmed)
        added["unconfirmed_values"].append("" if a is None else ";".join(a.unconfirmed_values))
        added["billing_code"].append(None if a is None else a.billing_code)
        added["messages"].append("" if a is None else " | ".join(a.messages(lang)))
        added["error"].append(None if claim.error is None else claim.error.detail)
    out = frame.copy()
    for name, values in added.items():
        out[name] = pd.Series(values, index=frame.index, dtype=object)
    return out


def summary_frame(
    frame: pd.DataFrame,
    by: Sequence[Dimension] = ("network", "function", "setting", "month"),
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> pd.DataFrame:
    """Totals by ``by`` (see :func:`~inami_ppl.analytics.summarize`), one row per group.

    Refusals are counted per reason in the columns ``refused.<code>``; ``unconfirmed``
    counts the decisions that used an estimate, and ``unconfirmed_values`` names the
    values with their counts (``fee.individual:3``, joined by ``;``).
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
    return pd.DataFrame(rows, columns=columns)


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
