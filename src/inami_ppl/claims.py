"""Claims files: many patients' sessions at once (the claims-file format of the back-office guide).

A claims file has one row per session, as UTF-8 CSV with a header or as JSON lines,
with the columns of :data:`COLUMNS`. :func:`assess_records` and :func:`assess_file`
turn rows into :class:`Claim` results, one per row, in the input order; every
patient's sessions are judged together, in date order, exactly as
:func:`~inami_ppl.assess_history` does. A malformed row becomes a claim with a
:class:`RowError` (its line and field): it is never dropped.

Memory: with ``grouped=True`` the rows of one patient must stand next to each
other (any order of dates within them) and only one patient is held at a time.
With the default ``grouped=False`` any order is accepted, at the cost of holding
every row until the input ends.

>>> import io
>>> text = '''patient_id,birth_date,date,network,function,setting
... p1,1980-06-15,2024-05-06,adults,support,individual
... p1,1980-06-15,2024-05-06,adults,support,group
... '''
>>> [(c.line, c.allowed, c.codes) for c in assess_file(io.StringIO(text))]
[(2, True, ()), (3, False, ('day.limit',))]
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Final, Literal, TypeVar, cast, final

import attrs

from inami_ppl._validate import check_iterable
from inami_ppl.assess import judge_in_order
from inami_ppl.decision import Assessment
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Function, Modality, Network, Patient, Session, Setting
from inami_ppl.rulesets import Rules, resolve_rules

__all__ = [
    "COLUMNS",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "Claim",
    "ClaimsFileError",
    "InvalidRowError",
    "NumberedRow",
    "RowError",
    "assess_file",
    "assess_records",
    "assess_rows",
    "claim_cells",
    "claim_json",
    "guess_format",
    "jsonl_line",
    "open_claims",
    "output_header",
    "read_csv",
    "read_jsonl",
    "write_csv",
    "write_jsonl",
]

Format = Literal["csv", "jsonl"]

#: The input columns, in the order of the reason-code page.
COLUMNS: Final = (
    "patient_id",
    "birth_date",
    "preferential",
    "date",
    "network",
    "function",
    "setting",
    "modality",
    "with_context",
    "functional_assessment",
    "provider",
    "unable_to_travel",
    "co_provider",
)
#: The columns every row must fill; the others take the defaults when empty or absent.
REQUIRED_COLUMNS: Final = ("patient_id", "birth_date", "date", "network", "function", "setting")
#: The columns added to each row of the output, after the input columns.
OUTPUT_COLUMNS: Final = (
    "allowed",
    "reasons",
    "patient_share",
    "practitioner_fee",
    "insurer_share",
    "ruleset",
    "share_reason",
    "unconfirmed",
    "unconfirmed_values",
    "billing_code",
    "messages",
    "line",
    "error",
)
# Columns whose values identify a person: never repeated in an error message.
_PRIVATE: Final = frozenset({"patient_id", "birth_date", "co_provider"})
# A spreadsheet reads a cell starting with one of these as a formula.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST: Final = frozenset(_FORMULA_START)
_OUTPUT_NAMES: Final = frozenset(OUTPUT_COLUMNS)
_KNOWN_COLUMNS: Final = frozenset(COLUMNS) | _OUTPUT_NAMES


class InvalidRowError(InvalidInputError):
    """A row of a claims file is malformed (raised in strict mode; see :class:`RowError`)."""

    def __init__(self, error: RowError) -> None:
        """Wrap the row error."""
        super().__init__(f"line {error.line}: {error.field}", error.shown, error.expected)
        self.line = error.line
        self.args = (error.message,)


class ClaimsFileError(InvalidInputError):
    """A claims file cannot be read at all (no header, a missing or repeated column...)."""


@final
@attrs.frozen(kw_only=True)
class RowError:
    """Why one row could not be assessed: its line, the field and what was expected.

    ``value`` is the cell as read, or ``None`` for the columns that identify a person
    (``patient_id``, ``birth_date``, ``co_provider``): the message names the line and the
    field only, so that error reports can be shared.
    """

    line: int
    field: str
    expected: str
    value: str | None = None

    @property
    def shown(self) -> str:
        """The value as the message shows it."""
        return "(not shown)" if self.value is None else repr(self.value)

    @property
    def detail(self) -> str:
        """``date: expected an ISO date (YYYY-MM-DD), got '2024-13-01'``."""
        got = "" if self.value is None else f", got {self.value!r}"
        return f"{self.field}: expected {self.expected}{got}"

    @property
    def message(self) -> str:
        """The detail with the line: ``line 7: date: expected ...``."""
        return f"line {self.line}: {self.detail}"


@final
@attrs.frozen(kw_only=True)
class Claim:
    """One row of a claims file and what became of it.

    Exactly one of ``assessment`` and ``error`` is set. ``cells`` are the row's
    values as read (text for CSV, JSON values for JSON lines), in column order.
    """

    line: int
    cells: Mapping[str, object]
    patient_id: str | None
    assessment: Assessment | None = None
    error: RowError | None = None

    @property
    def allowed(self) -> bool | None:
        """Whether the session is reimbursed; ``None`` for a malformed row."""
        return None if self.assessment is None else self.assessment.allowed

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes of a refusal (empty when allowed or malformed)."""
        return () if self.assessment is None else self.assessment.codes


