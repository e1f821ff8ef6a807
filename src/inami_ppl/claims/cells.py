"""Reading one row's cells into a patient and a session, or into a :class:`RowError`.

Codes and booleans are read in any case, booleans in the four languages
(``true``/``vrai``/``waar``/``wahr``, ``oui``/``ja``, ``1``...); dates as
``YYYY-MM-DD`` unless a row reader is given another format (``%d/%m/%Y``).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from collections.abc import Mapping
from typing import Final, TypeVar, final

import attrs

from inami_ppl.claims.schema import COLUMNS, IDENTIFYING, RowError
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import (
    LAST_SESSION_DATE,
    Function,
    Modality,
    Network,
    Patient,
    Session,
    Setting,
)
from inami_ppl.rulesets import Rules

__all__ = ["ISO_DATE", "BadCellError", "Row", "RowReader", "excerpt", "has_surrogates"]

#: The default date format of a claims file.
ISO_DATE: Final = "%Y-%m-%d"
# The longest cell a message shows whole; longer ones are cut to an excerpt.
_EXCERPT: Final = 24
# Characters that mean a cell holds more than one value (other cells or rows).
_ROW_LIKE: Final = frozenset(',;\t\r\n"')

E = TypeVar("E", bound=enum.Enum)

_TRUE: Final = frozenset({"true", "1", "yes", "vrai", "oui", "waar", "ja", "wahr"})
_FALSE: Final = frozenset({"false", "0", "no", "faux", "non", "onwaar", "nee", "falsch", "nein"})


class BadCellError(Exception):
    """Internal signal: the first bad field of a row, turned into a :class:`RowError`."""

    def __init__(self, field: str, expected: str) -> None:
        """Record the field and what was expected."""
        super().__init__(field)
        self.field = field
        self.expected = expected


def _codes(cls: type[E]) -> dict[str, E]:
    return {member.value: member for member in cls}


_NETWORKS: Final = _codes(Network)
_FUNCTIONS: Final = _codes(Function)
_SETTINGS: Final = _codes(Setting)
_MODALITIES: Final = _codes(Modality)


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which no UTF-8 output can hold.

    Bytes that were not UTF-8 come in as surrogates (files are read with
    ``surrogateescape``); JSON text can spell any surrogate as an escape.
    """
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def excerpt(value: str) -> str | None:
    """What a message may show of a cell: ``None`` when it looks like several cells or rows.

    A stray quote can swallow the following cells and rows (other patients' ids and
    birth dates) into one cell: such a cell is never shown, and a long one is cut.
    """
    if not _ROW_LIKE.isdisjoint(value) or has_surrogates(value):
        return None
    return value if len(value) <= _EXCERPT else value[: _EXCERPT - 4] + "..."


@functools.lru_cache(maxsize=65_536)
def _parse_date(text: str, form: str) -> dt.date | None:
    """A date in ``form``, or ``None``; cached, since a claims file repeats the same dates.

    ISO dates are read as ``YYYY-MM-DD`` only: ``date.fromisoformat`` alone would also
    take ISO's other forms (``20240506``, ``2024-W19-1``), which no claims file means.
    """
    if form == ISO_DATE:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    try:
        return dt.datetime.strptime(text, form).date()  # noqa: DTZ007  (a date, no time)
    except ValueError:
        return None


def _text(field: str, value: object) -> str:
    """A cell as stripped text; JSON ``null`` and absent cells read as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.isascii() and has_surrogates(value):
            raise BadCellError(field, "valid UTF-8 text")
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and field == "patient_id":
        return str(value)
    raise BadCellError(field, "a text value")


def _required(record: Mapping[str, object], field: str) -> str:
    text = _text(field, record.get(field))
    if not text:
        raise BadCellError(field, "a value")
    return text


def _code(record: Mapping[str, object], field: str, codes: Mapping[str, E], default: E | None) -> E:
    """A code of ``codes`` in any case; ``default`` when empty (an error when it is None)."""
    text = _text(field, record.get(field))
    if not text:
        if default is None:
            raise BadCellError(field, "a value")
        return default
    member = codes.get(text) or codes.get(text.lower())
    if member is None:
        raise BadCellError(field, "one of " + ", ".join(repr(code) for code in codes))
    return member


def _flag(record: Mapping[str, object], field: str) -> bool:
    value = record.get(field)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)  # JSON 1 and 0, like "1" and "0" in CSV
    text = _text(field, value).lower()
    if text in _TRUE:
        return True
    if not text or text in _FALSE:
        return False
    raise BadCellError(field, "true or false (or 1 or 0, oui/non, ja/nee)")


@functools.lru_cache(maxsize=65_536)
def _patient(birth_date: dt.date, preferential: bool) -> Patient:
    return Patient(birth_date=birth_date, preferential=preferential)


# The cells that describe a session apart from its date and provider. A claims file
# repeats a handful of combinations, so each is read once (see ``_cached_shape``).
_SESSION_FIELDS: Final = COLUMNS[COLUMNS.index("network") : COLUMNS.index("provider")]
_Shape = tuple[Network, Function, Setting, Modality, bool, bool]


def _shape(raw: tuple[object, ...]) -> _Shape:
    """Read the session cells (in :data:`_SESSION_FIELDS` order) into the library's values."""
    cells = dict(zip(_SESSION_FIELDS, raw, strict=True))
    return (
        _code(cells, "network", _NETWORKS, None),
        _code(cells, "function", _FUNCTIONS, None),
        _code(cells, "setting", _SETTINGS, None),
        _code(cells, "modality", _MODALITIES, Modality.PRACTICE),
        _flag(cells, "with_context"),
        _flag(cells, "functional_assessment"),
    )


