"""Texts of the reason and share codes in French, Dutch, German and English.

The caller picks the language; it is never taken from the environment. Each
catalogue (``fr.json``, ``nl.json``, ``de.json``, ``en.json``) holds a template per
reason code and per share code (under ``"reasons"``), the names of networks and
settings, and how to name a window. The names of functions and limits sit beside them
in the rule tables: the caller passes them in (``labels``), and a code without a label
is shown as it is.

>>> import datetime as dt
>>> render("day.limit", {"date": dt.date(2024, 5, 2)}, "fr-BE")
'Une seule séance remboursée par jour : une séance a déjà eu lieu le 02/05/2024.'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import string
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Final

from inami_ppl.codes import ParamValue
from inami_ppl.errors import InvalidInputError

__all__ = ["LANGUAGES", "language", "render"]

LANGUAGES: Final = ("fr", "nl", "de", "en")
# A language tag: the language, then an optional region or script ("nl-BE", "fr_BE").
_TAG: Final = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*")
# The languages that write amounts with a decimal comma.
_DECIMAL_COMMA: Final = frozenset({"fr", "nl", "de"})

# Parameters holding a code whose label the catalogue translates, by label prefix.
_LABELLED: Final = {
    "network": "network",
    "other_network": "network",
    "networks": "network",
    "function": "function",
    "limit": "limit",
    "kind": "kind",
    "conflict": "kind",
}


def language(tag: object) -> str:
    """The catalogue of a language tag: ``"nl"``, ``"NL"``, ``"nl-BE"``, ``"nl_BE"`` give ``"nl"``.

    >>> language("nl-BE"), language("FR")
    ('nl', 'fr')

    Raises:
        InvalidInputError: the tag is not one of the four languages (with a region or not).

    """
    if isinstance(tag, str):
        match = _TAG.fullmatch(tag.strip())
        if match is not None and match.group(1).lower() in LANGUAGES:
            return match.group(1).lower()
    raise InvalidInputError("lang", tag, f"one of {', '.join(LANGUAGES)} (a region may follow)")


def catalogue(tag: object) -> Mapping[str, Mapping[str, str]]:
    """The catalogue of ``tag`` (``"fr"``, ``"nl"``, ``"de"`` or ``"en"``, see :func:`language`)."""
    return _load(language(tag))


@functools.cache
def _load(language: str) -> Mapping[str, Mapping[str, str]]:
    text = resources.files(__name__).joinpath(f"{language}.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def _label(labels: Mapping[str, str], prefix: str, code: str) -> str:
    if prefix == "kind":
        function, _, setting = code.partition("/")
        return labels["kind"].format(
            function=labels.get(f"function.{function}", function),
            setting=labels.get(f"setting.{setting}", setting),
        )
    return labels.get(f"{prefix}.{code}", code)


def _window(labels: Mapping[str, str], code: str) -> str:
    """Name the window ``policy/months`` of a reason, e.g. "the last 12 months"."""
    policy, _, months = code.partition("/")
    return labels.get(f"window.{policy}", labels["window.any"]).format(months=months)


def render(
    code: str,
    params: Mapping[str, ParamValue],
    lang: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The message of reason or share ``code`` with its facts, in ``lang``.

    The facts are those of a :class:`~inami_ppl.Reason`: codes are replaced by their
    labels (the catalogue's, then ``labels``: the names of functions and limits from
    the rule tables), dates and amounts written the language's way, and the message
    starts with a capital letter.
    """
    name = language(lang)
    data = _load(name)
    if code not in data["reasons"]:
        raise InvalidInputError("code", code, "a reason code or a share code")
    labels = {**data["labels"], **(labels or {})}
    values: dict[str, str] = {"window": labels["window.any"]}
    for key, value in params.items():
        if isinstance(value, dt.date):
            values[key] = value.strftime(labels["date_format"])
        elif isinstance(value, Decimal):
            text = f"{value:.2f}"
            values[key] = text.replace(".", ",") if name in _DECIMAL_COMMA else text
        elif isinstance(value, str) and key in _LABELLED:
            prefix = _LABELLED[key]
            values[key] = ", ".join(_label(labels, prefix, v) for v in value.split(","))
        elif key == "window":
            values[key] = _window(labels, str(value))
        else:
            values[key] = str(value)
    text = data["reasons"][code].format_map(values)
    return text[:1].upper() + text[1:]


def fields(template: str) -> frozenset[str]:
    """The parameter names a template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
