"""Checks of single rule values: types of the dated parameters, amounts, periods.

Shared by the row types, the reader of the tables and the overrides, so that a value
is judged the same way wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from inami_ppl._validate import to_enum
from inami_ppl.errors import RuleDataError
from inami_ppl.model import Confidence

__all__ = [
    "LEAST_MAXIMUM",
    "MAX_AMOUNT",
    "ONE_DAY",
    "OPTIONAL_PARAMETERS",
    "PARAMETER_TYPES",
    "Scalar",
    "change_bounds",
    "check_count",
    "check_periods",
    "check_scalar",
    "check_timelines",
    "check_typed",
    "holds",
    "to_confidence",
]

Scalar = bool | int | Decimal

ONE_DAY: Final = dt.timedelta(days=1)
# No fee or share comes near this; it keeps every amount exact in cents.
MAX_AMOUNT: Final = Decimal(1_000_000)

# The dated parameters the code reads, with their type. Anything else is an unknown key.
PARAMETER_TYPES: Final[Mapping[str, type]] = {
    "age.children_adolescents.max": int,
    "age.adults.min": int,
    "network.one_per_window": bool,
    "network.forced_switch_allowed": bool,
    "day.max_sessions": int,
    "day.context_exempt": bool,
    "video.first_in_person": bool,
    "modality.condition": bool,
    "co_consultation.co_provider": bool,
    "share.community": Decimal,
    "share.youth_free_max_age": int,
    "share.first_individual_free": bool,
    "share.individual": Decimal,
    "share.individual_preferential": Decimal,
    "share.group": Decimal,
    "fee.individual": Decimal,
    "fee.group.psychologist": Decimal,
    "fee.group.physician": Decimal,
    "fee.group.other": Decimal,
}
# Parameters that may be absent on some dates (the rule did not exist yet).
OPTIONAL_PARAMETERS: Final = frozenset({"share.youth_free_max_age", "co_consultation.co_provider"})


# A maximum of 0 sessions cannot be judged (no session would ever free up in the
# window to name in the refusal): the least maximum a table or an override may give.
LEAST_MAXIMUM: Final = 1


def check_count(path: str, value: object, least: int = 0) -> int:
    """A whole number, ``least`` or more (a maximum, an age, a number of months)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise RuleDataError(path, value, f"a whole number, {least} or more")
    return value


def check_scalar(path: str, kind: type, value: object) -> Scalar:
    """Check a parameter value against its declared type; amounts become ``Decimal``."""
    if kind is bool:
        if not isinstance(value, bool):
            raise RuleDataError(path, value, "true or false")
        return value
    if kind is int:
        return check_count(path, value, LEAST_MAXIMUM if path.endswith("max_sessions") else 0)
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise RuleDataError(path, value, "an amount in euros, 0 or more")
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise RuleDataError(path, value, "an amount in euros, 0 or more") from None
    if not amount.is_finite() or amount.is_signed() or amount >= MAX_AMOUNT:
        raise RuleDataError(path, value, f"a finite amount in euros, 0 or more, below {MAX_AMOUNT}")
    cents = amount.quantize(Decimal("0.01"))
    if cents != amount:  # a fraction of a cent would be rounded away unseen
        raise RuleDataError(path, value, "an amount in euros with at most two decimals")
    return cents


def to_confidence(path: str, value: object) -> Confidence:
    """A confidence mark given as itself or as its code."""
    try:
        return to_enum(Confidence, path, value)
    except ValueError:
        raise RuleDataError(path, value, "one of 'SEED', 'P', 'S', 'A'") from None


def holds(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether the period ``start``..``end`` (open when ``end`` is None) holds ``day``."""
    return start <= day and (end is None or day <= end)


def check_periods(
    path: str,
    periods: list[tuple[dt.date, dt.date | None]],
    coverage: tuple[dt.date, dt.date],
    *,
    complete: bool,
) -> None:
    """Periods must be ordered, not overlap, lie in the coverage and, if ``complete``, fill it."""
    start, end = coverage
    if complete and not periods:
        raise RuleDataError(path, "missing", "at least one period")
    previous_end: dt.date | None = start - ONE_DAY
    for first, last in periods:
        if last is not None and last < first:
            raise RuleDataError(path, f"{first}..{last}", "a period that ends after it starts")
        if first < start or first > end:
            raise RuleDataError(path, f"{first}", f"a start within {start}..{end}")
        if previous_end is None or first <= previous_end:
            raise RuleDataError(path, f"{first}", "periods in order and without overlap")
        if complete and first != previous_end + ONE_DAY:
            raise RuleDataError(path, f"{first}", f"no gap after {previous_end}")
        previous_end = last
    if complete and previous_end is not None and previous_end < end:
        raise RuleDataError(path, f"{previous_end}", f"periods that reach {end}")


def check_typed(field: str, value: object, kind: type) -> None:
    """``value`` is a ``kind``; a changed copy of the tables built with a wrong type fails here."""
    if not isinstance(value, kind):
        raise RuleDataError(field, value, f"a {kind.__name__}")


def check_timelines(
    coverage: tuple[dt.date, dt.date], rulesets: Iterable[Any], parameters: Iterable[Any]
) -> None:
    """Rule sets fill the coverage; each parameter's periods are ordered, without overlap."""
    ordered = sorted(rulesets, key=lambda r: r.start)
    check_periods("ruleset", [(r.start, r.end) for r in ordered], coverage, complete=True)
    by_name: dict[str, list[Any]] = {name: [] for name in PARAMETER_TYPES}
    for param in parameters:
        by_name[param.name].append(param)
    for name, entries in by_name.items():
        entries.sort(key=lambda p: p.start)
        check_periods(
            f"parameter {name}",
            [(p.start, p.end) for p in entries],
            coverage,
            complete=name not in OPTIONAL_PARAMETERS,
        )


def change_bounds(coverage: tuple[dt.date, dt.date], rows: Iterable[Any]) -> tuple[dt.date, ...]:
    """Every date on which a row starts or the day after one ends, within the coverage."""
    first_day, last_day = coverage
    bounds = {first_day}
    for row in rows:
        bounds.add(row.start)
        if row.end is not None and row.end < last_day:
            bounds.add(row.end + ONE_DAY)
    return tuple(sorted(bounds))
