"""The library's errors: one hierarchy rooted at :class:`InamiPplError`.

Bad input raises an error; a valid history that breaks a rule gives a refused
:class:`~inami_ppl.Assessment` instead (rules §11).
"""

from __future__ import annotations

__all__ = ["InamiPplError", "InvalidInputError", "OutOfCoverageError", "RuleDataError"]


class InamiPplError(Exception):
    """Base class of every error raised by ``inami_ppl``."""


class InvalidInputError(InamiPplError, ValueError):
    """An input value has the wrong type, an unknown code or an impossible value.

    The message names the field, the value received and what was expected; the
    same facts are available as attributes.
    """

    def __init__(self, field: str, value: object, expected: str) -> None:
        """Record the field, the bad value and what was expected."""
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: expected {expected}, got {value!r}")


class OutOfCoverageError(InvalidInputError):
    """A date lies outside the period the rule tables cover (rules §1)."""


class RuleDataError(InvalidInputError):
    """A rule table or an override is malformed (unknown key, overlap, missing source...)."""
