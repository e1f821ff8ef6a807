"""The rows of the rule tables: value objects, each checking its own fields.

A rule set's functions, limits, combinations, targets and window, the dated
parameters, the billing codes: every row is built here and nowhere else, so that
an invalid row fails when it is built (also when a caller makes a changed copy with
``attrs.evolve``), with :class:`~inami_ppl.RuleDataError` naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final, final

import attrs

from inami_ppl._rulecheck import (
    LEAST_MAXIMUM,
    PARAMETER_TYPES,
    Scalar,
    check_count,
    check_scalar,
    holds,
)
from inami_ppl.errors import RuleDataError
from inami_ppl.messages import LANGUAGES
from inami_ppl.model import (
    SETTINGS,
    Function,
    Kind,
    Modality,
    Network,
    SessionFacts,
    Setting,
    Source,
)
from inami_ppl.periods import POLICIES

__all__ = [
    "BILLING_FIELDS",
    "BillingCode",
    "Combination",
    "CountsAs",
    "FunctionRule",
    "Label",
    "Limit",
    "Parameter",
    "RuleValue",
    "RulesetDef",
    "Target",
    "WindowSpec",
    "all_kinds",
]


def all_kinds(function: Function) -> tuple[Kind, ...]:
    """Every (function, setting) of ``function``."""
    return tuple(Kind(function, s) for s in Setting if s in SETTINGS[function])


def _check_period(instance: object, start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise RuleDataError(
            f"{type(instance).__name__}.until",
            f"{start}..{end}",
            "a period that ends after it starts",
        )


def _text(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleDataError(path, value, "a non-empty text")
    return value


@final
@attrs.frozen(kw_only=True)
class Label:
    """The name of a function, a limit or a value in each language of the messages.

    Written in the tables as ``label = { fr = "...", nl = "...", de = "...", en = "..." }``.
    """

    fr: str
    nl: str
    de: str
    en: str

    def __attrs_post_init__(self) -> None:
        """Every language has a non-empty text."""
        for lang in LANGUAGES:
            _text(f"label.{lang}", getattr(self, lang))

    @classmethod
    def read(cls, path: str, value: object) -> Label:
        """Read a table of language codes to texts; a missing or unknown language is an error."""
        if not isinstance(value, Mapping):
            raise RuleDataError(path, value, "a table of fr, nl, de and en texts")
        for lang in sorted(set(value) - set(LANGUAGES)):
            raise RuleDataError(f"{path}.{lang}", "unknown language", "one of fr, nl, de, en")
        for lang in LANGUAGES:
            if lang not in value:
                raise RuleDataError(f"{path}.{lang}", "missing", "a text in every language")
        return cls(**{lang: _text(f"{path}.{lang}", value[lang]) for lang in LANGUAGES})

    def text(self, lang: str) -> str:
        """The label in ``lang``."""
        text: str = getattr(self, lang)
        return text


@final
@attrs.frozen(kw_only=True)
class RuleValue:
    """One value of the rule tables with its validity period and provenance.

    ``estimate`` is true for a value nobody confirmed (the last known amount, kept
    until the real one is known); a decision that uses it says so.
    """

    name: str
    value: object
    start: dt.date
    end: dt.date | None
    source: Source
    estimate: bool = False
    label: Label | None = None

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
            "estimate": self.estimate,
        }


@final
@attrs.frozen(kw_only=True)
class WindowSpec:
    """The window policy of a rule set: ``"trailing"`` or ``"episode"``, and its months."""

    policy: str
    months: int
    source: Source

    def __attrs_post_init__(self) -> None:
        """The policy is one the library knows; the months a whole number above 0."""
        policy: object = self.policy
        if not isinstance(policy, str) or policy not in POLICIES:
            raise RuleDataError(
                "window.policy", self.policy, f"one of {', '.join(sorted(POLICIES))}"
            )
        if check_count("window.months", self.months) == 0:
            raise RuleDataError("window.months", self.months, "a number of months above 0")

    @property
    def code(self) -> str:
        """The form a reason carries, e.g. ``"trailing/12"`` (rendered by the messages)."""
        return f"{self.policy}/{self.months}"


@final
@attrs.frozen(kw_only=True)
class FunctionRule:
    """A function in force in a rule set; whether it needs a functional assessment."""

    function: Function
    requires_assessment: bool
    source: Source
    label: Label


@final
@attrs.frozen(kw_only=True)
class Limit:
    """A maximum number of sessions of some kinds in one window, per network."""

    id: str
    kinds: frozenset[Kind]
    maxima: tuple[tuple[Network, int], ...]
    source: Source
    label: Label

    def __attrs_post_init__(self) -> None:
        """Every maximum is a whole number, 1 or more."""
        for network, maximum in self.maxima:
            check_count(f"limit.{self.id}.{network.value}", maximum, LEAST_MAXIMUM)

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
    label: Label


@final
@attrs.frozen(kw_only=True)
class RulesetDef:
    """A rule set as read from the tables, before dated parameters are merged in.

    ``window`` is the rule set's own window policy; ``None`` takes the tables' default.
    """

    id: str
    start: dt.date
    end: dt.date | None
    source: Source
    functions: tuple[FunctionRule, ...]
    limits: tuple[Limit, ...]
    combinations: tuple[Combination, ...]
    counts_as: tuple[CountsAs, ...]
    targets: tuple[Target, ...]
    window: WindowSpec | None = None

    def __attrs_post_init__(self) -> None:
        """Each function once; limits and combinations name kinds of this rule set."""
        path = f"ruleset {self.id}"
        own = {rule.function for rule in self.functions}
        if len(own) != len(self.functions):
            raise RuleDataError(f"{path}.function", sorted(own), "each function listed once")
        for field in ("limits", "targets"):
            ids = [row.id for row in getattr(self, field)]
            if len(set(ids)) != len(ids):
                raise RuleDataError(f"{path}.{field[:-1]}", sorted(ids), "each id listed once")
        for limit in self.limits:
            _check_own(f"{path}.limit[{limit.id}]", limit.kinds, own)
        for target in self.targets:
            _check_own(f"{path}.target[{target.id}]", {target.kind}, own)
        for combination in self.combinations:
            _check_own(f"{path}.combination", {combination.kind, *combination.excluded_by}, own)
        for entry in self.counts_as:
            _check_own(f"{path}.counts_as", {entry.as_kind}, own)
            if entry.kind.function in own:
                raise RuleDataError(
                    f"{path}.counts_as", entry.kind.code, "a kind of another rule set"
                )


def _check_own(path: str, kinds: Iterable[Kind], own: set[Function]) -> None:
    for kind in kinds:
        if kind.function not in own or kind.setting not in SETTINGS[kind.function]:
            raise RuleDataError(path, kind.code, "a kind of a function of this rule set")


@final
@attrs.frozen(kw_only=True)
class Parameter:
    """One dated value of a parameter; ``estimate`` when nobody confirmed it."""

    name: str
    start: dt.date
    end: dt.date | None
    value: Scalar
    source: Source
    estimate: bool = False
    label: Label | None = None

    def __attrs_post_init__(self) -> None:
        """A known name and a value of its type (periods are checked with the whole table)."""
        if self.name not in PARAMETER_TYPES:
            raise RuleDataError("parameter.name", self.name, "a known parameter name")
        if check_scalar(self.name, PARAMETER_TYPES[self.name], self.value) != self.value or (
            type(self.value) is not PARAMETER_TYPES[self.name]
        ):
            raise RuleDataError(
                f"parameter {self.name}.value", self.value, "a value of the parameter's type"
            )

    def rule_value(self, label: Label | None = None) -> RuleValue:
        """This row as the :class:`RuleValue` a listing or a decision shows."""
        return RuleValue(
            name=self.name,
            value=self.value,
            start=self.start,
            end=self.end,
            source=self.source,
            estimate=self.estimate,
            label=label,
        )


# The session fields a billing-code row may select on.
BILLING_FIELDS: Final = ("function", "setting", "modality", "network", "with_context")


@final
@attrs.frozen(kw_only=True)
class BillingCode:
    """A user's pseudo-code for a kind of session, over a period.

    Each selector left ``None`` matches any session; the most specific row in force
    wins. None is bundled: the codes come from amendment files.
    """

    code: str
    start: dt.date
    end: dt.date | None
    source: Source
    function: Function | None = None
    setting: Setting | None = None
    modality: Modality | None = None
    network: Network | None = None
    with_context: bool | None = None

    def __attrs_post_init__(self) -> None:
        """A non-empty code and a period that ends after it starts."""
        _text("billing_code.code", self.code)
        _check_period(self, self.start, self.end)

    @property
    def selector(self) -> tuple[object, ...]:
        """The selecting fields, in a fixed order (rows with equal selectors share periods)."""
        return tuple(getattr(self, name) for name in BILLING_FIELDS)

    def matches(self, session: SessionFacts) -> bool:
        """Whether this row is in force on the session's date and selects it."""
        return holds(self.start, self.end, session.date) and all(
            wanted is None or wanted == getattr(session, name)
            for name, wanted in zip(BILLING_FIELDS, self.selector, strict=True)
        )

    @property
    def specificity(self) -> int:
        """How many fields the row selects on."""
        return sum(value is not None for value in self.selector)