#: A row as the readers give it: its line number and its cells, or why it is unreadable.
NumberedRow = tuple[int, "Mapping[str, object] | RowError"]


# --------------------------------------------------------------------------------------
# Reading one row's cells into a patient and a session


class _BadCellError(Exception):
    """Internal signal: the first bad field of a row, turned into a :class:`RowError`."""

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(field)
        self.field = field
        self.expected = expected


E = TypeVar("E", bound=enum.Enum)

_TRUE: Final = frozenset({"true", "1"})
_FALSE: Final = frozenset({"false", "0"})


def _codes(cls: type[E]) -> dict[str, E]:
    return {member.value: member for member in cls}


_NETWORKS: Final = _codes(Network)
_FUNCTIONS: Final = _codes(Function)
_SETTINGS: Final = _codes(Setting)
_MODALITIES: Final = _codes(Modality)


@functools.lru_cache(maxsize=65_536)
def _parse_date(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or ``None``; cached, since a claims file repeats the same dates.

    ``date.fromisoformat`` alone would also take ISO's other forms (``20240506``,
    ``2024-W19-1``), which no claims file means.
    """
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which no UTF-8 output can hold.

    Bytes that were not UTF-8 come in as surrogates (files are read with
    ``surrogateescape``); JSON text can spell any surrogate as an escape.
    """
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it can be written."""
    if text.isascii() or not _has_surrogates(text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _text(field: str, value: object) -> str:
    """A cell as stripped text; JSON ``null`` and absent cells read as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.isascii() and _has_surrogates(value):
            raise _BadCellError(field, "valid UTF-8 text")
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and field == "patient_id":
        return str(value)
    raise _BadCellError(field, "a text value")


def _required(record: Mapping[str, object], field: str) -> str:
    text = _text(field, record.get(field))
    if not text:
        raise _BadCellError(field, "a value")
    return text


def _date(record: Mapping[str, object], field: str) -> dt.date:
    value = record.get(field)
    if type(value) is dt.date:
        return value
    parsed = _parse_date(_required(record, field))
    if parsed is None:
        raise _BadCellError(field, "an ISO date (YYYY-MM-DD)")
    return parsed


def _code(record: Mapping[str, object], field: str, codes: Mapping[str, E], default: E | None) -> E:
    """A code of ``codes``; ``default`` when empty, or an error when ``default`` is None."""
    text = _text(field, record.get(field))
    if not text:
        if default is None:
            raise _BadCellError(field, "a value")
        return default
    member = codes.get(text)
    if member is None:
        raise _BadCellError(field, "one of " + ", ".join(repr(code) for code in codes))
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
    raise _BadCellError(field, "true or false (or 1 or 0)")


@functools.lru_cache(maxsize=65_536)
def _patient(birth_date: dt.date, preferential: bool) -> Patient:
    return Patient(birth_date=birth_date, preferential=preferential)


