"""Changed copies of the rule tables: amendment rows cut the periods they overlap.

Used by :meth:`~inami_ppl.Rules.amend` (a file in the tables' format) and
:meth:`~inami_ppl.Rules.with_overrides` (values given in code). A dated row replaces
the rows of the same value over its own period and trims them around it; a confirmed
row therefore ends an estimate where it applies. :func:`diff_values` says what an
amendment changes, value by value, so that it can be reviewed before use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar, final

import attrs

from inami_ppl._rulecheck import (
    LEAST_MAXIMUM,
    ONE_DAY,
    PARAMETER_TYPES,
    check_count,
    check_scalar,
    to_confidence,
)
from inami_ppl._ruletypes import BillingCode, Parameter, RulesetDef, RuleValue
from inami_ppl._validate import to_enum
from inami_ppl.errors import RuleDataError
from inami_ppl.model import Network, Source

__all__ = ["Change", "diff_values", "override", "splice"]


class _Dated(Protocol):
    @property
    def start(self) -> dt.date: ...  # pragma: no cover

    @property
    def end(self) -> dt.date | None: ...  # pragma: no cover


D = TypeVar("D", bound=_Dated)


def _overlaps(a: _Dated, b: _Dated) -> bool:
    return (a.end is None or a.end >= b.start) and (b.end is None or b.end >= a.start)


def splice(rows: Sequence[D], new: D, key: Callable[[D], object]) -> list[D]:
    """``rows`` with ``new`` added and the rows of its key that it overlaps cut around it."""
    out: list[D] = []
    for row in rows:
        if key(row) != key(new) or not _overlaps(row, new):
            out.append(row)
            continue
        if row.start < new.start:
            out.append(attrs.evolve(row, end=new.start - ONE_DAY))  # type: ignore[misc]
        if new.end is not None and (row.end is None or row.end > new.end):
            out.append(attrs.evolve(row, start=new.end + ONE_DAY))  # type: ignore[misc]
    out.append(new)
    return sorted(out, key=lambda row: row.start)


def _any_ruleset(_: RulesetDef) -> object:
    """Rule sets share one timeline: a new one cuts whichever it overlaps."""
    return None


def _name(param: Parameter) -> object:
    return param.name


def _selector(code: BillingCode) -> object:
    return code.selector


def splice_all(
    rulesets: Iterable[RulesetDef],
    parameters: Iterable[Parameter],
    billing_codes: Iterable[BillingCode],
    new: tuple[Sequence[RulesetDef], Sequence[Parameter], Sequence[BillingCode]],
) -> tuple[tuple[RulesetDef, ...], tuple[Parameter, ...], tuple[BillingCode, ...]]:
    """Apply the rows of an amendment, in file order."""
    new_rulesets, new_parameters, new_codes = new
    out_rulesets = list(rulesets)
    for definition in new_rulesets:
        kept = [r for r in out_rulesets if r.id != definition.id]
        out_rulesets = splice(kept, definition, _any_ruleset)
    out_parameters = list(parameters)
    for param in new_parameters:
        out_parameters = splice(out_parameters, param, _name)
    out_codes = list(billing_codes)
    for code in new_codes:
        out_codes = splice(out_codes, code, _selector)
    return tuple(out_rulesets), tuple(out_parameters), tuple(out_codes)


def override(
    rulesets: Sequence[RulesetDef],
    parameters: Sequence[Parameter],
    overrides: Mapping[str, object],
    period: tuple[dt.date, dt.date | None],
    source: Source,
) -> tuple[tuple[RulesetDef, ...], tuple[Parameter, ...]]:
    """Replace dated parameters over ``period`` and maxima of whole rule sets."""
    if not isinstance(overrides, Mapping):
        raise RuleDataError("overrides", overrides, "a mapping of names to values")
    first, last = period
    out_rulesets = list(rulesets)
    out_parameters = list(parameters)
    for key, value in overrides.items():
        name: object = key
        if not isinstance(name, str):
            raise RuleDataError("overrides", name, "a parameter or limit name")
        if name in PARAMETER_TYPES:
            param = Parameter(
                name=name,
                start=first,
                end=last,
                value=check_scalar(name, PARAMETER_TYPES[name], value),
                source=source,
            )
            out_parameters = splice(out_parameters, param, _name)
        elif name.startswith("limit."):
            out_rulesets = _override_limit(out_rulesets, name, value, source)
        else:
            raise RuleDataError("overrides", name, "a parameter or limit name")
    return tuple(out_rulesets), tuple(out_parameters)


def provenance(
    sources: Mapping[str, str],
    source: object,
    url: str | None,
    confidence: object,
    note: str | None,
) -> Source:
    """The source of overridden values: a known key keeps its URL, a new one needs none."""
    if not isinstance(source, str) or not source:
        raise RuleDataError("source", source, "a non-empty source name")
    known = sources.get(source)
    if url is None:
        url = known or "user override"
    elif known is not None and known != url:
        raise RuleDataError("url", url, f"the URL of source {source!r} ({known}) or a new key")
    return Source(
        key=source, url=url, confidence=to_confidence("confidence", confidence), note=note
    )


def _override_limit(
    rulesets: list[RulesetDef], name: str, value: object, source: Source
) -> list[RulesetDef]:
    parts = name.split(".")
    expected = "limit.<rule set>.<limit id>.<network>"
    if len(parts) != 4:
        raise RuleDataError("overrides", name, expected)
    _, ruleset_id, limit_id, network_code = parts
    try:
        network = to_enum(Network, "overrides", network_code)
    except ValueError:
        raise RuleDataError("overrides", name, expected) from None
    maximum = check_count(name, value, LEAST_MAXIMUM)
    out = []
    found = False
    for definition in rulesets:
        limits = []
        for limit in definition.limits:
            if definition.id == ruleset_id and limit.id == limit_id:
                found = True
                maxima = {**dict(limit.maxima), network: maximum}
                limits.append(
                    attrs.evolve(limit, maxima=tuple(sorted(maxima.items())), source=source)
                )
            else:
                limits.append(limit)
        out.append(attrs.evolve(definition, limits=tuple(limits)))
    if not found:
        raise RuleDataError("overrides", name, f"an existing limit ({expected})")
    return out


@final
@attrs.frozen(kw_only=True)
class Change:
    """One row of a rules diff: a value row that an amendment removes or adds.

    A changed amount shows as its old period removed (``"-"``) and its new periods
    added (``"+"``), each with its source and whether it is an estimate.
    """

    sign: str
    value: RuleValue

    def line(self) -> str:
        """One readable line: sign, name, period, value, mark, source, estimate."""
        v = self.value
        end = "open" if v.end is None else v.end.isoformat()
        shown = v.as_dict()["value"]
        estimate = " estimate" if v.estimate else ""
        return (
            f"{self.sign} {v.name} {v.start.isoformat()}..{end} = {shown} "
            f"[{v.source.confidence.value}] {v.source.key}{estimate}"
        )


def diff_values(before: Iterable[RuleValue], after: Iterable[RuleValue]) -> tuple[Change, ...]:
    """The value rows only in ``before`` (removed) or only in ``after`` (added), by name."""
    old = list(before)
    new = list(after)
    changes = [Change(sign="-", value=v) for v in old if v not in new]
    changes += [Change(sign="+", value=v) for v in new if v not in old]
    return tuple(sorted(changes, key=lambda c: (c.value.name, c.value.start, c.sign != "-")))
