"""Judging each patient's rows together, in date order, and giving claims in input order.

With ``grouped=True`` the rows of one patient stand next to each other and only one
patient is held at a time. Otherwise any order is accepted: up to a few tens of
thousands of rows are held in memory, and beyond that they are spilled to temporary
files (:mod:`~inami_ppl.claims.spill`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Final, Protocol, TypeVar, cast, final

import attrs

from inami_ppl._validate import check_bool, check_iterable
from inami_ppl.assess import judge_in_order
from inami_ppl.claims import spill as spilling
from inami_ppl.claims.cells import ISO_DATE, BadCellError, Row, RowReader, patient_id_of, row_error
from inami_ppl.claims.schema import Claim, InvalidRowError, NumberedRow, RowError
from inami_ppl.claims.spill import Raw, spill
from inami_ppl.errors import InvalidInputError
from inami_ppl.rulesets import Rules, resolve_rules

__all__ = ["assess_records", "assess_rows", "row_reader"]


@final
@attrs.frozen
class _Failed:
    """A malformed row, in its place among its patient's rows."""

    position: int
    patient_id: str | None
    claim: Claim


_Item = Row | _Failed


class _Assessor:
    """Turns numbered rows into claims, one patient at a time."""

    def __init__(self, reader: RowReader, *, strict: bool) -> None:
        self.reader = reader
        self.strict = strict

    def fail(
        self, position: int, error: RowError, cells: Mapping[str, object], patient_id: str | None
    ) -> _Failed:
        if self.strict:
            raise InvalidRowError(error)
        claim = Claim(line=error.line, cells=cells, patient_id=patient_id, error=error)
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
            return self.reader.read(position, line, record)
        except BadCellError as bad:
            return self.fail(position, row_error(line, record, bad), record, patient_id_of(record))

    def decide(self, items: Sequence[_Item]) -> list[tuple[int, Claim]]:
        """The claims of one patient's rows (``items``), with their positions."""
        out: list[tuple[int, Claim]] = []
        rows: list[Row] = []
        first: Row | None = None
        for item in items:
            if isinstance(item, _Failed):
                out.append((item.position, item.claim))
            elif first is not None and item.patient.birth_date != first.patient.birth_date:
                error = other_birth_date(item.line, first.line)
                failed = self.fail(item.position, error, item.cells, item.patient_id)
                out.append((failed.position, failed.claim))
            else:
                first = first or item
                rows.append(item)
        rows.sort(key=_session_date)
        decisions = judge_in_order(
            ((row.patient, row.session) for row in rows),
            self.reader.rules,
            accept_unconfirmed=self.reader.accept_unconfirmed,
        )
        out.extend(
            (
                row.position,
                Claim(
                    line=row.line, cells=row.cells, patient_id=row.patient_id, assessment=decision
                ),
            )
            for row, decision in zip(rows, decisions, strict=True)
        )
        out.sort(key=_position)
        return out

    def judge(self, raws: Iterable[Raw]) -> list[tuple[int, Claim]]:
        """The claims of rows of any patients, in the order of their positions."""
        patients: dict[str | None, list[_Item]] = {}
        for raw in raws:
            item = self.read(*raw)
            patients.setdefault(item.patient_id, []).append(item)
        out = [pair for group in patients.values() for pair in self.decide(group)]
        out.sort(key=_position)
        return out


def other_birth_date(line: int, first: int) -> RowError:
    """The error of a row whose birth date is not that of its patient's row on line ``first``."""
    return RowError(
        line=line,
        field="birth_date",
        expected=f"the birth date of this patient's row on line {first}",
    )


def _session_date(row: Row) -> dt.date:
    return row.session.date


def _position(pair: tuple[int, Claim]) -> int:
    return pair[0]


def _grouped(assessor: _Assessor, rows: Iterable[NumberedRow]) -> Iterator[Claim]:
    """Stream: one patient's rows at a time (they must stand next to each other)."""
    items = (assessor.read(position, line, record) for position, (line, record) in enumerate(rows))
    for group in patient_runs(items, lambda item: _split(assessor, item)):
        for _, claim in assessor.decide(group):
            yield claim


def _split(assessor: _Assessor, item: _Item) -> _Item:
    """A row of a patient whose rows were split, reported (see :func:`patient_runs`)."""
    line, cells = (
        (item.line, item.cells) if isinstance(item, Row) else (item.claim.line, item.claim.cells)
    )
    error = RowError(line=line, field="patient_id", expected=SPLIT_RUN)
    return assessor.fail(item.position, error, cells, item.patient_id)


#: What a row of a patient whose rows are split (grouped input) is reported with.
SPLIT_RUN: Final = "the rows of one patient next to each other (grouped input)"


