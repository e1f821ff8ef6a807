"""The lean path for CSV in and CSV out: a claims file judged with the least work per row.

A national year repeats a few hundred combinations of cells (networks, functions,
settings, flags), a few thousand dates and a few hundred thousand birth dates. Here
each distinct value is read once, by the general reader (:mod:`~inami_ppl.claims.cells`),
and remembered; a row is then a few lookups, its session a tuple of those values
(:class:`Facts`), its decision the engine's verdict (:func:`~inami_ppl.assess.verdict`),
and its output line the input line followed by the written-up verdict, which is
built once for every distinct verdict (by the general writer,
:mod:`~inami_ppl.claims.writers`).

Anything out of the ordinary takes the general path for that row: a quoted cell, a
value never read before that the general reader refuses, a session before the birth
date... The output is the same bytes either way; the tests compare both paths.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, NamedTuple, cast

from inami_ppl.analytics import TotalsCounter
from inami_ppl.assess import Verdict, verdicts_in_order, written_up
from inami_ppl.claims import spill as spilling
from inami_ppl.claims.cells import BadCellError, RowReader, has_surrogates, patient_id_of, row_error
from inami_ppl.claims.columns import OUTPUT_COLUMNS
from inami_ppl.claims.judge import SPLIT_RUN, other_birth_date, patient_runs
from inami_ppl.claims.rows import SplitRow
from inami_ppl.claims.schema import COLUMNS, Claim, RowError
from inami_ppl.claims.spill import spill
from inami_ppl.claims.writers import echo_cells, quoted_cells, result_cells
from inami_ppl.decision import Assessment
from inami_ppl.model import Function, Kind, Modality, Network, Patient, SessionFacts, Setting

__all__ = ["Facts", "Lane"]

# Distinct values remembered before a cache starts again (a file of odd values).
_REMEMBERED: Final = 200_000
# The session cells that make a session's shape (from network to functional_assessment),
# with the flag of the patient's condition.
_SHAPE: Final = (
    *COLUMNS[COLUMNS.index("network") : COLUMNS.index("provider")],
    "unable_to_travel",
)
_LINE: Final = OUTPUT_COLUMNS.index("line")


class Facts(NamedTuple):
    """A session's values as the rules read them (:class:`~inami_ppl.model.SessionFacts`)."""

    date: dt.date
    network: Network
    function: Function
    setting: Setting
    modality: Modality
    with_context: bool
    functional_assessment: bool
    provider: str | None
    unable_to_travel: bool
    co_provider: str | None
    kind: Kind


