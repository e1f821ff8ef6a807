"""Texts of the reason codes in French, Dutch, German and English.

The caller picks the language; it is never taken from the environment. Each
catalogue (``fr.json``, ``nl.json``, ``de.json``, ``en.json``) holds a template per
reason code, the names of networks and settings, and how to name a window. The names
of functions and limits sit beside them in the rule tables: the caller passes them in
(``labels``), and a code without a label is shown as it is.

>>> render("day.limit", {"date": "2024-05-02"}, "fr")
'Une seule séance remboursée par jour : une séance a déjà eu lieu le 02/05/2024.'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import string
from collections.abc import Mapping
from importlib import resources
from typing import Final

from inami_ppl.errors import InvalidInputError

__all__ = ["LANGUAGES", "REASON_CODES", "render"]

LANGUAGES: Final = ("fr", "nl", "de", "en")

# The stable reason codes, in the order a refusal lists them.
REASON_CODES: Final = (
    "age.network",
    "network.switch",
    "function.not_in_force",
    "quota.exceeded",
    "quota.combination",
    "day.limit",
    "assessment.missing",
    "video.first_in_person",
)

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
_DATES: Final = frozenset({"date", "frees_on", "last_date"})


def catalogue(language: object) -> Mapping[str, Mapping[str, str]]:
    """The catalogue of ``language`` (``"fr"``, ``"nl"``, ``"de"`` or ``"en"``)."""
    if not isinstance(language, str) or language not in LANGUAGES:
        raise InvalidInputError("lang", language, f"one of {', '.join(LANGUAGES)}")
    return _load(language)


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
    params: Mapping[str, str],
    language: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The message of reason ``code`` with its parameters, in ``language``.

    Parameters are the stable codes and ISO dates of a :class:`~inami_ppl.Reason`;
    codes are replaced by their labels (the catalogue's, then ``labels``: the names of
    functions and limits from the rule tables) and dates written the language's way.
    """
    data = catalogue(language)
    if code not in data["reasons"]:
        raise InvalidInputError("code", code, f"one of {', '.join(REASON_CODES)}")
    labels = {**data["labels"], **(labels or {})}
    values: dict[str, str] = {"window": labels["window.any"]}
    for key, value in params.items():
        if key in _LABELLED:
            prefix = _LABELLED[key]
            values[key] = ", ".join(_label(labels, prefix, v) for v in value.split(","))
        elif key == "window":
            values[key] = _window(labels, value)
        elif key in _DATES:
            values[key] = dt.date.fromisoformat(value).strftime(labels["date_format"])
        else:
            values[key] = value
    return data["reasons"][code].format_map(values)


def fields(template: str) -> frozenset[str]:
    """The parameter names a template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
