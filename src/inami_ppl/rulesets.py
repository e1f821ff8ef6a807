"""Rule tables: loading, validating, looking up by date, and deriving changed copies.

Every limit, amount, age bound and date of ``RULES.md`` lives in ``data/rules.toml``,
one entry per validity period, each with its source and confidence mark. This module
reads the tables strictly and answers one question: which rules are in force on a
date (:func:`ruleset_for`). A user derives a changed rule set (a what-if, or an
amount published after a release) with :meth:`Rules.with_overrides`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Final, final

import attrs

from inami_ppl._validate import check_bool, check_date, to_enum
from inami_ppl.errors import InvalidInputError, OutOfCoverageError, RuleDataError
from inami_ppl.model import SETTINGS, Confidence, Function, Kind, Network, Setting, Source
from inami_ppl.periods import POLICIES

__all__ = [
    "Combination",
    "CountsAs",
    "FunctionRule",
    "Limit",
    "RuleValue",
    "Rules",
    "Ruleset",
    "Target",
    "WindowSpec",
    "default_rules",
    "resolve_rules",
    "ruleset_for",
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
# A maximum of 0 sessions cannot be judged (no session would ever free up in the
# window to name in the refusal): the least maximum a table or an override may give.
_LEAST_MAXIMUM: Final = 1
# Parameters that may be absent on some dates (the rule did not exist yet).
OPTIONAL_PARAMETERS: Final = frozenset({"share.youth_free_max_age"})


# --------------------------------------------------------------------------------------
# Value objects


@final
@attrs.frozen(kw_only=True)
class RuleValue:
    """One value of the rule tables with its validity period and provenance."""

    name: str
    value: object
    start: dt.date
    end: dt.date | None
    source: Source

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form (dates ISO, amounts as strings)."""
        value = self.value
        if isinstance(value, Decimal | dt.date):
            value = str(value)
        elif isinstance(value, frozenset | tuple):
            value = sorted(str(v) for v in value)
        return {
            "name": self.name,
            "value": value,
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "source": self.source.key,
            "url": self.source.url,
            "confidence": self.source.confidence.value,
            "note": self.source.note,
        }


@final
@attrs.frozen(kw_only=True)
class WindowSpec:
    """The 12-month window policy named in the tables (``RULES.md`` §4)."""

    policy: str
    months: int
    source: Source


@final
@attrs.frozen(kw_only=True)
class FunctionRule:
    """A function in force in a rule set; whether it needs a functional assessment."""

    function: Function
    requires_assessment: bool
    source: Source


@final
@attrs.frozen(kw_only=True)
class Limit:
    """A maximum number of sessions of some kinds in one window, per network."""

    id: str
    kinds: frozenset[Kind]
    maxima: tuple[tuple[Network, int], ...]
    source: Source

    def maximum(self, network: Network) -> int | None:
        """The maximum for ``network``, or ``None`` when the network has none."""
        for net, value in self.maxima:
            if net is network:
                return value
        return None


@final
@attrs.frozen(kw_only=True)
class Combination:
    """A session of ``kind`` is refused when the window holds one of ``excluded_by``."""

    kind: Kind
    excluded_by: frozenset[Kind]
    source: Source


@final
@attrs.frozen(kw_only=True)
class CountsAs:
    """An earlier rule set's session kind counted as a kind of this rule set."""

    kind: Kind
    as_kind: Kind
    source: Source


@final
@attrs.frozen(kw_only=True)
class Target:
    """A network caseload target (average sessions per patient); never a limit."""

    id: str
    kind: Kind
    averages: tuple[tuple[Network, int], ...]
    source: Source


@final
@attrs.frozen(kw_only=True)
class RulesetDef:
    """A rule set as read from the tables, before dated parameters are merged in."""

    id: str
    start: dt.date
    end: dt.date | None
    source: Source
    functions: tuple[FunctionRule, ...]
    limits: tuple[Limit, ...]
    combinations: tuple[Combination, ...]
    counts_as: tuple[CountsAs, ...]
    targets: tuple[Target, ...]


@final
@attrs.frozen(kw_only=True)
class Parameter:
    """One dated value of a parameter."""

    name: str
    start: dt.date
    end: dt.date | None
    value: Scalar
    source: Source


