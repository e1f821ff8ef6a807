"""The lean path for CSV in and CSV out: a claims file judged with the least work per row.

Each distinct cell value is read once, by the general reader, and remembered
(:mod:`~inami_ppl.claims.memo`); a row is then a few lookups, its session a tuple of
those values, its decision the engine's verdict (:func:`~inami_ppl.assess.verdict`),
and its output line the input line followed by the written-up verdict, which is
built once for every distinct verdict (by the general writer,
:mod:`~inami_ppl.claims.writers`); the totals are counted once per distinct verdict.

Anything out of the ordinary takes the general path for that row: a quoted cell, a
value never read before that the general reader refuses, a session before the birth
date... The output is the same bytes either way; the tests compare both paths.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, NamedTuple, cast

from inami_ppl.analytics import TotalsCounter
from inami_ppl.assess import Verdict, verdicts_in_order, written_up
from inami_ppl.claims import spill as spilling
from inami_ppl.claims.cells import BadCellError, RowReader, has_surrogates, patient_id_of, row_error
from inami_ppl.claims.columns import OUTPUT_COLUMNS
from inami_ppl.claims.judge import SPLIT_RUN, Runs, other_birth_date
from inami_ppl.claims.memo import Remembered
from inami_ppl.claims.rows import SplitRow
from inami_ppl.claims.schema import Claim, RowError
from inami_ppl.claims.spill import spill
from inami_ppl.claims.writers import echo_cells, quoted_cells, result_cells
from inami_ppl.decision import Assessment
from inami_ppl.model import Patient, SessionFacts

__all__ = ["Lane"]

# Distinct verdicts remembered before the cache starts again (a file of odd values).
_REMEMBERED: Final = 200_000
_LINE: Final = OUTPUT_COLUMNS.index("line")
# A row's plain line (the echo of a row whose line holds no mark, see ``Lane._echo``).
_PLAIN: Final = operator.attrgetter("plain")
# A row's patient and session, as the engine takes them.
_PATIENT_SESSION: Final = operator.attrgetter("patient", "session")


class _Good(NamedTuple):
    """A readable row, waiting to be judged with its patient's other rows."""

    position: int
    line: int
    patient_id: str
    patient: Patient
    session: SessionFacts
    cells: list[str]
    plain: str | None


class _Bad(NamedTuple):
    """A malformed row: its output line, and its claim (counted when it is written)."""

    position: int
    patient_id: str | None
    text: str
    claim: Claim


_Item = _Good | _Bad


class _Tail:
    """A written-up verdict's output, and the rows that had it since they were counted."""

    __slots__ = ("after", "assessment", "before", "uses")

    def __init__(self, before: str, after: str, assessment: Assessment) -> None:
        #: The output cells before and after the line number, with their delimiters.
        self.before, self.after = before, after
        self.assessment = assessment
        self.uses = 0


# A row to judge, made for every row as ``_make`` makes it (without a Python-level call).
_good: Final = functools.partial(tuple.__new__, _Good)
#: An output line and, for a malformed row, its error.
Out = tuple[str, RowError | None]


