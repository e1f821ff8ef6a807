"""Enums and value objects: the vocabulary of the library (the public API).

Every value object is a frozen ``attrs`` class that validates its fields when it is
built, so that a bad type or an unknown code fails at once with
:class:`~inami_ppl.InvalidInputError`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from typing import Any, Final, NamedTuple, Protocol, final

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


def _unable_to_travel(value: object) -> bool:
    return check_bool("unable_to_travel", value)


#: Shown instead of a value that identifies a person, in error messages.
NOT_SHOWN: Final = "(not shown)"
# An INAMI number: 11 digits, with spaces, dots, dashes or slashes between them (§3 [A]).
_INAMI_NUMBER: Final = re.compile(r"[0-9](?:[ ./-]*[0-9])*")
_INAMI_DIGITS: Final = 11


def _co_provider(value: object) -> str | None:
    """An INAMI number as its 11 digits; the value is never shown in the error."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and _INAMI_NUMBER.fullmatch(text):
            digits = "".join(ch for ch in text if ch.isdigit())
            if len(digits) == _INAMI_DIGITS:
                return digits
    raise InvalidInputError(
        "co_provider",
        NOT_SHOWN,
        "None or an INAMI number of 11 digits (spaces, dots, dashes or slashes between them)",
    )


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the birth date as ISO text.

        >>> import datetime as dt
        >>> p = Patient(birth_date=dt.date(2001, 5, 17), preferential=True)
        >>> p.to_dict()
        {'birth_date': '2001-05-17', 'preferential': True}
        >>> Patient.from_dict(p.to_dict()) == p
        True
        """
        return {"birth_date": self.birth_date.isoformat(), "preferential": self.preferential}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Patient:
        """Read the form written by :meth:`to_dict` (``preferential`` may be left out).

        Raises:
            InvalidInputError: a field is missing, unknown or malformed (the birth
                date is never shown).

        """
        raw = _fields("patient", data, required=_PATIENT_REQUIRED, optional=_PATIENT_OPTIONAL)
        raw["birth_date"] = _iso_date("birth_date", raw["birth_date"], private=True)
        return cls(**raw)


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
    unable_to_travel: bool = attrs.field(default=False, converter=_unable_to_travel)
    co_provider: str | None = attrs.field(default=None, converter=_co_provider)
    #: The (function, setting) pair that quotas count (set from the two fields).
    kind: Kind = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Check that the function has the setting, and who may name a co-provider (rules §3)."""
        object.__setattr__(self, "kind", _KINDS[self.function][self.setting])
        if self.setting not in SETTINGS[self.function]:
            allowed = " or ".join(sorted(s.value for s in SETTINGS[self.function]))
            raise InvalidInputError(
                "setting", self.setting.value, f"{allowed} for function {self.function.value!r}"
            )
        if self.co_provider is not None and self.function is not Function.CO_CONSULTATION:
            raise InvalidInputError(
                "co_provider", NOT_SHOWN, f"no co-provider on a {self.function.value} session"
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the date as ISO text, enums by their codes.

        The form of the ``session`` of a decision's JSON (:meth:`Assessment.to_dict`).

        >>> import datetime as dt
        >>> s = Session(date=dt.date(2024, 5, 2), network="adults", function="support",
        ...             setting="individual")
        >>> s.to_dict()["date"], Session.from_dict(s.to_dict()) == s
        ('2024-05-02', True)
        """
        return {
            "date": self.date.isoformat(),
            "network": self.network.value,
            "function": self.function.value,
            "setting": self.setting.value,
            "modality": self.modality.value,
            "with_context": self.with_context,
            "functional_assessment": self.functional_assessment,
            "provider": self.provider,
            "unable_to_travel": self.unable_to_travel,
            "co_provider": self.co_provider,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Session:
        """Read the form written by :meth:`to_dict`; fields with a default may be left out.

        Raises:
            InvalidInputError: a field is missing, unknown or malformed.

        """
        raw = _fields("session", data, required=_SESSION_REQUIRED, optional=_SESSION_OPTIONAL)
        raw["date"] = _iso_date("date", raw["date"], private=False)
        return cls(**raw)


class SessionFacts(Protocol):
    """What the rules read of a session: a :class:`Session`, or a lighter form of its values.

    Claims files hold millions of sessions whose cells are checked once per distinct
    value; the rules then read them through this protocol without building a
    :class:`Session` for each row. :func:`as_session` turns any of them into one.
    """

    @property
    def date(self) -> dt.date: ...
    @property
    def network(self) -> Network: ...
    @property
    def function(self) -> Function: ...
    @property
    def setting(self) -> Setting: ...
    @property
    def modality(self) -> Modality: ...
    @property
    def with_context(self) -> bool: ...
    @property
    def functional_assessment(self) -> bool: ...
    @property
    def provider(self) -> str | None: ...
    @property
    def unable_to_travel(self) -> bool: ...
    @property
    def co_provider(self) -> str | None: ...
    @property
    def kind(self) -> Kind: ...


def as_session(facts: SessionFacts) -> Session:
    """``facts`` as a :class:`Session` (itself when it is one)."""
    if isinstance(facts, Session):
        return facts
    return Session(
        date=facts.date,
        network=facts.network,
        function=facts.function,
        setting=facts.setting,
        modality=facts.modality,
        with_context=facts.with_context,
        functional_assessment=facts.functional_assessment,
        provider=facts.provider,
        unable_to_travel=facts.unable_to_travel,
        co_provider=facts.co_provider,
    )


_PATIENT_REQUIRED: Final = frozenset({"birth_date"})
_PATIENT_OPTIONAL: Final = frozenset({"preferential"})
_SESSION_REQUIRED: Final = frozenset({"date", "network", "function", "setting"})
# Every other field of a session has a default.
_SESSION_OPTIONAL: Final = (
    frozenset(f.name for f in attrs.fields(Session) if f.init) - _SESSION_REQUIRED
)


def _fields(
    name: str,
    data: object,
    *,
    required: frozenset[str] | set[str],
    optional: frozenset[str] | set[str],
) -> dict[str, Any]:
    """The fields of a JSON object: every required one, no unknown one."""
    if not isinstance(data, Mapping):
        raise InvalidInputError(name, type(data).__name__, "a JSON object (a mapping)")
    for key in data:
        if key not in required and key not in optional:
            raise InvalidInputError(f"{name}.{key}", key, "a field of " + name)
    for key in sorted(required):
        if key not in data:
            raise InvalidInputError(f"{name}.{key}", None, "a value")
    return dict(data)


def _iso_date(field: str, value: object, *, private: bool) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInputError(field, NOT_SHOWN if private else value, "an ISO date (YYYY-MM-DD)")


@final
@attrs.frozen(kw_only=True)
class Source:
    """Where a rule value comes from: a source key of the tables, its URL and its mark."""

    key: str
    url: str
    confidence: Confidence = attrs.field(converter=_confidence)
    note: str | None = None