# The cells that describe a session apart from its date and provider. A claims file
# repeats a handful of combinations, so each is read once (see ``_cached_shape``).
_SESSION_FIELDS: Final = (
    "network",
    "function",
    "setting",
    "modality",
    "with_context",
    "functional_assessment",
)
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
class _Row:
    """A row read into the library's values, waiting to be judged with its patient."""

    position: int
    line: int
    cells: Mapping[str, object]
    patient_id: str
    patient: Patient
    session: Session


def _read_row(
    position: int,
    line: int,
    record: Mapping[str, object],
    rules: Rules,
    *,
    accept_unconfirmed: bool,
) -> _Row:
    """Check every cell of ``record`` (in column order) and build its patient and session."""
    patient_id = _required(record, "patient_id")
    birth_date = _date(record, "birth_date")
    preferential = _flag(record, "preferential")
    day = _date(record, "date")
    raw = tuple(record.get(field) for field in _SESSION_FIELDS)
    try:
        shape = _cached_shape(raw)
    except TypeError:  # a JSON list or object in a cell: not hashable, read it uncached
        shape = _shape(raw)
    network, function, setting, modality, with_context, functional_assessment = shape
    provider = _text("provider", record.get("provider")) or None
    unable_to_travel = _flag(record, "unable_to_travel")
    co_provider = _text("co_provider", record.get("co_provider")) or None
    # Rules §1, §2, §11: these are errors, not refusals.
    if day < rules.coverage_start:
        raise _BadCellError("date", f"a date on or after {rules.coverage_start.isoformat()}")
    if day > rules.coverage_end and not accept_unconfirmed:
        raise _BadCellError(
            "date", f"a date on or before {rules.coverage_end.isoformat()} (or unconfirmed rules)"
        )
    if birth_date > day:
        raise _BadCellError("birth_date", "a date on or before the session date")
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
    except InvalidInputError as error:  # a setting or a co-provider the function does not have
        raise _BadCellError(error.field, error.expected) from None
    return _Row(
        position=position,
        line=line,
        cells=record,
        patient_id=patient_id,
        patient=_patient(birth_date, preferential),
        session=session,
    )


def _row_error(line: int, record: Mapping[str, object], bad: _BadCellError) -> RowError:
    value = None
    if bad.field not in _PRIVATE:
        raw = record.get(bad.field)
        value = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    return RowError(line=line, field=bad.field, expected=bad.expected, value=value)


def _patient_id_of(record: Mapping[str, object]) -> str | None:
    """The patient of a malformed row, when it can be read, to keep it with its patient."""
    try:
        return _text("patient_id", record.get("patient_id")) or None
    except _BadCellError:
        return None


# --------------------------------------------------------------------------------------
# Judging each patient's rows together


@final
@attrs.frozen
class _Failed:
    """A malformed row, in its place among its patient's rows."""

    position: int
    patient_id: str | None
    claim: Claim


_Item = _Row | _Failed


