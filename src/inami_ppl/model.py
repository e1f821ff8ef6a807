"""Enums and value objects: the vocabulary of the library (the public API).

Every value object is a frozen ``attrs`` class that validates its fields when it is
built, so that a bad type or an unknown code fails at once with
:class:`~inami_ppl.InvalidInputError`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final, NamedTuple, final

import attrs

from inami_ppl._validate import check_bool, check_date, to_enum
from inami_ppl.errors import InvalidInputError

__all__ = [
    "Confidence",
    "Function",
    "Kind",
    "Modality",
    "Network",
    "Patient",
    "Role",
    "Session",
    "Setting",
    "Source",
]


class Network(enum.StrEnum):
    """The two kinds of mental-health network, by age (rules §2)."""

    CHILDREN_ADOLESCENTS = "children_adolescents"
    ADULTS = "adults"


class Function(enum.StrEnum):
    """What a session is for (rules §3); each exists in one rule set."""

    FIRST_LINE = "first_line"
    SPECIALIZED = "specialized"
    COMMUNITY = "community"
    SUPPORT = "support"
    TREATMENT = "treatment"
    CO_CONSULTATION = "co_consultation"


class Setting(enum.StrEnum):
    """Individual or group session."""

    INDIVIDUAL = "individual"
    GROUP = "group"


class Modality(enum.StrEnum):
    """Where the session takes place (rules §3)."""

    PRACTICE = "practice"
    OUTREACH = "outreach"
    HOME = "home"
    VIDEO = "video"


class Role(enum.StrEnum):
    """Who facilitates a group session; decides the group fee (rules §9, §10)."""

    PSYCHOLOGIST = "psychologist"
    PHYSICIAN = "physician"
    OTHER = "other"


class Confidence(enum.StrEnum):
    """How sure we are of a rule value: its provenance mark (``SEED``, ``P``, ``S``, ``A``)."""

    SEED = "SEED"
    PRIMARY = "P"
    SECONDARY = "S"
    ASSUMPTION = "A"


class Kind(NamedTuple):
    """A (function, setting) pair: the unit that quotas count."""

    function: Function
    setting: Setting

    @property
    def code(self) -> str:
        """The stable text form, e.g. ``"first_line/individual"``."""
        return f"{self.function.value}/{self.setting.value}"

    @classmethod
    def parse(cls, field: str, value: object) -> Kind:
        """Read ``"function/setting"`` (as written in the rule tables)."""
        if not isinstance(value, str) or value.count("/") != 1:
            raise InvalidInputError(field, value, "a 'function/setting' code")
        function, setting = value.split("/")
        return cls(to_enum(Function, field, function), to_enum(Setting, field, setting))


# Rules §3: the settings each function has. A definition of the functions, not a
# limit that changes over time, so it lives here rather than in the dated tables.
SETTINGS: dict[Function, frozenset[Setting]] = {
    Function.FIRST_LINE: frozenset(Setting),
    Function.SPECIALIZED: frozenset(Setting),
    Function.COMMUNITY: frozenset({Setting.GROUP}),
    Function.SUPPORT: frozenset(Setting),
    Function.TREATMENT: frozenset(Setting),
    Function.CO_CONSULTATION: frozenset({Setting.INDIVIDUAL}),
}


# One Kind value per pair, built once: ``Session.kind`` is asked for on every check.
_KINDS: dict[Function, dict[Setting, Kind]] = {
    function: {setting: Kind(function, setting) for setting in Setting} for function in Function
}


def _network(value: object) -> Network:
    return to_enum(Network, "network", value)


def _function(value: object) -> Function:
    return to_enum(Function, "function", value)


def _setting(value: object) -> Setting:
    return to_enum(Setting, "setting", value)


def _modality(value: object) -> Modality:
    return to_enum(Modality, "modality", value)


def _confidence(value: object) -> Confidence:
    return to_enum(Confidence, "confidence", value)


def _birth_date(value: object) -> dt.date:
    return check_date("birth_date", value)


#: No session is dated later (a year such as 9999 stands for "unknown"): every date
#: computed from a session (a window's end, the day after) stays representable.
LAST_SESSION_DATE: Final = dt.date(2099, 12, 31)


def _session_date(value: object) -> dt.date:
    day = check_date("date", value)
    if day > LAST_SESSION_DATE:
        raise InvalidInputError("date", day, f"a date on or before {LAST_SESSION_DATE}")
    return day


def _preferential(value: object) -> bool:
    return check_bool("preferential", value)


def _with_context(value: object) -> bool:
    return check_bool("with_context", value)


def _functional_assessment(value: object) -> bool:
    return check_bool("functional_assessment", value)


def _provider(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("provider", value, "None or a non-empty string")
    return value


@final
@attrs.frozen(kw_only=True)
class Patient:
    """A patient, as far as the rules need to know them.

    ``preferential`` is the increased reimbursement (BIM / verhoogde tegemoetkoming).

    >>> import datetime as dt
    >>> Patient(birth_date=dt.date(2001, 5, 17)).preferential
    False
    """

    birth_date: dt.date = attrs.field(converter=_birth_date)
    preferential: bool = attrs.field(default=False, converter=_preferential)


@final
@attrs.frozen(kw_only=True)
class Session:
    """One session of reimbursed psychological care (rules §3).

    Fields accept the enums or their string codes. A function used with a setting
    it does not have (community individual, co-consultation group) is an error.

    >>> import datetime as dt
    >>> s = Session(date=dt.date(2024, 5, 2), network="adults", function="support",
    ...             setting="individual")
    >>> s.function, s.modality
    (<Function.SUPPORT: 'support'>, <Modality.PRACTICE: 'practice'>)
    """

    date: dt.date = attrs.field(converter=_session_date)
    network: Network = attrs.field(converter=_network)
    function: Function = attrs.field(converter=_function)
    setting: Setting = attrs.field(converter=_setting)
    modality: Modality = attrs.field(default=Modality.PRACTICE, converter=_modality)
    with_context: bool = attrs.field(default=False, converter=_with_context)
    functional_assessment: bool = attrs.field(default=False, converter=_functional_assessment)
    provider: str | None = attrs.field(default=None, converter=_provider)

    def __attrs_post_init__(self) -> None:
        """Check that the function has the setting (rules §3)."""
        if self.setting not in SETTINGS[self.function]:
            allowed = " or ".join(sorted(s.value for s in SETTINGS[self.function]))
            raise InvalidInputError(
                "setting", self.setting.value, f"{allowed} for function {self.function.value!r}"
            )

    @property
    def kind(self) -> Kind:
        """The (function, setting) pair that quotas count."""
        return _KINDS[self.function][self.setting]


@final
@attrs.frozen(kw_only=True)
class Source:
    """Where a rule value comes from: a source key of the tables, its URL and its mark."""

    key: str
    url: str
    confidence: Confidence = attrs.field(converter=_confidence)
    note: str | None = None