@final
@attrs.frozen(kw_only=True, eq=False)
class Ruleset:
    """The rules in force on a date: a rule set and the dated parameters of that day.

    ``start``/``end`` is the rule set's own period; ``valid_from``/``valid_until`` the
    span of dates over which every value here stays the same. Returned by
    :func:`ruleset_for`; lists its values with their provenance with :meth:`values`.

    >>> import datetime as dt
    >>> rs = ruleset_for(dt.date(2024, 5, 2))
    >>> rs.id, rs.decimal("fee.individual")
    ('2024', Decimal('81.74'))
    """

    id: str
    start: dt.date
    end: dt.date
    valid_from: dt.date
    valid_until: dt.date
    unconfirmed: bool
    source: Source
    window: WindowSpec
    coverage: tuple[dt.date, dt.date]
    coverage_source: Source
    functions: tuple[FunctionRule, ...]
    limits: tuple[Limit, ...]
    combinations: tuple[Combination, ...]
    counts_as: tuple[CountsAs, ...]
    targets: tuple[Target, ...]
    parameters: Mapping[str, Parameter]
    _mapping: Mapping[Kind, Kind | None] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        """Precompute how every session kind counts under this rule set."""
        own = {rule.function for rule in self.functions}
        mapping: dict[Kind, Kind | None] = {}
        for function in Function:
            for kind in _all_kinds(function):
                mapping[kind] = kind if function in own else None
        for entry in self.counts_as:
            mapping[entry.kind] = entry.as_kind
        object.__setattr__(self, "_mapping", mapping)

    def in_force(self, function: Function) -> bool:
        """Whether ``function`` exists in this rule set."""
        return any(rule.function is function for rule in self.functions)

    def function_rule(self, function: Function) -> FunctionRule | None:
        """The rule for ``function``, or ``None`` when it is not in force."""
        for rule in self.functions:
            if rule.function is function:
                return rule
        return None

    def counts_as_kind(self, kind: Kind) -> Kind | None:
        """How an accepted session of ``kind`` counts here (``None``: it does not)."""
        return self._mapping[kind]

    def parameter(self, name: str) -> Parameter | None:
        """The dated parameter ``name`` in force, or ``None`` when it has no value now."""
        return self.parameters.get(name)

    def require(self, name: str) -> Parameter:
        """The dated parameter ``name`` in force; an error when it has no value now."""
        try:
            return self.parameters[name]
        except KeyError:
            raise RuleDataError("parameter", name, "a parameter in force on this date") from None

    def decimal(self, name: str) -> Decimal:
        """An amount in euros."""
        value = self.require(name).value
        assert isinstance(value, Decimal)  # noqa: S101  (types are checked when loading)
        return value

    def integer(self, name: str) -> int:
        """A whole-number parameter (an age, a count)."""
        value = self.require(name).value
        assert isinstance(value, int)  # noqa: S101  (types are checked when loading)
        return value

    def flag(self, name: str) -> bool:
        """A yes/no parameter (whether a rule applies)."""
        value = self.require(name).value
        assert isinstance(value, bool)  # noqa: S101  (types are checked when loading)
        return value

    def kinds(self) -> tuple[Kind, ...]:
        """Every (function, setting) of the rule set, in table order."""
        return tuple(kind for rule in self.functions for kind in _all_kinds(rule.function))

    def values(self) -> tuple[RuleValue, ...]:
        """Every value in force, each with its validity period and provenance."""
        first, last = self.coverage
        out = [
            RuleValue(
                name="coverage.start",
                value=first,
                start=first,
                end=last,
                source=self.coverage_source,
            ),
            RuleValue(
                name="coverage.end", value=last, start=first, end=last, source=self.coverage_source
            ),
            RuleValue(
                name="window.policy",
                value=self.window.policy,
                start=first,
                end=last,
                source=self.window.source,
            ),
            RuleValue(
                name="window.months",
                value=self.window.months,
                start=first,
                end=last,
                source=self.window.source,
            ),
        ]
        # Structure of the rule set: valid over the rule set's own period.
        structure: list[tuple[str, object, Source]] = [("ruleset", self.id, self.source)]
        structure += [
            (f"function.{r.function.value}.requires_assessment", r.requires_assessment, r.source)
            for r in self.functions
        ]
        structure += [
            (f"limit.{limit.id}.{network.value}", maximum, limit.source)
            for limit in self.limits
            for network, maximum in limit.maxima
        ]
        structure += [
            (f"target.{target.id}.{network.value}", average, target.source)
            for target in self.targets
            for network, average in target.averages
        ]
        structure += [
            (
                f"combination.{c.kind.code}.excluded_by",
                frozenset(k.code for k in c.excluded_by),
                c.source,
            )
            for c in self.combinations
        ]
        structure += [
            (f"counts_as.{e.kind.code}", e.as_kind.code, e.source) for e in self.counts_as
        ]
        out += [
            RuleValue(name=name, value=value, start=self.start, end=self.end, source=source)
            for name, value, source in structure
        ]
        out += [
            RuleValue(name=name, value=p.value, start=p.start, end=p.end, source=p.source)
            for name, p in sorted(self.parameters.items())
        ]
        return tuple(out)


