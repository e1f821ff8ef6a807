"""The library's errors: one hierarchy rooted at :class:`InamiPplError`.

Bad input raises an error; a valid history that breaks a rule gives a refused
:class:`~inami_ppl.Assessment` instead (rules §11).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "IDENTIFYING",
    "InamiPplError",
    "InvalidInputError",
    "OutOfCoverageError",
    "RuleDataError",
]

#: Fields whose values identify a person: a message never shows them.
IDENTIFYING: Final = frozenset({"patient_id", "birth_date", "provider", "co_provider"})
# The last name in a field path: ``birth_date`` in ``history[3].birth_date``.
_LAST_NAME: Final = re.compile(r"([A-Za-z_]+)\W*$")
# The longest text of a value a message shows; longer ones are cut.
_SHOWN: Final = 80


def shown(field: str, value: object) -> str:
    """The value as a message shows it: never for a field that identifies a person.

    A value whose text cannot be made (an int of thousands of digits) or is long is
    cut to a short excerpt.
    """
    last = _LAST_NAME.search(field)
    if last is not None and last.group(1) in IDENTIFYING:
        return "(not shown: it identifies a person)"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int too long to write, a nesting too deep
        return f"(a {type(value).__name__} too large to show)"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


class InamiPplError(Exception):
    """Base class of every error raised by ``inami_ppl``."""


class InvalidInputError(InamiPplError, ValueError):
    """An input value has the wrong type, an unknown code or an impossible value.

    The message names the field, the value received (unless the field identifies a
    person: a birth date, a patient id, a provider number; see :data:`IDENTIFYING`)
    and what was expected. The same facts are available as attributes: ``value`` is
    the value received, for programs, and never part of the message.
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        """Record the field, the bad value and what was expected."""
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: expected {expected}, got {shown(field, value)}")


class OutOfCoverageError(InvalidInputError):
    """A date lies outside the period the rule tables cover (rules §1)."""


class RuleDataError(InvalidInputError):
    """A rule table or an override is malformed (unknown key, overlap, missing source...)."""
