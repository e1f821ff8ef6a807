"""The rules in force on a date: the bundled tables, amended copies, lookups by date.

Every limit, amount, age bound and date lives in ``data/rules.toml``, one row per
validity period, each with its source and confidence mark (see the rule-table format
page). :func:`ruleset_for` answers one question: which rules are in force on a date.
A user brings in newly published amounts with :meth:`Rules.amend` (a file in the
tables' format) or derives a what-if with :meth:`Rules.with_overrides`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any, final

import attrs

from inami_ppl import _amend
from inami_ppl._rulecheck import (
    MAX_AMOUNT,
    ONE_DAY,
    OPTIONAL_PARAMETERS,
    PARAMETER_TYPES,
    Scalar,
    change_bounds,
    check_timelines,
    check_typed,
    holds,
)
from inami_ppl._ruleread import parse_toml, read_table
from inami_ppl._ruleset import DatedWindow, Ruleset, collect_labels
from inami_ppl._ruletypes import (
    BillingCode,
    Combination,
    CountsAs,
    FunctionRule,
    Label,
    Limit,
    Parameter,
    RulesetDef,
    RuleValue,
    Target,
    WindowSpec,
)
from inami_ppl._validate import check_bool, check_date
from inami_ppl.errors import InvalidInputError, OutOfCoverageError, RuleDataError
from inami_ppl.messages import LANGUAGES
from inami_ppl.model import Confidence, Source
from inami_ppl.periods import WindowPolicy, window_policy

__all__ = [
    "MAX_AMOUNT",
    "OPTIONAL_PARAMETERS",
    "PARAMETER_TYPES",
    "BillingCode",
    "Combination",
    "CountsAs",
    "FunctionRule",
    "Label",
    "Limit",
    "Parameter",
    "RuleValue",
    "Rules",
    "Ruleset",
    "RulesetDef",
    "Scalar",
    "Target",
    "WindowSpec",
    "default_rules",
    "load_rules",
    "resolve_rules",
    "ruleset_for",
]


@final
@attrs.frozen(kw_only=True, eq=False)
class Rules:
    """The whole rule tables: every rule set and dated parameter, with their sources.

    Get the bundled tables with :func:`default_rules`; look up a date with :meth:`at`;
    bring in new amounts with :meth:`amend`; derive a what-if with :meth:`with_overrides`.
    Every invariant is checked when the object is built, changed copies included.
    """

    reviewed_on: dt.date
    coverage_start: dt.date
    coverage_end: dt.date
    coverage_source: Source
    window: WindowSpec
    sources: Mapping[str, str]
    rulesets: tuple[RulesetDef, ...]
    parameters: tuple[Parameter, ...]
    billing_codes: tuple[BillingCode, ...] = ()
    _starts: tuple[dt.date, ...] = attrs.field(init=False)
    _segments: tuple[Ruleset, ...] = attrs.field(init=False)
    _beyond: Ruleset = attrs.field(init=False)
    _policy: WindowPolicy = attrs.field(init=False)
    _labels: Mapping[str, Label] = attrs.field(init=False)
    # The labels in each language, made once (every message of a refusal reads them).
    _label_texts: dict[str, dict[str, str]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Check every invariant and precompute the spans over which nothing changes."""
        check_date("reviewed_on", self.reviewed_on)
        check_date("coverage.start", self.coverage_start)
        check_date("coverage.end", self.coverage_end)
        if self.coverage_end < self.coverage_start:
            raise RuleDataError("coverage.end", self.coverage_end, "a date after coverage.start")
        check_typed("window", self.window, WindowSpec)
        check_typed("coverage.source", self.coverage_source, Source)
        for field, kind in (
            ("rulesets", RulesetDef),
            ("parameters", Parameter),
            ("billing_codes", BillingCode),
        ):
            check_typed(field, getattr(self, field), tuple)
            for row in getattr(self, field):
                check_typed(field, row, kind)
        coverage = (self.coverage_start, self.coverage_end)
        check_timelines(coverage, self.rulesets, self.parameters)
        object.__setattr__(self, "_labels", collect_labels(self.rulesets, self.parameters))
        object.__setattr__(self, "_label_texts", {})
        starts = change_bounds(
            (self.coverage_start, self.coverage_end), [*self.rulesets, *self.parameters]
        )
        segments = tuple(
            self._segment(first, starts[i + 1] - ONE_DAY if i + 1 < len(starts) else None)
            for i, first in enumerate(starts)
        )
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_segments", segments)
        object.__setattr__(self, "_beyond", attrs.evolve(segments[-1], unconfirmed=True))
        windows = {segment.window.code for segment in segments}
        if len(windows) == 1:
            spec = segments[0].window
            object.__setattr__(self, "_policy", window_policy(spec.policy, spec.months))
        else:
            object.__setattr__(self, "_policy", DatedWindow(self.policy_on))

    def _segment(self, first: dt.date, last: dt.date | None) -> Ruleset:
        definition = next(r for r in self.rulesets if holds(r.start, r.end, first))
        return Ruleset(
            id=definition.id,
            start=definition.start,
            end=definition.end or self.coverage_end,
            valid_from=first,
            valid_until=last or self.coverage_end,
            unconfirmed=False,
            source=definition.source,
            window=definition.window or self.window,
            coverage=(self.coverage_start, self.coverage_end),
            coverage_source=self.coverage_source,
            functions=definition.functions,
            limits=definition.limits,
            combinations=definition.combinations,
            counts_as=definition.counts_as,
            targets=definition.targets,
            parameters={p.name: p for p in self.parameters if holds(p.start, p.end, first)},
            billing_codes=self.billing_codes,
            labels=self._labels,
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, name: str = "") -> Rules:
        """Build rules from a parsed complete table (the shape of ``data/rules.toml``).

        Raises:
            RuleDataError: an unknown key, a missing source, a negative amount,
                overlapping or unordered periods, and any other malformed value.

        """
        table = read_table(data, name=name, complete=True, sources={}, rulesets={})
        assert table.coverage is not None  # noqa: S101  (required in a complete table)
        assert table.window is not None  # noqa: S101
        assert table.reviewed_on is not None  # noqa: S101
        start, end, source = table.coverage
        return cls(
            reviewed_on=table.reviewed_on,
            coverage_start=start,
            coverage_end=end,
            coverage_source=source,
            window=table.window,
            sources=table.sources,
            rulesets=table.rulesets,
            parameters=table.parameters,
            billing_codes=table.billing_codes,
        )

    def amend(self, data: bytes, *, name: str = "amendment") -> Rules:
        """These rules amended by a file in the format of the bundled tables.

        The file may add sources, dated value rows (which cut the periods of the rows
        they overlap: a confirmed row ends an estimate there), limits and functions of
        a rule set, whole new rule sets (``extends`` copies another one), and a table
        of billing codes. Every row is checked by the same strict reader as the
        bundled tables; its source key, URL and confidence mark go into every decision
        that uses it.

        >>> rules = default_rules().amend(b"format = 1")  # a file that changes nothing
        >>> rules.values() == default_rules().values()
        True

        Args:
            data: the bytes of the TOML file.
            name: the file's name, quoted in every error.

        Raises:
            RuleDataError: a malformed file, naming the file, the row and the field.

        """
        table = read_table(
            parse_toml(data, name),
            name=name,
            complete=False,
            sources=self.sources,
            rulesets={r.id: r for r in self.rulesets},
        )
        start, end, source = table.coverage or (
            self.coverage_start,
            self.coverage_end,
            self.coverage_source,
        )
        rulesets, parameters, codes = _amend.splice_all(
            self.rulesets,
            self.parameters,
            self.billing_codes,
            (table.rulesets, table.parameters, table.billing_codes),
        )
        try:
            return attrs.evolve(
                self,
                reviewed_on=table.reviewed_on or self.reviewed_on,
                coverage_start=start,
                coverage_end=end,
                coverage_source=source,
                window=table.window or self.window,
                sources=table.sources,
                rulesets=rulesets,
                parameters=parameters,
                billing_codes=codes,
            )
        except RuleDataError as error:
            raise RuleDataError(f"{name}: {error.field}", error.value, error.expected) from None

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
        # Asked for every session of a claims file: the checks are inlined.
        if type(on) is not dt.date:
            check_date("on", on)
        flag: object = accept_unconfirmed  # a caller may give anything
        if flag is not True and flag is not False:
            check_bool("accept_unconfirmed", flag)
        if on < self.coverage_start:
            raise OutOfCoverageError("date", on, f"a date on or after {self.coverage_start}")
        if on > self.coverage_end:
            if not accept_unconfirmed:
                raise OutOfCoverageError(
                    "date",
                    on,
                    f"a date on or before {self.coverage_end} (or accept_unconfirmed=True)",
                )
            return self._beyond
        return self._segments[bisect.bisect_right(self._starts, on) - 1]

    def policy(self) -> WindowPolicy:
        """The window policy: each rule set's own, chosen by the session's date."""
        return self._policy

    def policy_on(self, on: dt.date) -> WindowPolicy:
        """The window policy of the rules in force on ``on`` (the last one after coverage)."""
        clamped = min(max(on, self.coverage_start), self.coverage_end)
        spec = self.at(clamped).window
        return window_policy(spec.policy, spec.months)

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

    def labels(self, lang: str) -> dict[str, str]:
        """The names of functions, limits, targets and values in ``lang``.

        Keys are ``function.<code>``, ``limit.<id>``, ``target.<id>`` and
        ``value.<name>``; the messages use them to name what a reason is about.

        Raises:
            InvalidInputError: ``lang`` is not one of ``"fr"``, ``"nl"``, ``"de"``, ``"en"``.

        """
        if lang not in LANGUAGES:
            raise InvalidInputError("lang", lang, f"one of {', '.join(LANGUAGES)}")
        found = self._label_texts.get(lang)
        if found is None:
            found = self._label_texts[lang] = {
                key: label.text(lang) for key, label in self._labels.items()
            }
        return dict(found)

    def diff(self, other: Rules) -> tuple[_amend.Change, ...]:
        """What ``other`` changes in these rules: value rows removed (``-``) and added (``+``).

        >>> base = default_rules()
        >>> amended = base.with_overrides({"fee.individual": "90"}, start=dt.date(2025, 1, 1))
        >>> [c.sign for c in base.diff(amended) if c.value.name == "fee.individual"]
        ['-', '+']
        """
        return _amend.diff_values(self.values(), other.values())

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

        >>> rules = default_rules().with_overrides({"fee.individual": "90"},
        ...                                        start=dt.date(2025, 1, 1), source="what-if")
        >>> rules.at(dt.date(2025, 1, 1)).decimal("fee.individual")
        Decimal('90.00')
        >>> rules.at(dt.date(2023, 12, 31)).decimal("fee.individual")
        Decimal('75.00')

        Raises:
            RuleDataError: an unknown name, or a value of the wrong type, negative or not finite.

        """
        first = self.coverage_start if start is None else check_date("start", start)
        last = end if end is None else check_date("end", end)
        if last is not None and last < first:
            raise RuleDataError("end", last, f"a date on or after {first}")
        provenance = _amend.provenance(self.sources, source, url, confidence, note)
        rulesets, parameters = _amend.override(
            self.rulesets, self.parameters, overrides, (first, last), provenance
        )
        sources = {**self.sources, source: provenance.url}
        return attrs.evolve(self, rulesets=rulesets, parameters=parameters, sources=sources)


def load_rules(data: bytes) -> Rules:
    """Parse and validate complete rule tables written as TOML (the bundled tables' format)."""
    return Rules.from_mapping(parse_toml(data, "rules"))


def _bundled_table() -> bytes:
    """The bytes of the bundled tables (the tests point this at a frozen fixture table)."""
    return resources.files("inami_ppl").joinpath("data/rules.toml").read_bytes()


@functools.cache
def default_rules() -> Rules:
    """The rule tables bundled with the package (read once, then shared: they are immutable)."""
    return load_rules(_bundled_table())


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