class _Run(Protocol):
    @property
    def patient_id(self) -> str | None: ...


T = TypeVar("T", bound=_Run)


@final
class Runs:
    """Where each patient's run of rows starts in a grouped input, and which rows are split.

    A row of a patient whose run has already ended, judged apart from the rows before
    the split, would get a wrong decision: it is reported instead.
    """

    __slots__ = ("_closed", "current", "split")

    def __init__(self) -> None:
        """No run yet."""
        self._closed: set[str] = set()
        #: The patient of the current run.
        self.current: str | None = None
        #: Whether the current patient's rows are split (their run had ended before).
        self.split = False

    def start(self, patient: str) -> None:
        """A row of ``patient`` follows a row of another patient: a run starts."""
        if self.current is not None:
            self._closed.add(self.current)
        self.current = patient
        self.split = patient in self._closed


def patient_runs(items: Iterable[T], split: Callable[[T], T]) -> Iterator[list[T]]:
    """The items of a grouped input, one patient's run at a time (the first may be empty).

    ``split`` turns every row of a patient whose run had ended before into one that is
    reported (see :class:`Runs`).
    """
    runs = Runs()
    group: list[T] = []
    for item in items:
        patient = item.patient_id
        if patient is not None:
            if patient != runs.current:
                yield group
                group = []
                runs.start(patient)
            if runs.split:
                item = split(item)  # noqa: PLW2901  (the row, reported)
        group.append(item)
    yield group


def _ungrouped(
    assessor: _Assessor, rows: Iterable[NumberedRow], spill_after: int
) -> Iterator[Claim]:
    """Any order: judge each patient, give the claims in input order."""
    held: list[Raw] = []
    numbered = ((position, line, record) for position, (line, record) in enumerate(rows))
    for raw in numbered:
        held.append(raw)
        if assessor.strict:
            assessor.read(*raw)  # stop at the first malformed row, before any spilling
        if len(held) > spill_after:
            check = assessor.read if assessor.strict else None
            yield from spill(_chain(held, numbered), assessor.judge, check)
            return
    for _, claim in assessor.judge(held):
        yield claim


def _chain(held: list[Raw], rest: Iterator[Raw]) -> Iterator[Raw]:
    yield from held
    held.clear()
    yield from rest


def assess_rows(
    rows: Iterable[NumberedRow],
    *,
    grouped: bool = False,
    strict: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
    date_format: str = ISO_DATE,
) -> Iterator[Claim]:
    """Assess numbered rows, as given by :func:`read_csv` or :func:`read_jsonl`.

    One :class:`Claim` per row, in the input order. See :func:`assess_records`;
    ``date_format`` is the form of the dates given as text (``strptime`` codes).
    """
    grouped = check_bool("grouped", grouped)
    reader = row_reader(rules, accept_unconfirmed, date_format)
    assessor = _Assessor(reader, strict=check_bool("strict", strict))
    checked = _numbered(check_iterable("rows", rows, "an iterable of (line, record) pairs"))
    if grouped:
        return _grouped(assessor, checked)
    return _ungrouped(assessor, checked, spilling.SPILL_AFTER)


def row_reader(rules: Rules | None, accept_unconfirmed: bool, date_format: str) -> RowReader:
    """The reader of rows under these options, each checked.

    Raises:
        InvalidInputError: an option of the wrong type.

    """
    form: object = date_format
    if not isinstance(form, str) or not form:
        raise InvalidInputError("date_format", date_format, "a strptime format such as %d/%m/%Y")
    return RowReader(
        resolve_rules(rules),
        accept_unconfirmed=check_bool("accept_unconfirmed", accept_unconfirmed),
        date_format=date_format,
    )


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
    date_format: str = ISO_DATE,
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
            reported (field ``patient_id``) on the rows after the split. Without it,
            rows are spilled to temporary files beyond a few tens of thousands.
        strict: raise :class:`InvalidRowError` at the first malformed row instead of
            reporting it in a claim.
        rules: the rule tables (default: those bundled with the package).
        accept_unconfirmed: apply the last rules to sessions after the covered period.
        date_format: the form of dates given as text, in ``strptime`` codes
            (default ``%Y-%m-%d``; ``%d/%m/%Y`` for Belgian spreadsheets).

    Returns:
        An iterator of claims, one per record, in the records' order.

    Raises:
        InvalidRowError: in strict mode, the first malformed row.
        InvalidInputError: an option of the wrong type (checked before any row is read).

    """
    checked = check_iterable("records", records, "an iterable of mappings")
    return assess_rows(
        enumerate(cast("Iterable[Mapping[str, object]]", checked), start=1),
        grouped=grouped,
        strict=strict,
        rules=rules,
        accept_unconfirmed=accept_unconfirmed,
        date_format=date_format,
    )