def _all_kinds(function: Function) -> tuple[Kind, ...]:
    return tuple(Kind(function, s) for s in Setting if s in SETTINGS[function])


# --------------------------------------------------------------------------------------
# Strict reading of the tables


class _Reader:
    """Reads one table (a mapping) strictly, naming the path of every bad value."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources

    @staticmethod
    def keys(path: str, table: object, required: set[str], optional: set[str]) -> dict[str, Any]:
        if not isinstance(table, Mapping):
            raise RuleDataError(path, table, "a table")
        unknown = set(table) - required - optional
        if unknown:
            raise RuleDataError(f"{path}.{sorted(unknown)[0]}", "unknown key", "a known key")
        missing = required - set(table)
        if missing:
            raise RuleDataError(f"{path}.{sorted(missing)[0]}", "missing", "a value")
        return dict(table)

    def source(self, path: str, table: Mapping[str, Any]) -> Source:
        key = table["source"]
        if not isinstance(key, str) or key not in self.sources:
            raise RuleDataError(f"{path}.source", key, "a key of [sources]")
        note = table.get("note")
        if note is not None and not isinstance(note, str):
            raise RuleDataError(f"{path}.note", note, "a text")
        return Source(
            key=key,
            url=self.sources[key],
            confidence=_confidence(f"{path}.confidence", table["confidence"]),
            note=note,
        )

    @staticmethod
    def date(path: str, value: object) -> dt.date:
        try:
            return check_date(path, value)
        except ValueError:
            raise RuleDataError(path, value, "a date (YYYY-MM-DD)") from None

    @staticmethod
    def count(path: str, value: object, least: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise RuleDataError(path, value, f"a whole number, {least} or more")
        return value

    def kind(self, path: str, value: object) -> Kind:
        try:
            return Kind.parse(path, value)
        except ValueError:
            raise RuleDataError(path, value, "a 'function/setting' code") from None

    def kinds(self, path: str, value: object) -> frozenset[Kind]:
        if not isinstance(value, list) or not value:
            raise RuleDataError(path, value, "a non-empty list of 'function/setting' codes")
        return frozenset(self.kind(f"{path}[{i}]", v) for i, v in enumerate(value))

    def per_network(self, path: str, value: object) -> tuple[tuple[Network, int], ...]:
        if not isinstance(value, Mapping) or not value:
            raise RuleDataError(path, value, "a table of network codes to numbers")
        out = []
        for key, number in value.items():
            try:
                network = to_enum(Network, f"{path}.{key}", key)
            except ValueError:
                raise RuleDataError(f"{path}.{key}", key, "a network code") from None
            out.append((network, self.count(f"{path}.{key}", number, _LEAST_MAXIMUM)))
        return tuple(sorted(out))


def _confidence(path: str, value: object) -> Confidence:
    try:
        return to_enum(Confidence, path, value)
    except ValueError:
        raise RuleDataError(path, value, "one of 'SEED', 'P', 'S', 'A'") from None


def _scalar(path: str, kind: type, value: object) -> Scalar:
    """Check a parameter value against its declared type; amounts become ``Decimal``."""
    if kind is bool:
        if not isinstance(value, bool):
            raise RuleDataError(path, value, "true or false")
        return value
    if kind is int:
        return _Reader.count(path, value, 1 if path.endswith("max_sessions") else 0)
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


def _end(entry: Mapping[str, Any], reader: _Reader, path: str) -> dt.date | None:
    return None if "until" not in entry else reader.date(f"{path}.until", entry["until"])


_PROVENANCE = {"source", "confidence"}


def _read_ruleset(reader: _Reader, path: str, table: object) -> RulesetDef:
    entry = reader.keys(
        path,
        table,
        {"id", "start", *_PROVENANCE},
        {"until", "note", "function", "limit", "combination", "counts_as", "target"},
    )
    if not isinstance(entry["id"], str) or not entry["id"]:
        raise RuleDataError(f"{path}.id", entry["id"], "a rule set name")

    def rows(key: str, required: set[str]) -> list[tuple[str, dict[str, Any]]]:
        """The rows of sub-table ``key``, each checked for its keys."""
        listed = entry.get(key, [])
        if not isinstance(listed, list):
            raise RuleDataError(f"{path}.{key}", listed, "a list of tables")
        optional = {"note", "requires_assessment"} if key == "function" else {"note"}
        return [
            (
                f"{path}.{key}[{i}]",
                reader.keys(f"{path}.{key}[{i}]", row, required | _PROVENANCE, optional),
            )
            for i, row in enumerate(listed)
        ]

    functions = [
        FunctionRule(
            function=_function(f"{p}.function", row["function"]),
            requires_assessment=_flag(
                f"{p}.requires_assessment", row.get("requires_assessment", False)
            ),
            source=reader.source(p, row),
        )
        for p, row in rows("function", {"function"})
    ]
    limits = [
        Limit(
            id=str(row["id"]),
            kinds=reader.kinds(f"{p}.kinds", row["kinds"]),
            maxima=reader.per_network(f"{p}.max", row["max"]),
            source=reader.source(p, row),
        )
        for p, row in rows("limit", {"id", "kinds", "max"})
    ]
    targets = [
        Target(
            id=str(row["id"]),
            kind=reader.kind(f"{p}.kind", row["kind"]),
            averages=reader.per_network(f"{p}.average", row["average"]),
            source=reader.source(p, row),
        )
        for p, row in rows("target", {"id", "kind", "average"})
    ]
    combinations = [
        Combination(
            kind=reader.kind(f"{p}.kind", row["kind"]),
            excluded_by=reader.kinds(f"{p}.excluded_by", row["excluded_by"]),
            source=reader.source(p, row),
        )
        for p, row in rows("combination", {"kind", "excluded_by"})
    ]
    counts_as = [
        CountsAs(
            kind=reader.kind(f"{p}.kind", row["kind"]),
            as_kind=reader.kind(f"{p}.as", row["as"]),
            source=reader.source(p, row),
        )
        for p, row in rows("counts_as", {"kind", "as"})
    ]
    _check_structure(path, functions, limits, combinations, counts_as)
    return RulesetDef(
        id=entry["id"],
        start=reader.date(f"{path}.start", entry["start"]),
        end=_end(entry, reader, path),
        source=reader.source(path, entry),
        functions=tuple(functions),
        limits=tuple(limits),
        combinations=tuple(combinations),
        counts_as=tuple(counts_as),
        targets=tuple(targets),
    )


def _function(path: str, value: object) -> Function:
    try:
        return to_enum(Function, path, value)
    except ValueError:
        raise RuleDataError(path, value, "a function code") from None


def _flag(path: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise RuleDataError(path, value, "true or false")
    return value


def _check_structure(
    path: str,
    functions: list[FunctionRule],
    limits: list[Limit],
    combinations: list[Combination],
    counts_as: list[CountsAs],
) -> None:
    """Each function once; limits and combinations name kinds of this rule set's functions."""
    own = {rule.function for rule in functions}
    if len(own) != len(functions):
        raise RuleDataError(f"{path}.function", sorted(own), "each function listed once")
    for limit in limits:
        _check_own(f"{path}.limit[{limit.id}]", limit.kinds, own)
    for combination in combinations:
        _check_own(f"{path}.combination", {combination.kind, *combination.excluded_by}, own)
    for entry in counts_as:
        _check_own(f"{path}.counts_as", {entry.as_kind}, own)
        if entry.kind.function in own:
            raise RuleDataError(f"{path}.counts_as", entry.kind.code, "a kind of another rule set")