class _Assessor:
    """Turns numbered rows into claims, one patient at a time."""

    def __init__(self, rules: Rules, *, strict: bool, accept_unconfirmed: bool) -> None:
        self.rules = rules
        self.strict = strict
        self.accept_unconfirmed = accept_unconfirmed

    def fail(
        self, position: int, error: RowError, cells: Mapping[str, object], patient_id: str | None
    ) -> _Failed:
        if self.strict:
            raise InvalidRowError(error)
        claim = Claim(line=error.line, cells=_frozen(cells), patient_id=patient_id, error=error)
        return _Failed(position=position, patient_id=patient_id, claim=claim)

    def read(self, position: int, line: int, record: object) -> _Item:
        if isinstance(record, RowError):
            return self.fail(position, record, {}, None)
        if not isinstance(record, Mapping):
            error = RowError(
                line=line,
                field="row",
                expected="a mapping of column names to values",
                value=type(record).__name__,
            )
            return self.fail(position, error, {}, None)
        try:
            return _read_row(
                position, line, record, self.rules, accept_unconfirmed=self.accept_unconfirmed
            )
        except _BadCellError as bad:
            return self.fail(
                position, _row_error(line, record, bad), record, _patient_id_of(record)
            )

    def decide(self, items: Sequence[_Item]) -> list[tuple[int, Claim]]:
        """The claims of one patient's rows (``items``), with their positions."""
        out: list[tuple[int, Claim]] = []
        rows: list[_Row] = []
        first: _Row | None = None
        for item in items:
            if isinstance(item, _Failed):
                out.append((item.position, item.claim))
            elif first is not None and item.patient.birth_date != first.patient.birth_date:
                error = RowError(
                    line=item.line,
                    field="birth_date",
                    expected=f"the birth date of this patient's row on line {first.line}",
                )
                failed = self.fail(item.position, error, item.cells, item.patient_id)
                out.append((failed.position, failed.claim))
            else:
                first = first or item
                rows.append(item)
        rows.sort(key=_session_date)
        decisions = judge_in_order(
            ((row.patient, row.session) for row in rows),
            self.rules,
            accept_unconfirmed=self.accept_unconfirmed,
        )
        out.extend(
            (
                row.position,
                Claim(
                    line=row.line,
                    cells=_frozen(row.cells),
                    patient_id=row.patient_id,
                    assessment=decision,
                ),
            )
            for row, decision in zip(rows, decisions, strict=True)
        )
        out.sort(key=_position)
        return out


def _session_date(row: _Row) -> dt.date:
    return row.session.date


def _position(pair: tuple[int, Claim]) -> int:
    return pair[0]


def _frozen(cells: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(cells))


def _patient_of(item: _Item) -> str | None:
    return item.patient_id


def _grouped(assessor: _Assessor, rows: Iterable[NumberedRow]) -> Iterator[Claim]:
    """Stream: one patient's rows at a time (they must stand next to each other)."""
    closed: set[str] = set()
    current: str | None = None
    group: list[_Item] = []
    for position, (line, record) in enumerate(rows):
        item = assessor.read(position, line, record)
        patient = _patient_of(item)
        if patient is not None and patient != current:
            for _, claim in assessor.decide(group):
                yield claim
            group = []
            if current is not None:
                closed.add(current)
            current = patient
        if patient is not None and patient in closed:
            # Judged apart from the rows before the split, this row would get a wrong
            # decision: every row after the split is reported instead.
            error = RowError(
                line=line,
                field="patient_id",
                expected="the rows of one patient next to each other (grouped input)",
            )
            cells = record if isinstance(record, Mapping) else {}
            item = assessor.fail(position, error, cells, patient)
        group.append(item)
    for _, claim in assessor.decide(group):
        yield claim


def _ungrouped(assessor: _Assessor, rows: Iterable[NumberedRow]) -> Iterator[Claim]:
    """Any order: hold every row, judge each patient, give the claims in input order."""
    patients: dict[str | None, list[_Item]] = {}
    count = 0
    for position, (line, record) in enumerate(rows):
        item = assessor.read(position, line, record)
        patients.setdefault(_patient_of(item), []).append(item)
        count = position + 1
    claims: list[Claim | None] = [None] * count
    for items in patients.values():
        for position, claim in assessor.decide(items):
            claims[position] = claim
    for result in claims:
        assert result is not None  # noqa: S101  (every position was filled above)
        yield result


