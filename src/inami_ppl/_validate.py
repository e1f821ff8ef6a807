"""Small type checks shared by the value objects and the public functions."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import TypeVar

from inami_ppl.errors import InvalidInputError

E = TypeVar("E", bound=enum.Enum)


def check_date(field: str, value: object) -> dt.date:
    """Return ``value`` when it is a plain :class:`datetime.date` (never a ``datetime``)."""
    if type(value) is not dt.date:
        raise InvalidInputError(field, value, "a datetime.date (not a datetime or a string)")
    return value


def check_bool(field: str, value: object) -> bool:
    """Return ``value`` when it is a real ``bool``."""
    if not isinstance(value, bool):
        raise InvalidInputError(field, value, "True or False")
    return value


def to_enum(cls: type[E], field: str, value: object) -> E:
    """Return the member of ``cls`` given as itself or as its string code."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        for member in cls:
            if member.value == value:
                return member
    codes = ", ".join(repr(member.value) for member in cls)
    raise InvalidInputError(field, value, f"one of {codes}")


def check_iterable(field: str, value: object, expected: str) -> Iterable[object]:
    """Return ``value`` when it is an iterable of items (not a text, bytes or a mapping)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInputError(field, value, expected)
    return value