_cached_shape = functools.lru_cache(maxsize=65_536)(_shape)


@final
@attrs.frozen
class Row:
    """A row read into the library's values, waiting to be judged with its patient."""

    position: int
    line: int
    cells: Mapping[str, object]
    patient_id: str
    patient: Patient
    session: Session


@final
@attrs.frozen
class RowReader:
    """Reads records into :class:`Row` values against ``rules``."""

    rules: Rules
    accept_unconfirmed: bool = False
    date_format: str = ISO_DATE

    def date(self, record: Mapping[str, object], field: str) -> dt.date:
        """The date in ``field``: a ``datetime.date`` or text in :attr:`date_format`."""
        value = record.get(field)
        if type(value) is not dt.date:
            parsed = _parse_date(_required(record, field), self.date_format)
            if parsed is None:
                shown = "an ISO date (YYYY-MM-DD)" if self.date_format == ISO_DATE else None
                raise BadCellError(field, shown or f"a date in the form {self.date_format}")
            value = parsed
        if value > LAST_SESSION_DATE:
            raise BadCellError(field, f"a date on or before {LAST_SESSION_DATE.isoformat()}")
        return value

    def patient(self, record: Mapping[str, object]) -> Patient:
        """The patient of ``record``: its ``birth_date`` and ``preferential`` cells.

        Raises:
            BadCellError: the first bad cell of the two.

        """
        return _patient(self.date(record, "birth_date"), _flag(record, "preferential"))

    def read(self, position: int, line: int, record: Mapping[str, object]) -> Row:
        """Check every cell of ``record`` (in column order) and build its patient and session.

        Raises:
            BadCellError: the first bad cell.

        """
        patient_id = _required(record, "patient_id")
        patient = self.patient(record)
        day = self.date(record, "date")
        raw = tuple(record.get(field) for field in _SESSION_FIELDS)
        try:
            shape = _cached_shape(raw)
        except TypeError:  # a JSON list or object in a cell: not hashable, read it uncached
            shape = _shape(raw)
        network, function, setting, modality, with_context, functional_assessment = shape
        provider = _text("provider", record.get("provider")) or None
        unable_to_travel = _flag(record, "unable_to_travel")
        co_provider = _text("co_provider", record.get("co_provider")) or None
        rules = self.rules
        # These are errors, not refusals: sessions before the first rules, after the
        # last ones (unless asked), or before the patient's birth.
        if day < rules.coverage_start:
            raise BadCellError("date", f"a date on or after {rules.coverage_start.isoformat()}")
        if day > rules.coverage_end and not self.accept_unconfirmed:
            raise BadCellError(
                "date",
                f"a date on or before {rules.coverage_end.isoformat()} (or unconfirmed rules)",
            )
        if patient.birth_date > day:
            raise BadCellError("birth_date", "a date on or before the session date")
        try:
            session = Session(
                date=day,
                network=network,
                function=function,
                setting=setting,
                modality=modality,
                with_context=with_context,
                functional_assessment=functional_assessment,
                provider=provider,
                unable_to_travel=unable_to_travel,
                co_provider=co_provider,
            )
        except InvalidInputError as error:  # a setting the function does not have
            raise BadCellError(error.field, error.expected) from None
        return Row(
            position=position,
            line=line,
            cells=record,
            patient_id=patient_id,
            patient=patient,
            session=session,
        )


def row_error(line: int, record: Mapping[str, object], bad: BadCellError) -> RowError:
    """The :class:`RowError` of ``bad``, showing an excerpt of the cell unless it identifies."""
    value = None
    if bad.field not in IDENTIFYING:
        raw = record.get(bad.field)
        value = excerpt(raw if isinstance(raw, str) else _json_text(raw))
    return RowError(line=line, field=bad.field, expected=bad.expected, value=value)


def _json_text(value: object) -> str:
    try:
        return json.dumps(value, default=str)
    except (ValueError, RecursionError):  # an int too long to write, a nesting too deep
        return type(value).__name__


def patient_id_of(record: Mapping[str, object]) -> str | None:
    """The patient of a malformed row, when it can be read, to keep it with its patient."""
    try:
        return _text("patient_id", record.get("patient_id")) or None
    except BadCellError:
        return None