class Lane:
    """Turns the split rows of a CSV file into output lines, in the input's order."""

    def __init__(
        self,
        columns: tuple[str, ...],
        reader: RowReader,
        *,
        delimiter: str,
        out: tuple[str, str, str],
        lang: str,
        counter: TotalsCounter,
        patients: set[str] | None = None,
    ) -> None:
        """Read with ``reader``; write with ``out`` = (delimiter, end of line, decimal mark).

        ``counter`` counts every row written (for the totals); ``patients``, when given,
        gets the patient of every row that has one.
        """
        self.patients = patients
        self.columns = columns
        self.reader = reader
        self.counter = counter
        self.lang = lang
        self.delimiter, self.end, self.decimal = out
        self._known = Remembered(columns, reader)
        self._pid = columns.index("patient_id")
        # Each written-up verdict's tail: the cells before and after the line number, the
        # assessment, and how many rows had it since ``flush`` counted them in ``counter``.
        self._tails: dict[object, _Tail] = {}
        # A plain line is echoed as it is when no cell needs quotes in the output
        # (a separator, a quote) or starts like a formula (checked with the
        # delimiter put first, so that every cell follows one). A few substring
        # searches are quicker than one regular expression of them all.
        self._marks = (
            *(ch for ch in ',;\t"' if ch != delimiter),
            *(delimiter + ch for ch in "=+-@"),
        )
        self._same = delimiter == self.delimiter
        self._in = delimiter

    # ---------------------------------------------------------------- reading

    def read(self, position: int, row: SplitRow) -> _Item:
        """The split ``row`` at ``position`` as a row to judge, or as a malformed row."""
        line, cells, plain = row
        if isinstance(cells, RowError):
            return self._bad(position, cells, {}, None)
        found = self._known.facts(cells)
        if found is not None:
            pid, patient, facts = found
            return _good((position, line, pid, patient, facts, cells, plain))
        return self._read_in_full(position, line, cells, plain)

    def _read_in_full(self, position: int, line: int, cells: list[str], plain: str | None) -> _Item:
        """A row with a value never remembered, read by the general reader (which teaches it)."""
        record = self._record(cells)
        try:
            read = self.reader.read(position, line, record)
        except BadCellError as bad:
            return self._bad(position, row_error(line, record, bad), record, patient_id_of(record))
        self._known.learn(cells, read.patient, read.session)
        return _Good(position, line, read.patient_id, read.patient, read.session, cells, plain)

    def _record(self, cells: list[str]) -> dict[str, object]:
        return dict(zip(self.columns, cells, strict=True))

    # ---------------------------------------------------------------- writing

    def _bad(
        self,
        position: int,
        error: RowError,
        cells: Mapping[str, object],
        patient_id: str | None,
    ) -> _Bad:
        claim = Claim(line=error.line, cells=cells, patient_id=patient_id, error=error)
        out = [*echo_cells(cells, self.columns), *result_cells(claim, self.lang, self.decimal)]
        text = self.delimiter.join(quoted_cells(out, self.delimiter)) + self.end
        return _Bad(position, patient_id, text, claim)

    def _echo(self, item: _Good) -> str:
        """The input cells as the output repeats them."""
        cells, plain = item.cells, item.plain
        if (
            plain is not None
            and (plain.isascii() or not has_surrogates(plain))
            and not self._unsafe(self._in + plain)
        ):
            return plain if self._same else self.delimiter.join(cells)
        record = self._record(cells)
        return self.delimiter.join(quoted_cells(echo_cells(record, self.columns), self.delimiter))

    def _all_plain(self, items: list[_Good]) -> bool:
        """Whether each row's plain line is its echo (see ``_echo``), checked on all at once.

        The lines joined by the delimiter, with one before the first, hold a mark exactly
        where one of the lines does: each line's first cell follows a delimiter, as in
        ``_echo``.
        """
        plains = [item.plain for item in items]
        if None in plains:
            return False
        sep = self._in
        text = sep + sep.join(cast("list[str]", plains))
        return (text.isascii() or not has_surrogates(text)) and not self._unsafe(text)

    def _unsafe(self, text: str) -> bool:
        """Whether ``text`` holds a mark that makes the echo of its cells differ from it."""
        for mark in self._marks:  # noqa: SIM110  (a loop: ``any`` of a generator is slower)
            if mark in text:
                return True
        return False

    def _tail(self, found: Verdict) -> _Tail:
        """The output cells of a verdict, before and after the line number (built once)."""
        rules = found.ctx.rules
        key: object
        if found.share is None:
            # A refusal's line shows its codes and messages, made of each reason's code
            # and facts (its sources are not written): plain tuples, quick to hash.
            key = (rules, *[(reason.code, reason.params) for reason in found.reasons])
        else:
            billing = rules.billing_code(found.ctx.session)
            key = (rules, found.share.code, found.fee is not None, billing)
        hit = self._tails.get(key)
        if hit is None:
            assessment = written_up(found)
            claim = Claim(line=0, cells={}, patient_id=None, assessment=assessment)
            cells = quoted_cells(result_cells(claim, self.lang, self.decimal), self.delimiter)
            sep = self.delimiter
            before = sep + sep.join(cells[:_LINE]) + sep
            after = sep + sep.join(cells[_LINE + 1 :]) + self.end
            if len(self._tails) > _REMEMBERED:
                self.flush()
                self._tails.clear()
            hit = self._tails[key] = _Tail(before, after, assessment)
        hit.uses += 1
        return hit

    def flush(self) -> None:
        """Count in ``counter`` the rows judged so far (the totals are kept by verdict)."""
        add = self.counter.add_assessment
        for tail in self._tails.values():
            if tail.uses:
                add(None, tail.assessment, times=tail.uses)
                tail.uses = 0

    # ---------------------------------------------------------------- judging

    def decide(self, items: Iterable[_Item]) -> list[tuple[int, Out]]:
        """The output lines of one patient's rows, with their positions."""
        out: list[tuple[int, Out]] = []
        good: list[_Good] = []
        first: _Good | None = None
        birth = None  # the first row's birth date
        last = dt.date.min
        in_order = True
        for item in items:
            if isinstance(item, _Bad):
                self._count(item.claim)
                out.append((item.position, (item.text, item.claim.error)))
            elif first is not None and item.patient.birth_date != birth:
                error = other_birth_date(item.line, first.line)
                bad = self._bad(item.position, error, self._record(item.cells), item.patient_id)
                self._count(bad.claim)
                out.append((bad.position, (bad.text, error)))
            else:
                if first is None:
                    first, birth = item, item.patient.birth_date
                day = item.session.date
                if day < last:
                    in_order = False
                last = day
                good.append(item)
        if not good:
            return out
        # Rows in date order and no malformed row among them: no sorting at all.
        unsorted = bool(out) or not in_order
        if unsorted:
            good.sort(key=_date)
        verdicts = verdicts_in_order(
            map(_PATIENT_SESSION, good),
            self.reader.rules,
            accept_unconfirmed=self.reader.accept_unconfirmed,
        )
        patient_id = good[0].patient_id
        self.counter.add_patient(patient_id)
        if self.patients is not None:
            self.patients.add(patient_id)
        tail = self._tail
        # Most patients' lines are echoed as they are: one check for them all.
        echo = _PLAIN if self._same and self._all_plain(good) else self._echo
        for item, found in zip(good, verdicts, strict=True):
            hit = tail(found)
            out.append((item.position, (f"{echo(item)}{hit.before}{item.line}{hit.after}", None)))
        if unsorted:
            out.sort(key=_first)
        return out

    def _count(self, claim: Claim) -> None:
        self.counter.add(claim)
        if self.patients is not None and claim.patient_id is not None:
            self.patients.add(claim.patient_id)

    def judge(self, raws: Iterable[tuple[int, int, object]]) -> list[tuple[int, Out]]:
        """The output lines of rows of any patients, in the order of their positions."""
        patients: dict[str | None, list[_Item]] = {}
        for position, line, record in raws:
            cells, plain = cast("tuple[list[str] | RowError, str | None]", record)
            item = self.read(position, (line, cells, plain))
            patients.setdefault(item.patient_id, []).append(item)
        out = [pair for group in patients.values() for pair in self.decide(group)]
        out.sort(key=_first)
        return out

    def grouped(self, rows: Iterable[SplitRow]) -> Iterator[Out]:
        """Stream: one patient's rows at a time (they must stand next to each other).

        As ``patient_runs`` gives them, with the reading of a row of remembered values
        done in the same loop.
        """
        facts, split = self._known.facts, self._split
        runs = Runs()
        group: list[_Item] = []
        for position, row in enumerate(rows):
            line, cells, plain = row
            item: _Item
            if isinstance(cells, RowError):
                item = self.read(position, row)  # a malformed row
                patient = None
            elif (found := facts(cells)) is None:
                item = self._read_in_full(position, line, cells, plain)
                patient = item.patient_id
            else:
                patient, person, session = found
                item = _good((position, line, patient, person, session, cells, plain))
            if patient is not None:
                if patient != runs.current:
                    for _, out in self.decide(group):
                        yield out
                    group = []
                    runs.start(patient)
                if runs.split:
                    item = split(item)
            group.append(item)
        for _, out in self.decide(group):
            yield out
        self.flush()

    def _split(self, item: _Item) -> _Item:
        """A row of a patient whose rows were split, reported (see ``patient_runs``)."""
        record: Mapping[str, object]
        if isinstance(item, _Good):
            line, record = item.line, self._record(item.cells)
        else:
            line, record = item.claim.line, item.claim.cells
        error = RowError(line=line, field="patient_id", expected=SPLIT_RUN)
        return self._bad(item.position, error, record, item.patient_id)

    def ungrouped(self, rows: Iterable[SplitRow]) -> Iterator[Out]:
        """Any order: judge each patient, give the lines in input order."""
        held: list[tuple[int, int, object]] = []
        numbered = (
            (position, line, (cells, plain)) for position, (line, cells, plain) in enumerate(rows)
        )
        for raw in numbered:
            held.append(raw)
            if len(held) > spilling.SPILL_AFTER:
                yield from spill(_chain(held, numbered), self.judge, patient=self._patient_of)
                self.flush()
                return
        for _, out in self.judge(held):
            yield out
        self.flush()

    def _patient_of(self, record: object) -> str | None:
        """The patient of a spilled row, to keep a patient's rows in one bucket."""
        cells = record[0]  # type: ignore[index]
        if isinstance(cells, RowError):
            return None
        return patient_id_of({"patient_id": cells[self._pid]})


def _chain(
    held: list[tuple[int, int, object]], rest: Iterator[tuple[int, int, object]]
) -> Iterator[tuple[int, int, object]]:
    yield from held
    held.clear()
    yield from rest


def _date(item: _Good) -> dt.date:
    return item.session.date


def _first(pair: tuple[int, Out]) -> int:
    return pair[0]