def _check_own(path: str, kinds: Iterable[Kind], own: set[Function]) -> None:
    for kind in kinds:
        if kind.function not in own or kind.setting not in SETTINGS[kind.function]:
            raise RuleDataError(path, kind.code, "a kind of a function of this rule set")


def _read_parameter(reader: _Reader, path: str, table: object) -> Parameter:
    entry = reader.keys(path, table, {"name", "start", "value", *_PROVENANCE}, {"until", "note"})
    name = entry["name"]
    if name not in PARAMETER_TYPES:
        raise RuleDataError(f"{path}.name", name, "a known parameter name")
    return Parameter(
        name=name,
        start=reader.date(f"{path}.start", entry["start"]),
        end=_end(entry, reader, path),
        value=_scalar(f"{path}.value", PARAMETER_TYPES[name], entry["value"]),
        source=reader.source(path, entry),
    )


def _check_periods(
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


@final
@attrs.frozen(kw_only=True, eq=False)
class Rules:
    """The whole rule tables: every rule set and dated parameter, with their sources.

    Get the bundled tables with :func:`default_rules`; look up a date with :meth:`at`;
    derive a what-if with :meth:`with_overrides`.
    """

    reviewed_on: dt.date
    coverage_start: dt.date
    coverage_end: dt.date
    coverage_source: Source
    window: WindowSpec
    sources: Mapping[str, str]
    rulesets: tuple[RulesetDef, ...]
    parameters: tuple[Parameter, ...]
    _starts: tuple[dt.date, ...] = attrs.field(init=False)
    _segments: tuple[Ruleset, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        """Check the periods and precompute the spans over which nothing changes."""
        coverage = (self.coverage_start, self.coverage_end)
        _check_periods(
            "ruleset", [(r.start, r.end) for r in self.rulesets], coverage, complete=True
        )
        by_name: dict[str, list[Parameter]] = {name: [] for name in PARAMETER_TYPES}
        for param in self.parameters:
            by_name[param.name].append(param)
        for name, entries in by_name.items():
            entries.sort(key=lambda p: p.start)
            _check_periods(
                f"parameter {name}",
                [(p.start, p.end) for p in entries],
                coverage,
                complete=name not in OPTIONAL_PARAMETERS,
            )
        bounds = {self.coverage_start}
        for first, last in [(r.start, r.end) for r in self.rulesets] + [
            (p.start, p.end) for p in self.parameters
        ]:
            bounds.add(first)
            if last is not None and last < self.coverage_end:
                bounds.add(last + ONE_DAY)
        starts = tuple(sorted(bounds))
        segments = []
        for i, first in enumerate(starts):
            last = starts[i + 1] - ONE_DAY if i + 1 < len(starts) else self.coverage_end
            definition = next(r for r in self.rulesets if _holds(r.start, r.end, first))
            params = {p.name: p for p in self.parameters if _holds(p.start, p.end, first)}
            segments.append(
                Ruleset(
                    id=definition.id,
                    start=definition.start,
                    end=definition.end or self.coverage_end,
                    valid_from=first,
                    valid_until=last,
                    unconfirmed=False,
                    source=definition.source,
                    window=self.window,
                    coverage=coverage,
                    coverage_source=self.coverage_source,
                    functions=definition.functions,
                    limits=definition.limits,
                    combinations=definition.combinations,
                    counts_as=definition.counts_as,
                    targets=definition.targets,
                    parameters=params,
                )
            )
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_segments", tuple(segments))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Rules:
        """Build rules from a parsed table (the shape of ``data/rules.toml``).

        Raises:
            RuleDataError: an unknown key, a missing source, a negative amount,
                overlapping or unordered periods, and any other malformed value.

        """
        table = _Reader.keys(
            "rules",
            data,
            {"format", "reviewed_on", "coverage", "window", "sources", "ruleset", "parameter"},
            set(),
        )
        if table["format"] != 1:
            raise RuleDataError("format", table["format"], "1")
        sources = table["sources"]
        if not isinstance(sources, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in sources.items()
        ):
            raise RuleDataError("sources", sources, "a table of source keys to URLs")
        reader = _Reader(sources)
        coverage = reader.keys(
            "coverage", table["coverage"], {"start", "end", *_PROVENANCE}, {"note"}
        )
        window = reader.keys(
            "window", table["window"], {"policy", "months", *_PROVENANCE}, {"note"}
        )
        policy = window["policy"]
        if not isinstance(policy, str) or policy not in POLICIES:
            raise RuleDataError(
                "window.policy", window["policy"], f"one of {', '.join(sorted(POLICIES))}"
            )
        for key in ("ruleset", "parameter"):
            if not isinstance(table[key], list):
                raise RuleDataError(key, table[key], "a list of tables")
        return cls(
            reviewed_on=reader.date("reviewed_on", table["reviewed_on"]),
            coverage_start=reader.date("coverage.start", coverage["start"]),
            coverage_end=reader.date("coverage.end", coverage["end"]),
            coverage_source=reader.source("coverage", coverage),
            window=WindowSpec(
                policy=window["policy"],
                months=reader.count("window.months", window["months"]),
                source=reader.source("window", window),
            ),
            sources=dict(sources),
            rulesets=tuple(
                _read_ruleset(reader, f"ruleset[{i}]", r) for i, r in enumerate(table["ruleset"])
            ),
            parameters=tuple(
                _read_parameter(reader, f"parameter[{i}]", p)
                for i, p in enumerate(table["parameter"])
            ),
        )

    def at(self, on: dt.date, *, accept_unconfirmed: bool = False) -> Ruleset:
        """The rules in force on ``on``.

        Args:
            on: the session's date (never "today").
            accept_unconfirmed: after the covered period, apply the last rules
                instead of raising; the result then has ``unconfirmed=True``.

        Raises:
            OutOfCoverageError: ``on`` is before the first covered date, or after the
                last one without ``accept_unconfirmed``.

        """
        check_date("on", on)
        check_bool("accept_unconfirmed", accept_unconfirmed)
        if on < self.coverage_start:
            raise OutOfCoverageError("date", on, f"a date on or after {self.coverage_start}")
        if on > self.coverage_end:
            if not accept_unconfirmed:
                raise OutOfCoverageError(
                    "date",
                    on,
                    f"a date on or before {self.coverage_end} (or accept_unconfirmed=True)",
                )
            return attrs.evolve(self._segments[-1], unconfirmed=True)
        return self._segments[bisect.bisect_right(self._starts, on) - 1]

    def change_dates(self) -> tuple[dt.date, ...]:
        """Every date on which some rule value changes (the first covered date included)."""
        return self._starts

    def values(self) -> tuple[RuleValue, ...]:
        """Every value of the tables, each with its validity period and provenance."""
        seen: dict[tuple[str, dt.date], RuleValue] = {}
        for segment in self._segments:
            for value in segment.values():
                seen.setdefault((value.name, value.start), value)
        return tuple(seen.values())

    def with_overrides(
        self,
        overrides: Mapping[str, object],
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        source: str = "override",
        url: str | None = None,
        confidence: Confidence | str = Confidence.ASSUMPTION,
        note: str | None = None,
    ) -> Rules:
        """A copy of the rules with some values replaced (what-if, or a newly published amount).

        Dated parameters (``"fee.individual"``, ``"share.group"``...) are replaced from
        ``start`` to ``end`` (default: the whole coverage). A maximum is named
        ``"limit.<rule set>.<limit id>.<network>"``, e.g.
        ``"limit.2021.first_line_individual.adults"``, and applies to that whole rule set.
        Override values are validated like the tables.

        >>> from decimal import Decimal
        >>> rules = default_rules().with_overrides({"fee.individual": "90"},
        ...                                        start=dt.date(2025, 1, 1), source="what-if")
        >>> rules.at(dt.date(2025, 1, 1)).decimal("fee.individual")
        Decimal('90.00')
        >>> rules.at(dt.date(2024, 12, 31)).decimal("fee.individual")
        Decimal('81.74')

        Raises:
            RuleDataError: an unknown name, or a value of the wrong type, negative or not finite.

        """
        if not isinstance(overrides, Mapping):
            raise RuleDataError("overrides", overrides, "a mapping of names to values")
        first = self.coverage_start if start is None else check_date("start", start)
        last = end if end is None else check_date("end", end)
        if last is not None and last < first:
            raise RuleDataError("end", last, f"a date on or after {first}")
        source_name: object = source
        if not isinstance(source_name, str) or not source_name:
            raise RuleDataError("source", source, "a non-empty source name")
        known = self.sources.get(source)
        if url is None:
            url = known or "user override"
        elif known is not None and known != url:
            raise RuleDataError("url", url, f"the URL of source {source!r} ({known}) or a new key")
        provenance = Source(
            key=source, url=url, confidence=_confidence("confidence", confidence), note=note
        )
        parameters = list(self.parameters)
        rulesets = list(self.rulesets)
        for key, value in overrides.items():
            name: object = key
            if not isinstance(name, str):
                raise RuleDataError("overrides", name, "a parameter or limit name")
            if name in PARAMETER_TYPES:
                parameters = _splice(
                    parameters,
                    Parameter(
                        name=name,
                        start=first,
                        end=last,
                        value=_scalar(name, PARAMETER_TYPES[name], value),
                        source=provenance,
                    ),
                )
            elif name.startswith("limit."):
                rulesets = _override_limit(rulesets, name, value, provenance)
            else:
                raise RuleDataError("overrides", name, "a parameter or limit name")
        return attrs.evolve(
            self,
            rulesets=tuple(rulesets),
            parameters=tuple(parameters),
            sources={**self.sources, source: url},
        )


def _holds(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day <= end)


def _splice(parameters: list[Parameter], new: Parameter) -> list[Parameter]:
    """Replace the values of ``new.name`` over ``new``'s period, trimming the others."""
    out: list[Parameter] = []
    for param in parameters:
        if param.name != new.name or not _overlaps(param, new):
            out.append(param)
            continue
        if param.start < new.start:
            out.append(attrs.evolve(param, end=new.start - ONE_DAY))
        if new.end is not None and (param.end is None or param.end > new.end):
            out.append(attrs.evolve(param, start=new.end + ONE_DAY))
    out.append(new)
    return out


def _overlaps(a: Parameter, b: Parameter) -> bool:
    return (a.end is None or a.end >= b.start) and (b.end is None or b.end >= a.start)


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
    maximum = _Reader.count(name, value, _LEAST_MAXIMUM)
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


def load_rules(data: bytes) -> Rules:
    """Parse and validate rule tables written as TOML (the format of ``data/rules.toml``)."""
    if not isinstance(data, bytes | bytearray):
        raise RuleDataError("rules", data, "the bytes of a TOML file")
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RuleDataError("rules", str(error), "valid UTF-8 TOML") from None
    return Rules.from_mapping(parsed)


@functools.cache
def default_rules() -> Rules:
    """The rule tables bundled with the package (read once, then shared: they are immutable)."""
    return load_rules(resources.files("inami_ppl").joinpath("data/rules.toml").read_bytes())


def resolve_rules(rules: object, field: str = "rules") -> Rules:
    """``rules`` when given, else the bundled tables; anything else is an error."""
    if rules is None:
        return default_rules()
    if not isinstance(rules, Rules):
        raise InvalidInputError(
            field, rules, "Rules (from default_rules() or load_rules()) or None"
        )
    return rules


def ruleset_for(
    on: dt.date, *, rules: Rules | None = None, accept_unconfirmed: bool = False
) -> Ruleset:
    """The rule set in force on ``on``, with its parameters and their sources.

    >>> import datetime as dt
    >>> ruleset_for(dt.date(2024, 3, 31)).id, ruleset_for(dt.date(2024, 4, 1)).id
    ('2021', '2024')
    """
    return resolve_rules(rules).at(on, accept_unconfirmed=accept_unconfirmed)
