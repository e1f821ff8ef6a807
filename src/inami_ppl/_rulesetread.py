"""Reading the rule sets of a table: new ones, ones that extend another, changed ones.

A rule set that ``extends`` another starts from a copy of it; its rows replace those
of the same key (a function by its code, a limit or target by its id, a combination
or a transition by its kind) and add the others. In an amendment, a rule set named by
an id already known is changed the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from inami_ppl._rowread import PROVENANCE, Reader
from inami_ppl._ruletypes import (
    Combination,
    CountsAs,
    FunctionRule,
    Limit,
    RulesetDef,
    Target,
)
from inami_ppl.errors import RuleDataError
from inami_ppl.model import Function

__all__ = ["read_ruleset"]

T = TypeVar("T")


def _replace(base: tuple[T, ...], new: list[T], key: Callable[[T], object]) -> tuple[T, ...]:
    """``base`` with the rows of ``new`` replacing those of the same key, others appended.

    Two new rows with one key are left both in place, for the rule set to refuse.
    """
    replacing = {key(row): row for row in new}
    if len(replacing) != len(new):
        return (*base, *new)
    kept = [replacing.pop(key(row), row) for row in base]
    return (*kept, *replacing.values())


def read_ruleset(
    reader: Reader,
    path: str,
    table: object,
    known: Mapping[str, RulesetDef],
    *,
    complete: bool,
) -> RulesetDef:
    """A rule set: new, extending another (``extends``), or (in an amendment) changed."""
    optional = {"until", "note", "extends", "window", "function", "limit", "combination"}
    optional |= {"counts_as", "target"}
    peek = reader.keys(path, table, {"id"}, optional | {"start", *PROVENANCE})
    ruleset_id = peek["id"]
    if not isinstance(ruleset_id, str) or not ruleset_id:
        raise reader.error(f"{path}.id", ruleset_id, "a rule set name")
    changing = ruleset_id in known and "extends" not in peek
    if changing and complete:
        raise reader.error(f"{path}.id", ruleset_id, "each rule set listed once")
    required = {"id"} if changing else {"id", "start", *PROVENANCE}
    entry = reader.keys(path, table, required, optional | {"start", *PROVENANCE} - required)
    base: RulesetDef | None = known.get(ruleset_id) if changing else None
    if "extends" in entry:
        parent = entry["extends"]
        if not isinstance(parent, str) or parent not in known:
            raise reader.error(f"{path}.extends", parent, "the id of a rule set listed before")
        base = known[parent]
    functions = [
        FunctionRule(
            function=reader.code(Function, f"{p}.function", row["function"], "a function code"),
            requires_assessment=reader.flag(
                f"{p}.requires_assessment", row.get("requires_assessment", False)
            ),
            source=reader.source(p, row),
            label=reader.label(f"{p}.label", row["label"]),
        )
        for p, row in _sub_rows(reader, path, entry, "function", {"function", "label"})
    ]
    limits = [
        Limit(
            id=_id(reader, f"{p}.id", row["id"]),
            kinds=reader.kinds(f"{p}.kinds", row["kinds"]),
            maxima=reader.per_network(f"{p}.max", row["max"]),
            source=reader.source(p, row),
            label=reader.label(f"{p}.label", row["label"]),
        )
        for p, row in _sub_rows(reader, path, entry, "limit", {"id", "kinds", "max", "label"})
    ]
    targets = [
        Target(
            id=_id(reader, f"{p}.id", row["id"]),
            kind=reader.kind(f"{p}.kind", row["kind"]),
            averages=reader.per_network(f"{p}.average", row["average"]),
            source=reader.source(p, row),
            label=reader.label(f"{p}.label", row["label"]),
        )
        for p, row in _sub_rows(reader, path, entry, "target", {"id", "kind", "average", "label"})
    ]
    combinations = [
        Combination(
            kind=reader.kind(f"{p}.kind", row["kind"]),
            excluded_by=reader.kinds(f"{p}.excluded_by", row["excluded_by"]),
            source=reader.source(p, row),
        )
        for p, row in _sub_rows(reader, path, entry, "combination", {"kind", "excluded_by"})
    ]
    counts_as = [
        CountsAs(
            kind=reader.kind(f"{p}.kind", row["kind"]),
            as_kind=reader.kind(f"{p}.as", row["as"]),
            source=reader.source(p, row),
        )
        for p, row in _sub_rows(reader, path, entry, "counts_as", {"kind", "as"})
    ]
    window = reader.window(f"{path}.window", entry["window"]) if "window" in entry else None
    if base is None:
        base = RulesetDef(
            id=ruleset_id,
            start=reader.date(f"{path}.start", entry["start"]),
            end=None,
            source=reader.source(path, entry),
            functions=(),
            limits=(),
            combinations=(),
            counts_as=(),
            targets=(),
        )
    try:
        return reader.check(
            lambda: RulesetDef(
                id=ruleset_id,
                start=reader.date(f"{path}.start", entry["start"])
                if "start" in entry
                else base.start,
                end=reader.end(path, entry) if "until" in entry or not changing else base.end,
                source=reader.source(path, entry) if "source" in entry else base.source,
                functions=_replace(base.functions, functions, lambda r: r.function),
                limits=_replace(base.limits, limits, lambda r: r.id),
                combinations=_replace(base.combinations, combinations, lambda r: r.kind),
                counts_as=_replace(base.counts_as, counts_as, lambda r: r.kind),
                targets=_replace(base.targets, targets, lambda r: r.id),
                window=window or base.window,
            ),
        )
    except RuleDataError as error:
        # The rule set names itself by id; the file's reader names it by its row.
        field = error.field.replace(f"ruleset {ruleset_id}", path, 1)
        raise RuleDataError(field, error.value, error.expected) from None


def _id(reader: Reader, path: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise reader.error(path, value, "an identifier")
    return value


def _sub_rows(
    reader: Reader, path: str, entry: Mapping[str, Any], key: str, required: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    """The rows of sub-table ``key`` of a rule set, each checked for its keys."""
    optional = {"note", "requires_assessment"} if key == "function" else {"note"}
    return [
        (p, reader.keys(p, row, required | PROVENANCE, optional))
        for p, row in reader.rows(f"{path}.{key}", entry.get(key, []))
    ]