_Shape = tuple[Network, Function, Setting, Modality, bool, bool, bool, Kind]


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
        index = {name: i for i, name in enumerate(columns)}
        self._pid = index["patient_id"]
        self._birth = index["birth_date"]
        self._date = index["date"]
        self._pref = index.get("preferential")
        self._provider = index.get("provider")
        self._co = index.get("co_provider")
        shape = [index[name] for name in _SHAPE if name in index]
        self._shape_of = operator.itemgetter(*shape)
        self._patients: dict[tuple[str, str | None], Patient] = {}
        self._dates: dict[str, dt.date] = {}
        self._shapes: dict[object, _Shape] = {}
        self._co_providers: dict[str, str] = {}
        self._tails: dict[object, tuple[str, str, Assessment]] = {}
        # How many rows had each written-up verdict, counted in ``counter`` by ``flush``.
        self._uses: dict[object, int] = {}
        # A plain line is echoed as it is when no cell needs quotes in the output
        # (a separator, a quote) or starts like a formula (checked with the
        # delimiter put first, so that every cell follows one).
        self._unsafe = re.compile(
            "|".join(
                re.escape(mark)
                for mark in (
                    *(ch for ch in ',;\t"' if ch != delimiter),
                    *(delimiter + ch for ch in "=+-@"),
                )
            )
        ).search
        self._same = delimiter == self.delimiter
        self._in = delimiter

    # ---------------------------------------------------------------- reading

    def _facts(self, cells: list[str]) -> tuple[str, Patient, Facts] | None:
        """The row's patient and session from remembered values; ``None``: read it in full."""
        pid = cells[self._pid].strip()
        pref = None if self._pref is None else cells[self._pref]
        day = self._dates.get(cells[self._date])
        shape = self._shapes.get(self._shape_of(cells))
        if day is None or shape is None or not pid or not pid.isascii():
            return None
        patient = self._patients.get((cells[self._birth], pref))
        if patient is None:
            # A new patient in a row of known values: its two cells alone are read.
            patient = self._patient(cells[self._birth], pref)
            if patient is None:
                return None
        if patient.birth_date > day:
            return None
        provider: str | None = None
        if self._provider is not None:
            text = cells[self._provider]
            if not text.isascii():
                return None
            provider = text.strip() or None
        co_provider: str | None = None
        if self._co is not None and cells[self._co]:
            co_provider = self._co_providers.get(cells[self._co])
            if co_provider is None or shape[1] is not Function.CO_CONSULTATION:
                return None
        network, function, setting, modality, context, assessed, unable, kind = shape
        return (
            pid,
            patient,
            Facts(
                day,
                network,
                function,
                setting,
                modality,
                context,
                assessed,
                provider,
                unable,
                co_provider,
                kind,
            ),
        )

    def _patient(self, birth: str, preferential: str | None) -> Patient | None:
        """The patient of two cells, remembered; ``None`` when the general reader refuses one."""
        record = (
            {"birth_date": birth}
            if preferential is None
            else {
                "birth_date": birth,
                "preferential": preferential,
            }
        )
        try:
            patient = self.reader.patient(record)
        except BadCellError:
            return None
        if len(self._patients) > _REMEMBERED:
            self._patients.clear()
        self._patients[(birth, preferential)] = patient
        return patient

    def _learn(self, cells: list[str], patient: Patient, session: SessionFacts) -> None:
        """Remember the values of a row the general reader read."""
        for cache in (self._patients, self._dates, self._shapes, self._co_providers):
            if len(cache) > _REMEMBERED:
                cache.clear()
        pref = None if self._pref is None else cells[self._pref]
        self._patients[(cells[self._birth], pref)] = patient
        self._dates[cells[self._date]] = session.date
        self._shapes[self._shape_of(cells)] = (
            session.network,
            session.function,
            session.setting,
            session.modality,
            session.with_context,
            session.functional_assessment,
            session.unable_to_travel,
            session.kind,
        )
        if self._co is not None and session.co_provider is not None:
            self._co_providers[cells[self._co]] = session.co_provider

    def read(
        self, position: int, line: int, cells: list[str] | RowError, plain: str | None
    ) -> _Item:
        """One split row as a row to judge, or as a malformed row."""
        if isinstance(cells, RowError):
            return self._bad(position, cells, {}, None)
        found = self._facts(cells)
        if found is not None:
            pid, patient, facts = found
            return _Good(position, line, pid, patient, facts, cells, plain)
        record = self._record(cells)
        try:
            row = self.reader.read(position, line, record)
        except BadCellError as bad:
            return self._bad(position, row_error(line, record, bad), record, patient_id_of(record))
        self._learn(cells, row.patient, row.session)
        return _Good(position, line, row.patient_id, row.patient, row.session, cells, plain)

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
            and self._unsafe(self._in + plain) is None
        ):
            return plain if self._same else self.delimiter.join(cells)
        record = self._record(cells)
        return self.delimiter.join(quoted_cells(echo_cells(record, self.columns), self.delimiter))

    def _tail(self, found: Verdict) -> tuple[str, str, Assessment]:
        """The output cells of a verdict, before and after the line number (built once)."""
        rules = found.ctx.rules
        key: object
        if found.share is None:
            key = (rules, found.reasons)
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
            hit = self._tails[key] = (before, after, assessment)
        uses = self._uses
        uses[key] = uses.get(key, 0) + 1
        return hit

    def flush(self) -> None:
        """Count in ``counter`` the rows judged so far (the totals are kept by verdict)."""
        add, tails = self.counter.add_assessment, self._tails
        for key, times in self._uses.items():
            add(None, tails[key][2], times=times)
        self._uses.clear()

    # ---------------------------------------------------------------- judging

    def decide(self, items: Iterable[_Item]) -> list[tuple[int, Out]]:
        """The output lines of one patient's rows, with their positions."""
        out: list[tuple[int, Out]] = []
        good: list[_Good] = []
        first: _Good | None = None
        for item in items:
            if isinstance(item, _Bad):
                self._count(item.claim)
                out.append((item.position, (item.text, item.claim.error)))
            elif first is not None and item.patient.birth_date != first.patient.birth_date:
                error = other_birth_date(item.line, first.line)
                bad = self._bad(item.position, error, self._record(item.cells), item.patient_id)
                self._count(bad.claim)
                out.append((bad.position, (bad.text, error)))
            else:
                first = first or item
                good.append(item)
        if not good:
            return out
        # Rows in date order and no malformed row among them: no sorting at all.
        unsorted = bool(out) or any(
            good[i].session.date > good[i + 1].session.date for i in range(len(good) - 1)
        )
        if unsorted:
            good.sort(key=_date)
        verdicts = verdicts_in_order(
            ((item.patient, item.session) for item in good),
            self.reader.rules,
            accept_unconfirmed=self.reader.accept_unconfirmed,
        )
        patient_id = good[0].patient_id
        self.counter.add_patient(patient_id)
        if self.patients is not None:
            self.patients.add(patient_id)
        tail, echo = self._tail, self._echo
        for item, found in zip(good, verdicts, strict=True):
            before, after, _ = tail(found)
            out.append((item.position, (echo(item) + before + str(item.line) + after, None)))
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
            item = self.read(position, line, cells, plain)
            patients.setdefault(item.patient_id, []).append(item)
        out = [pair for group in patients.values() for pair in self.decide(group)]
        out.sort(key=_first)
        return out

    def grouped(self, rows: Iterable[SplitRow]) -> Iterator[Out]:
        """Stream: one patient's rows at a time (they must stand next to each other)."""
        items = (
            self.read(position, line, cells, plain)
            for position, (line, cells, plain) in enumerate(rows)
        )
        for group in patient_runs(items, self._split):
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