def assess_rows(
    rows: Iterable[NumberedRow],
    *,
    grouped: bool = False,
    strict: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Iterator[Claim]:
    """Assess numbered rows, as given by :func:`read_csv` or :func:`read_jsonl`.

    One :class:`Claim` per row, in the input order. See :func:`assess_records`.
    """
    assessor = _Assessor(resolve_rules(rules), strict=strict, accept_unconfirmed=accept_unconfirmed)
    checked = _numbered(check_iterable("rows", rows, "an iterable of (line, record) pairs"))
    return (_grouped if grouped else _ungrouped)(assessor, checked)


def _numbered(rows: Iterable[object]) -> Iterator[NumberedRow]:
    for i, pair in enumerate(rows):
        if (
            not isinstance(pair, tuple)
            or len(pair) != 2
            or isinstance(pair[0], bool)
            or not isinstance(pair[0], int)
        ):
            raise InvalidInputError(f"rows[{i}]", pair, "a (line number, record) pair")
        yield pair


def assess_records(
    records: Iterable[Mapping[str, object]],
    *,
    grouped: bool = False,
    strict: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Iterator[Claim]:
    """Assess claims given as mappings (CSV rows from ``csv.DictReader``, parsed JSON...).

    Keys are the columns of :data:`COLUMNS`; values are text as in a CSV file, or
    JSON values (booleans, ``null``), or the library's own values (``datetime.date``,
    enums). Each record is numbered from 1 in :attr:`Claim.line`.

    >>> rows = [
    ...     {"patient_id": "a", "birth_date": "1990-01-01", "date": "2023-03-06",
    ...      "network": "adults", "function": "first_line", "setting": "individual"},
    ...     {"patient_id": "a", "birth_date": "1990-01-01", "date": "2023-13-06",
    ...      "network": "adults", "function": "first_line", "setting": "individual"},
    ... ]
    >>> [c.allowed for c in assess_records(rows)]
    [True, None]
    >>> [c.error.message for c in assess_records(rows) if c.error]
    ["line 2: date: expected an ISO date (YYYY-MM-DD), got '2023-13-06'"]

    Args:
        records: the rows.
        grouped: the rows of each patient stand next to each other; only one
            patient is held in memory at a time. A patient whose rows are split is
            reported (field ``patient_id``) on the rows after the split.
        strict: raise :class:`InvalidRowError` at the first malformed row instead of
            reporting it in a claim.
        rules: the rule tables (default: those bundled with the package).
        accept_unconfirmed: apply the last rules to sessions after the covered period.

    Returns:
        An iterator of claims, one per record, in the records' order.

    Raises:
        InvalidRowError: in strict mode, the first malformed row.

    """
    checked = check_iterable("records", records, "an iterable of mappings")
    return assess_rows(
        enumerate(cast("Iterable[Mapping[str, object]]", checked), start=1),
        grouped=grouped,
        strict=strict,
        rules=rules,
        accept_unconfirmed=accept_unconfirmed,
    )


# --------------------------------------------------------------------------------------
# Files


def read_csv(stream: IO[str]) -> tuple[tuple[str, ...], Iterator[NumberedRow]]:
    """Read the header of a CSV claims file now; return it with an iterator of its rows.

    Line numbers are those of the file (the header is line 1). Blank lines are
    skipped; a row with another number of cells than the header is reported.
    Open files with ``newline=""`` (and ``encoding="utf-8-sig",
    errors="surrogateescape"`` to accept a byte-order mark and report bytes that are
    not UTF-8 on their row).

    Raises:
        ClaimsFileError: the file is empty, or its header repeats a column or lacks
            one of :data:`REQUIRED_COLUMNS`.

    """
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise ClaimsFileError("header", "empty file", "a header row naming the columns") from None
    except csv.Error as error:
        raise ClaimsFileError("header", str(error), "a CSV header row") from None
    columns = tuple(name.strip().lstrip("\ufeff").strip() for name in header)
    _check_columns(columns)
    return columns, _csv_rows(reader, columns)


def _check_columns(columns: Sequence[str]) -> None:
    # A file without a header has a row of data first: a message about the header names
    # the known columns only, never the other cells (they may identify a patient).
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if not name.isascii() and _has_surrogates(name):
            raise ClaimsFileError("header", f"cell {position}", "column names in UTF-8")
        if name in seen:
            shown = name if name in _KNOWN_COLUMNS else f"cell {position}"
            raise ClaimsFileError("header", shown, "each column once")
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            raise ClaimsFileError("header", _described(columns), f"a column {name!r}")


def _described(columns: Sequence[str]) -> str:
    """``patient_id, date and 2 other cells``: a header told without its unknown cells."""
    known = [name for name in columns if name in _KNOWN_COLUMNS]
    others = len(columns) - len(known)
    if not known:
        return f"{others} cells, none of them a known column"
    if not others:
        return ", ".join(known)
    return f"{', '.join(known)} and {others} other cell{'s' if others > 1 else ''}"


def _csv_rows(reader: Any, columns: tuple[str, ...]) -> Iterator[NumberedRow]:  # noqa: ANN401  (csv's reader type is private)
    width = len(columns)
    while True:
        # A quoted cell may run over several lines: a row is numbered by its first line.
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield (
                line,
                RowError(
                    line=line, field="row", expected="a well-formed CSV row", value=str(error)
                ),
            )
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        if len(cells) != width:
            yield (
                line,
                RowError(
                    line=line,
                    field="row",
                    expected=f"{width} cells, as in the header",
                    value=f"{len(cells)} cells",
                ),
            )
            continue
        yield line, dict(zip(columns, cells, strict=True))


def read_jsonl(stream: IO[str]) -> tuple[tuple[str, ...], Iterator[NumberedRow]]:
    """Read a JSON lines claims file: one JSON object a line, keys as in :data:`COLUMNS`.

    Returns the standard columns and an iterator of the rows; a line that is not a
    JSON object is reported on its line; blank lines are skipped.
    """
    return COLUMNS, _jsonl_rows(stream)


def _jsonl_rows(stream: IO[str]) -> Iterator[NumberedRow]:
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            yield line, RowError(line=line, field="json", expected="a JSON object")
            continue
        if not isinstance(record, dict):
            yield (
                line,
                RowError(
                    line=line, field="json", expected="a JSON object", value=type(record).__name__
                ),
            )
            continue
        yield line, record


def open_claims(path: str | os.PathLike[str]) -> io.TextIOWrapper:
    """Open a claims file for reading: UTF-8 with or without a byte-order mark.

    Bytes that are not UTF-8 are kept (as surrogates) and reported on their row.
    """
    return Path(path).open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def guess_format(name: str) -> Format:
    """``"jsonl"`` for names ending in ``.jsonl``/``.ndjson``/``.json``, else ``"csv"``."""
    return "jsonl" if name.lower().endswith((".jsonl", ".ndjson", ".json")) else "csv"


def assess_file(
    source: str | os.PathLike[str] | IO[str],
    *,
    format: Format | None = None,
    grouped: bool = False,
    strict: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Iterator[Claim]:
    """Assess a claims file (a path or an open text file), CSV or JSON lines.

    The format comes from ``format`` or else from the file name (``.jsonl``,
    ``.ndjson``, ``.json``: JSON lines; anything else: CSV). :attr:`Claim.line` is
    the line in the file. The file is read as the claims are taken.

    Raises:
        ClaimsFileError: the CSV header is missing or wrong (when iteration starts).
        InvalidRowError: in strict mode, the first malformed row.

    """
    options: dict[str, Any] = {
        "grouped": grouped,
        "strict": strict,
        "rules": rules,
        "accept_unconfirmed": accept_unconfirmed,
    }
    if isinstance(source, str | os.PathLike):
        try:
            stream = open_claims(source)
        except OSError as error:
            raise ClaimsFileError(
                "file", os.fspath(source), f"a readable file ({error.strerror})"
            ) from None
        except ValueError:  # a path with a NUL character: no file can have that name
            raise ClaimsFileError("file", os.fspath(source), "a path without NUL") from None
        with stream:
            yield from _assess_stream(stream, format or guess_format(os.fspath(source)), options)
    elif not callable(getattr(source, "read", None)):
        raise ClaimsFileError("file", source, "a path or an open text file")
    else:
        name = str(getattr(source, "name", ""))
        yield from _assess_stream(source, format or guess_format(name), options)


def _assess_stream(stream: IO[str], kind: Format, options: dict[str, Any]) -> Iterator[Claim]:
    _, rows = (read_jsonl if kind == "jsonl" else read_csv)(stream)
    yield from assess_rows(rows, **options)


# --------------------------------------------------------------------------------------
# Writing


def _neutral(value: str) -> str:
    """A cell that a spreadsheet will not run as a formula; non-UTF-8 bytes as U+FFFD."""
    value = _replace_surrogates(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _echo(value: object) -> str:
    if type(value) is str and value.isascii() and value[:1] not in _FORMULA_FIRST:
        return value  # the common case: plain text that needs nothing
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    return _neutral(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=64)
def _echoed(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The input columns repeated in the output: all but those named like output columns."""
    return tuple(name for name in columns if name not in _OUTPUT_NAMES)


def _money(value: object) -> str:
    return "" if value is None else str(value)


def claim_cells(claim: Claim, columns: Sequence[str] = COLUMNS, *, lang: str = "en") -> list[str]:
    """One CSV output row: the ``columns`` echoed from the input, then :data:`OUTPUT_COLUMNS`.

    Echoed cells that a spreadsheet would read as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe.
    """
    out = [_echo(value) for value in map(claim.cells.get, _echoed(tuple(columns)))]
    a = claim.assessment
    if a is None:
        error = claim.error
        assert error is not None  # noqa: S101  (a claim has an assessment or an error)
        out += ["", "", "", "", "", "", "", "", "", "", "", str(claim.line), _neutral(error.detail)]
        return out
    out += [
        "true" if a.allowed else "false",
        ";".join(a.codes),
        _money(a.patient_share),
        _money(a.practitioner_fee),
        _money(a.insurer_share),
        a.ruleset,
        "" if a.share_reason is None else a.share_reason.code.value,
        "true" if a.unconfirmed else "false",
        ";".join(a.unconfirmed_values),
        _neutral(a.billing_code or ""),
        " | ".join(a.messages(lang)),
        str(claim.line),
        "",
    ]
    return out


def output_header(columns: Sequence[str] = COLUMNS) -> list[str]:
    """The CSV output header for input ``columns`` (echoed names neutralised like cells)."""
    return [_neutral(name) for name in _echoed(tuple(columns))] + list(OUTPUT_COLUMNS)


def claim_json(claim: Claim, *, lang: str = "en") -> dict[str, object]:
    """One JSON lines output object: the input values, then :data:`OUTPUT_COLUMNS`.

    Text that is not UTF-8 (lone surrogates) has U+FFFD in its place, as in CSV output.
    """
    out: dict[str, object] = {
        _replace_surrogates(k): _replace_surrogates(v) if isinstance(v, str) else v
        for k, v in claim.cells.items()
        if k not in OUTPUT_COLUMNS
    }
    a = claim.assessment
    out.update(
        {
            "allowed": None if a is None else a.allowed,
            "reasons": [] if a is None else list(a.codes),
            "patient_share": None if a is None else _money_or_none(a.patient_share),
            "practitioner_fee": None if a is None else _money_or_none(a.practitioner_fee),
            "insurer_share": None if a is None else _money_or_none(a.insurer_share),
            "ruleset": None if a is None else a.ruleset,
            "share_reason": None
            if a is None or a.share_reason is None
            else a.share_reason.code.value,
            "unconfirmed": None if a is None else a.unconfirmed,
            "unconfirmed_values": [] if a is None else list(a.unconfirmed_values),
            "billing_code": None if a is None else a.billing_code,
            "messages": [] if a is None else list(a.messages(lang)),
            "line": claim.line,
            "error": None if claim.error is None else claim.error.detail,
        }
    )
    return out


def _money_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def write_csv(
    claims: Iterable[Claim], stream: IO[str], columns: Sequence[str] = COLUMNS, *, lang: str = "en"
) -> None:
    """Write claims as CSV with :func:`output_header` (open the file with ``newline=""``)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(output_header(columns))
    for claim in claims:
        writer.writerow(claim_cells(claim, columns, lang=lang))


def jsonl_line(claim: Claim, *, lang: str = "en") -> str:
    """One line of JSON lines output (:func:`claim_json`), with its end of line."""
    text = json.dumps(claim_json(claim, lang=lang), ensure_ascii=False, default=_json_default)
    # A lone surrogate nested in a JSON input value is written as U+FFFD too.
    return _replace_surrogates(text) + "\n"


def write_jsonl(claims: Iterable[Claim], stream: IO[str], *, lang: str = "en") -> None:
    """Write claims as JSON lines, one object a line, in the order given."""
    for claim in claims:
        stream.write(jsonl_line(claim, lang=lang))


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
