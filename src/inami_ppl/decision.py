"""Decisions: :class:`Reason` and :class:`Assessment`, and their JSON form.

A decision explains itself: every refusal lists stable reason codes, each with the
facts its message needs and the sources of the rule applied (the reason-code page).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final, final

import attrs

from inami_ppl import messages
from inami_ppl._validate import check_bool, check_date, check_iterable, to_enum
from inami_ppl.codes import (
    PARAM_TYPES,
    PARAMS_OF,
    WINDOWED,
    Param,
    ParamValue,
    ReasonCode,
    ShareCode,
)
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Confidence, Session, Source
from inami_ppl.rulesets import Rules, RuleValue, resolve_rules

__all__ = ["FORMAT_VERSION", "Assessment", "Params", "QuotaUse", "Reason"]

#: The version of the JSON form of decisions. Version 2 added ``unconfirmed_values``,
#: ``billing_code``, the session's ``unable_to_travel`` and ``co_provider``,
#: ``share_reason`` and ``applied``, and writes numbers in reasons as numbers; version 1
#: is still read.
FORMAT_VERSION: Final = 2
_READABLE: Final = frozenset({1, FORMAT_VERSION})


#: The facts of a reason, in name order: pairs of a name and its value. The names are
#: :class:`~inami_ppl.Param` members (strings), so ``dict(reason.params)["date"]`` works.
Params = tuple[tuple[str, ParamValue], ...]


def _code(value: object) -> ReasonCode | ShareCode:
    if isinstance(value, ReasonCode | ShareCode):
        return value
    if isinstance(value, str):
        for cls in (ReasonCode, ShareCode):
            try:
                return cls(value)
            except ValueError:
                continue
    raise InvalidInputError("code", value, "a reason code (ReasonCode) or a share code (ShareCode)")


def _param_value(param: Param, value: object) -> ParamValue:
    expected = PARAM_TYPES[param]
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidInputError(f"params.{param.value}", value, "a whole number")
    if expected is dt.date:
        return check_date(f"params.{param.value}", value)
    if not isinstance(value, expected):
        raise InvalidInputError(f"params.{param.value}", value, f"a {expected.__name__}")
    assert isinstance(value, ParamValue)  # noqa: S101  (checked just above)
    return value


def _params(value: object) -> Params:
    """Check the facts of a reason: known names, each once, each of its type."""
    pairs = value.items() if isinstance(value, Mapping) else value
    out: dict[Param, ParamValue] = {}
    for pair in check_iterable("params", pairs, "a mapping or pairs of name and value"):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidInputError("params", pair, "a (name, value) pair")
        param = to_enum(Param, "params", pair[0])
        if param in out:
            raise InvalidInputError("params", param.value, "each name once")
        out[param] = _param_value(param, pair[1])
    # In name order, so that equal reasons compare equal after JSON.
    return tuple(sorted(out.items()))


def _sources(value: object) -> tuple[Source, ...]:
    out = tuple(check_iterable("sources", value, "an iterable of Source"))
    for source in out:
        if not isinstance(source, Source):
            raise InvalidInputError("sources", source, "a Source")
    return out  # type: ignore[return-value]  # every item checked just above


@final
@attrs.frozen(kw_only=True)
class Reason:
    """Why a session is refused, or why its patient pays what they pay.

    A stable ``code`` (a :class:`~inami_ppl.ReasonCode` for a refusal, a
    :class:`~inami_ppl.ShareCode` for the patient share of an accepted session), the
    facts of the case and the sources of the rule applied. ``params`` keeps each fact
    with its type (codes as text, counts as numbers, dates as dates, amounts as
    :class:`~decimal.Decimal`); the text is made only by :meth:`message`, in the
    language asked. A reason built by hand is checked: the code must be known, and
    the facts exactly those its message needs.

    >>> import datetime as dt
    >>> r = Reason(code="day.limit", params={"date": dt.date(2024, 5, 2)})
    >>> r.code, r.message("NL")
    (<ReasonCode.DAY_LIMIT: 'day.limit'>, 'Maar één terugbetaalde sessie per dag: er vond al \
een sessie plaats op 02-05-2024.')
    """

    code: ReasonCode | ShareCode = attrs.field(converter=_code)
    params: Params = attrs.field(default=(), converter=_params)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_sources)

    def __attrs_post_init__(self) -> None:
        """Check that the facts are those the code's message needs."""
        needed = PARAMS_OF[self.code]
        given = {name for name, _ in self.params}
        if self.code in WINDOWED:
            given.discard(Param.WINDOW)
        if given != needed:
            names = ", ".join(sorted(needed)) or "none"
            raise InvalidInputError(
                "params", ", ".join(sorted(given)) or "none", f"the facts of {self.code}: {names}"
            )

    def param(self, name: Param | str) -> ParamValue:
        """The value of the fact ``name``.

        Raises:
            InvalidInputError: the reason has no such fact.

        """
        wanted = to_enum(Param, "name", name)
        for key, value in self.params:
            if key is wanted:
                return value
        raise InvalidInputError("name", wanted.value, f"a fact of {self.code}")

    def message(self, lang: str = "en", *, rules: Rules | None = None) -> str:
        """The explanation in ``lang``: ``"fr"``, ``"nl"``, ``"de"`` or ``"en"``.

        A region or another case is accepted: ``"NL"``, ``"nl-BE"``, ``"fr_BE"``.
        Functions and limits are named by their labels in ``rules`` (default: the
        bundled tables); a code without a label is shown as it is.
        """
        labels = resolve_rules(rules).labels(messages.language(lang))
        return messages.render(self.code, dict(self.params), lang, labels)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: numbers stay numbers, dates are ISO text, amounts text."""
        return {
            "code": self.code.value,
            "params": {str(name): _json_value(value) for name, value in self.params},
            "sources": [_source_dict(s) for s in self.sources],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        """Read the form written by :meth:`to_dict`.

        Raises:
            InvalidInputError: the form is malformed, or a code or a fact is unknown.

        """
        try:
            params = {
                name: _from_json(to_enum(Param, "params", name), value)
                for name, value in data["params"].items()
            }
            return cls(
                code=data["code"],
                params=params,
                sources=tuple(_source_from(s) for s in data["sources"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
            if isinstance(error, InvalidInputError):
                raise
            raise InvalidInputError("reason", error, "the JSON form of a Reason") from None


def found(
    *, code: ReasonCode | ShareCode, params: Params = (), sources: tuple[Source, ...]
) -> Reason:
    """A reason made by one of the library's rule checks, for a refused session.

    Its code, facts and sources come from the library's own tables, of the right
    types: they are not checked again as those of a reason built by hand are, since
    a claims file may hold hundreds of thousands of refusals. The tests compare
    every reason the checks make with the same reason built by hand.
    """
    reason = object.__new__(Reason)
    object.__setattr__(reason, "code", code)
    object.__setattr__(reason, "params", tuple(sorted(params)))
    object.__setattr__(reason, "sources", sources)
    return reason


def _json_value(value: ParamValue) -> str | int:
    if isinstance(value, int | str):
        return value
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _from_json(param: Param, value: object) -> ParamValue:
    expected = PARAM_TYPES[param]
    if expected is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if expected is Decimal and isinstance(value, str):
        return Decimal(value)
    if expected is int and isinstance(value, str) and value.isdigit():
        return int(value)  # format 1 wrote numbers as text
    return _param_value(param, value)


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@final
@attrs.frozen(kw_only=True)
class QuotaUse:
    """How one maximum stands for the session's kind in its window.

    ``used`` counts the accepted sessions before this one; ``left`` is what remains
    after this one when it is accepted (or as it stands when it is refused).
    """

    limit: str
    maximum: int
    used: int
    left: int


@final
@attrs.frozen(kw_only=True)
class Assessment:
    """The decision on one session (the public API).

    ``patient_share`` is ``None`` when refused. ``practitioner_fee`` and
    ``insurer_share`` are given for accepted individual sessions; a group fee is paid
    per facilitator (see :func:`~inami_ppl.practitioner_fee`), so they are ``None``
    for group sessions. ``unconfirmed`` is true when the decision used a value
    nobody confirmed: an estimate (named in ``unconfirmed_values``, e.g.
    ``"fee.individual"``) or, after the covered period, the last rules applied on
    request (``"coverage.end"``). ``billing_code`` is the user's code for this kind of
    session when a billing-code table was loaded (``None`` otherwise).

    For an accepted session, ``share_reason`` says which step of the patient-share
    precedence set the share (a ``share.*`` code), and ``applied`` lists the rule
    values that set the share and the fee, each with its validity period, its source
    and its confidence mark. Both are empty for a refusal, whose reasons name their
    own sources.
    """

    session: Session
    allowed: bool
    reasons: tuple[Reason, ...]
    patient_share: Decimal | None
    practitioner_fee: Decimal | None
    insurer_share: Decimal | None
    ruleset: str
    unconfirmed: bool = False
    quota: tuple[QuotaUse, ...] = ()
    sources: tuple[Source, ...] = ()
    unconfirmed_values: tuple[str, ...] = attrs.field(default=(), converter=_names)
    billing_code: str | None = None
    share_reason: Reason | None = None
    applied: tuple[RuleValue, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order, as plain text."""
        return tuple(reason.code.value for reason in self.reasons)

    def messages(self, lang: str = "en", *, rules: Rules | None = None) -> tuple[str, ...]:
        """The reasons' messages in ``lang`` (labels from ``rules``, default the bundled ones)."""
        return tuple(reason.message(lang, rules=rules) for reason in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, with the format version (``"format"``)."""
        return {
            "format": FORMAT_VERSION,
            "session": self.session.to_dict(),
            "allowed": self.allowed,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "patient_share": _money(self.patient_share),
            "practitioner_fee": _money(self.practitioner_fee),
            "insurer_share": _money(self.insurer_share),
            "ruleset": self.ruleset,
            "unconfirmed": self.unconfirmed,
            "unconfirmed_values": list(self.unconfirmed_values),
            "billing_code": self.billing_code,
            "quota": [attrs.asdict(use) for use in self.quota],
            "sources": [_source_dict(s) for s in self.sources],
            "share_reason": None if self.share_reason is None else self.share_reason.to_dict(),
            "applied": [value.as_dict() for value in self.applied],
        }

    def to_json(self) -> str:
        """The JSON text of :meth:`to_dict` (keys sorted, so the same decision gives the same text).

        >>> import datetime as dt
        >>> from inami_ppl import Patient, Session, assess
        >>> a = assess(Patient(birth_date=dt.date(1990, 1, 1)), [],
        ...            Session(date=dt.date(2024, 5, 2), network="adults", function="support",
        ...                    setting="individual"))
        >>> Assessment.from_json(a.to_json()) == a
        True
        """
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        """Read the form written by :meth:`to_dict`.

        Raises:
            InvalidInputError: the format version is unknown or a field is malformed.

        """
        form: object = data
        if not isinstance(form, Mapping) or form.get("format") not in _READABLE:
            found = form.get("format") if isinstance(form, Mapping) else form
            raise InvalidInputError("format", found, " or ".join(map(str, sorted(_READABLE))))
        try:
            share_reason = data.get("share_reason")
            return cls(
                session=Session.from_dict(data["session"]),
                allowed=check_bool("allowed", data["allowed"]),
                reasons=tuple(Reason.from_dict(r) for r in data["reasons"]),
                patient_share=_decimal(data["patient_share"]),
                practitioner_fee=_decimal(data["practitioner_fee"]),
                insurer_share=_decimal(data["insurer_share"]),
                ruleset=data["ruleset"],
                unconfirmed=check_bool("unconfirmed", data["unconfirmed"]),
                quota=tuple(QuotaUse(**use) for use in data["quota"]),
                sources=tuple(_source_from(s) for s in data["sources"]),
                unconfirmed_values=tuple(data.get("unconfirmed_values", ())),
                billing_code=data.get("billing_code"),
                share_reason=None if share_reason is None else Reason.from_dict(share_reason),
                applied=tuple(_rule_value_from(v) for v in data.get("applied", ())),
            )
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
            raise InvalidInputError("assessment", error, "the JSON form of an Assessment") from None

    @classmethod
    def from_json(cls, text: str) -> Assessment:
        """Read the text written by :meth:`to_json`."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError, RecursionError) as error:  # nested too deep to read
            raise InvalidInputError("json", type(error).__name__, "a JSON text") from None
        if not isinstance(data, Mapping):
            raise InvalidInputError("json", data, "a JSON object")
        return cls.from_dict(data)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    """An amount written by :func:`_money`: text of a finite number of euros, or ``None``."""
    if value is None:
        return None
    text: object = value
    if not isinstance(text, str) or not Decimal(text).is_finite():
        raise InvalidInputError("amount", value, "an amount as text, such as '12.50'")
    return Decimal(value)


def _source_dict(source: Source) -> dict[str, Any]:
    return {
        "key": source.key,
        "url": source.url,
        "confidence": source.confidence.value,
        "note": source.note,
    }


def _source_from(data: Mapping[str, Any]) -> Source:
    return Source(
        key=data["key"],
        url=data["url"],
        confidence=Confidence(data["confidence"]),
        note=data["note"],
    )


def _rule_value_from(data: Mapping[str, Any]) -> RuleValue:
    """Read :meth:`~inami_ppl.RuleValue.as_dict`; amounts are written as text."""
    value = data["value"]
    end = data["end"]
    return RuleValue(
        name=data["name"],
        value=Decimal(value) if isinstance(value, str) else value,
        start=dt.date.fromisoformat(data["start"]),
        end=None if end is None else dt.date.fromisoformat(end),
        source=Source(
            key=data["source"],
            url=data["url"],
            confidence=Confidence(data["confidence"]),
            note=data["note"],
        ),
        estimate=data.get("estimate", False),
    )
