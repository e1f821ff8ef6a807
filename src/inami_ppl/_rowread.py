"""Reading the rows of one rule table: keys, sources, dates, codes, labels.

A :class:`Reader` names the file and the path of every bad value, so that an error in
a hand-written amendment file points at its row and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from inami_ppl._rulecheck import LEAST_MAXIMUM, check_count, to_confidence
from inami_ppl._ruletypes import Label, WindowSpec
from inami_ppl._validate import check_date, to_enum
from inami_ppl.errors import InvalidInputError, RuleDataError
from inami_ppl.model import Kind, Network, Source
from inami_ppl.periods import POLICIES

__all__ = ["PROVENANCE", "Reader"]

PROVENANCE: Final = frozenset({"source", "confidence"})
T = TypeVar("T")


class Reader:
    """Reads the rows of one file, naming the file and path of every bad value."""

    def __init__(self, name: str, sources: Mapping[str, str]) -> None:
        self.name = name
        self.sources = sources

    def error(self, path: str, value: object, expected: str) -> RuleDataError:
        """The error for ``path``, prefixed with the file's name when it has one."""
        return RuleDataError(f"{self.name}: {path}" if self.name else path, value, expected)

    def keys(
        self, path: str, table: object, required: set[str], optional: set[str]
    ) -> dict[str, Any]:
        if not isinstance(table, Mapping):
            raise self.error(path, table, "a table")
        unknown = set(table) - required - optional
        if unknown:
            raise self.error(f"{path}.{sorted(unknown)[0]}", "unknown key", "a known key")
        missing = required - set(table)
        if missing:
            raise self.error(f"{path}.{sorted(missing)[0]}", "missing", "a value")
        return dict(table)

    def check(self, build: Callable[[], T]) -> T:
        """Build a value or a row; an invalid one is reported with the file's name."""
        try:
            return build()
        except RuleDataError as error:
            if self.name and error.field.startswith(f"{self.name}: "):
                raise  # already named by a check of this reader
            raise self.error(error.field, error.value, error.expected) from None

    def source(self, path: str, table: Mapping[str, Any]) -> Source:
        key = table["source"]
        if not isinstance(key, str) or key not in self.sources:
            raise self.error(f"{path}.source", key, "a key of [sources]")
        note = table.get("note")
        if note is not None and not isinstance(note, str):
            raise self.error(f"{path}.note", note, "a text")
        return Source(
            key=key,
            url=self.sources[key],
            confidence=self.check(lambda: to_confidence(f"{path}.confidence", table["confidence"])),
            note=note,
        )

    def date(self, path: str, value: object) -> dt.date:
        try:
            return check_date(path, value)
        except ValueError:
            raise self.error(path, value, "a date (YYYY-MM-DD)") from None

    def end(self, path: str, entry: Mapping[str, Any]) -> dt.date | None:
        return None if "until" not in entry else self.date(f"{path}.until", entry["until"])

    def count(self, path: str, value: object, least: int = 0) -> int:
        return self.check(lambda: check_count(path, value, least))

    def flag(self, path: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.error(path, value, "true or false")
        return value

    def code(self, cls: type[Any], path: str, value: object, expected: str) -> Any:  # noqa: ANN401
        try:
            return to_enum(cls, path, value)
        except ValueError:
            raise self.error(path, value, expected) from None

    def kind(self, path: str, value: object) -> Kind:
        try:
            return Kind.parse(path, value)
        except InvalidInputError:
            raise self.error(path, value, "a 'function/setting' code") from None

    def kinds(self, path: str, value: object) -> frozenset[Kind]:
        if not isinstance(value, list) or not value:
            raise self.error(path, value, "a non-empty list of 'function/setting' codes")
        return frozenset(self.kind(f"{path}[{i}]", v) for i, v in enumerate(value))

    def per_network(self, path: str, value: object) -> tuple[tuple[Network, int], ...]:
        if not isinstance(value, Mapping) or not value:
            raise self.error(path, value, "a table of network codes to numbers")
        out = [
            (
                self.code(Network, f"{path}.{key}", key, "a network code"),
                self.count(f"{path}.{key}", number, LEAST_MAXIMUM),
            )
            for key, number in value.items()
        ]
        return tuple(sorted(out))

    def label(self, path: str, value: object) -> Label:
        return self.check(lambda: Label.read(path, value))

    def rows(self, path: str, value: object) -> list[tuple[str, object]]:
        if not isinstance(value, list):
            raise self.error(path, value, "a list of tables")
        return [(f"{path}[{i}]", row) for i, row in enumerate(value)]

    def window(self, path: str, table: object) -> WindowSpec:
        entry = self.keys(path, table, {"policy", "months", *PROVENANCE}, {"note"})
        policy = entry["policy"]
        if not isinstance(policy, str) or policy not in POLICIES:
            raise self.error(f"{path}.policy", policy, f"one of {', '.join(sorted(POLICIES))}")
        self.count(f"{path}.months", entry["months"])
        return self.check(
            lambda: WindowSpec(
                policy=entry["policy"],
                months=entry["months"],
                source=self.source(path, entry),
            ),
        )
