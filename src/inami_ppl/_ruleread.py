"""The strict reader of rule tables written in TOML (the bundled tables and amendment files).

One reader for both: a complete table (every section present) and an amendment
(only what changes). It rejects unknown keys, unknown source keys, labels that miss
a language and malformed values, naming the file, the row and the field. The format
is public and only ever grows: keys are added, never renamed or removed, so that a
file written for ``format = 1`` keeps loading.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from typing import Any, Final, final

import attrs

from inami_ppl._rowread import PROVENANCE, Reader
from inami_ppl._rulecheck import PARAMETER_TYPES, check_scalar
from inami_ppl._rulesetread import read_ruleset
from inami_ppl._ruletypes import BillingCode, Parameter, RulesetDef, WindowSpec
from inami_ppl.errors import RuleDataError
from inami_ppl.model import Function, Modality, Network, Setting, Source

__all__ = ["FORMAT", "Table", "parse_toml", "read_table"]

# The versions of the table format this reader understands (it only ever grows).
FORMAT: Final = 1
_TOP: Final = {
    "format",
    "reviewed_on",
    "coverage",
    "window",
    "sources",
    "ruleset",
    "parameter",
    "billing_code",
}
# What a complete table must hold; an amendment needs only ``format``.
_COMPLETE: Final = {
    "format",
    "reviewed_on",
    "coverage",
    "window",
    "sources",
    "ruleset",
    "parameter",
}


@final
@attrs.frozen(kw_only=True)
class Table:
    """What one file says, checked row by row but not yet merged with other tables."""

    reviewed_on: dt.date | None
    coverage: tuple[dt.date, dt.date, Source] | None
    window: WindowSpec | None
    sources: Mapping[str, str]
    rulesets: tuple[RulesetDef, ...]
    parameters: tuple[Parameter, ...]
    billing_codes: tuple[BillingCode, ...]


def parse_toml(data: object, name: str) -> Mapping[str, Any]:
    """The parsed TOML of ``data`` (bytes of UTF-8 text)."""
    if not isinstance(data, bytes | bytearray):
        raise RuleDataError(name, data, "the bytes of a TOML file")
    try:
        return tomllib.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RuleDataError(name, str(error), "valid UTF-8 TOML") from None


def read_table(
    data: Mapping[str, Any],
    *,
    name: str,
    complete: bool,
    sources: Mapping[str, str],
    rulesets: Mapping[str, RulesetDef],
) -> Table:
    """Check one parsed file.

    Args:
        data: the parsed TOML.
        name: the file's name, used in every error.
        complete: a complete table (the bundled one) rather than an amendment.
        sources: the source keys already known (an amendment may use them).
        rulesets: the rule sets already known, by id (an amendment may change or
            extend them).

    """
    reader = Reader(name, sources)
    required = _COMPLETE if complete else {"format"}
    table = reader.keys("rules", data, required, _TOP - required)
    if table["format"] != FORMAT:
        raise reader.error("format", table["format"], str(FORMAT))
    new_sources = table.get("sources", {})
    if not isinstance(new_sources, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in new_sources.items()
    ):
        raise reader.error("sources", new_sources, "a table of source keys to URLs")
    for key, url in new_sources.items():
        if sources.get(key, url) != url:
            raise reader.error(
                f"sources.{key}", url, f"the URL already known ({sources[key]}) or a new key"
            )
    reader.sources = {**sources, **new_sources}
    coverage = None
    if "coverage" in table:
        entry = reader.keys("coverage", table["coverage"], {"start", "end", *PROVENANCE}, {"note"})
        coverage = (
            reader.date("coverage.start", entry["start"]),
            reader.date("coverage.end", entry["end"]),
            reader.source("coverage", entry),
        )
    window = reader.window("window", table["window"]) if "window" in table else None
    known = dict(rulesets)
    read_rulesets: list[RulesetDef] = []
    for path, row in reader.rows("ruleset", table.get("ruleset", [])):
        definition = read_ruleset(reader, path, row, known, complete=complete)
        known[definition.id] = definition
        read_rulesets.append(definition)
    return Table(
        reviewed_on=None
        if "reviewed_on" not in table
        else reader.date("reviewed_on", table["reviewed_on"]),
        coverage=coverage,
        window=window,
        sources=reader.sources,
        rulesets=tuple(read_rulesets),
        parameters=tuple(
            _read_parameter(reader, path, row)
            for path, row in reader.rows("parameter", table.get("parameter", []))
        ),
        billing_codes=tuple(
            _read_billing_code(reader, path, row)
            for path, row in reader.rows("billing_code", table.get("billing_code", []))
        ),
    )


def _read_parameter(reader: Reader, path: str, table: object) -> Parameter:
    entry = reader.keys(
        path,
        table,
        {"name", "start", "value", *PROVENANCE},
        {"until", "note", "estimate", "label"},
    )
    name = entry["name"]
    if name not in PARAMETER_TYPES:
        raise reader.error(f"{path}.name", name, "a known parameter name")
    value = reader.check(
        lambda: check_scalar(f"{path}.value", PARAMETER_TYPES[name], entry["value"])
    )
    return reader.check(
        lambda: Parameter(
            name=name,
            start=reader.date(f"{path}.start", entry["start"]),
            end=reader.end(path, entry),
            value=value,
            source=reader.source(path, entry),
            estimate=reader.flag(f"{path}.estimate", entry.get("estimate", False)),
            label=reader.label(f"{path}.label", entry["label"]) if "label" in entry else None,
        ),
    )


_SELECTORS: Final[Mapping[str, tuple[type[Any], str]]] = {
    "function": (Function, "a function code"),
    "setting": (Setting, "'individual' or 'group'"),
    "modality": (Modality, "a modality code"),
    "network": (Network, "a network code"),
}


def _read_billing_code(reader: Reader, path: str, table: object) -> BillingCode:
    entry = reader.keys(
        path,
        table,
        {"code", "start", *PROVENANCE},
        {"until", "note", "with_context", *_SELECTORS},
    )
    selected: dict[str, Any] = {
        key: reader.code(cls, f"{path}.{key}", entry[key], expected)
        for key, (cls, expected) in _SELECTORS.items()
        if key in entry
    }
    if "with_context" in entry:
        selected["with_context"] = reader.flag(f"{path}.with_context", entry["with_context"])
    return reader.check(
        lambda: BillingCode(
            code=entry["code"],
            start=reader.date(f"{path}.start", entry["start"]),
            end=reader.end(path, entry),
            source=reader.source(path, entry),
            **selected,
        ),
    )
