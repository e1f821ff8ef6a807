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
from inami_ppl._validate import check_bool
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Confidence, Session, Source
from inami_ppl.rulesets import Rules, resolve_rules

__all__ = ["FORMAT_VERSION", "Assessment", "QuotaUse", "Reason"]

# Version 2 added ``unconfirmed_values`` and ``billing_code``; version 1 forms still read.
FORMAT_VERSION: Final = 2
_READABLE: Final = (1, 2)


def _sorted_params(params: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Keep the facts in key order, so that equal reasons compare equal after JSON."""
    return tuple(sorted(params))


@final
@attrs.frozen(kw_only=True)
class Reason:
    """Why a session is refused: a stable ``code``, the facts of the case, the sources.

    ``params`` holds codes and ISO dates (never translated text), so that the
    message can be rendered in any language with :meth:`message`.
    """

    code: str
    params: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_sorted_params)
    sources: tuple[Source, ...] = ()

    def message(self, lang: str = "en", *, rules: Rules | None = None) -> str:
        """The explanation in ``lang``: ``"fr"``, ``"nl"``, ``"de"`` or ``"en"``.

        Functions and limits are named by their labels in ``rules`` (default: the
        bundled tables); a code without a label is shown as it is.
        """
        labels = resolve_rules(rules).labels(lang)
        return messages.render(self.code, dict(self.params), lang, labels)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "code": self.code,
            "params": dict(self.params),
            "sources": [_source_dict(s) for s in self.sources],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        """Read the form written by :meth:`to_dict`."""
        return cls(
            code=data["code"],
            params=tuple(data["params"].items()),
            sources=tuple(_source_from(s) for s in data["sources"]),
        )


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

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(reason.code for reason in self.reasons)

    def messages(self, lang: str = "en", *, rules: Rules | None = None) -> tuple[str, ...]:
        """The reasons' messages in ``lang`` (labels from ``rules``, default the bundled ones)."""
        return tuple(reason.message(lang, rules=rules) for reason in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, with the format version (``"format"``)."""
        session = self.session
        return {
            "format": FORMAT_VERSION,
            "session": {
                "date": session.date.isoformat(),
                "network": session.network.value,
                "function": session.function.value,
                "setting": session.setting.value,
                "modality": session.modality.value,
                "with_context": session.with_context,
                "functional_assessment": session.functional_assessment,
                "provider": session.provider,
            },
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
            raise InvalidInputError("format", found, " or ".join(map(str, _READABLE)))
        try:
            raw = dict(data["session"])
            raw["date"] = dt.date.fromisoformat(raw["date"])
            return cls(
                session=Session(**raw),
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
