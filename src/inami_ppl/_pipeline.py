"""Rows to output lines: the one place a claims file's rows are judged and written.

:func:`assess_part` runs the whole of ``inami-ppl assess`` between reading and the output
file: it judges the rows (each patient's together, in date order), writes each output line
in the input order, reports each malformed row, and gives back what the caller merges:
the totals, the count of malformed rows, and the message of a ``--strict`` stop. The
command calls it once on the whole file, or once for each part of a file judged in
several processes (:mod:`inami_ppl._jobs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Final, Literal, cast

import attrs

from inami_ppl._collect import fewer_collections
from inami_ppl.analytics import TotalsCounter
from inami_ppl.claims.judge import assess_rows, row_reader
from inami_ppl.claims.lane import Lane
from inami_ppl.claims.readers import as_records
from inami_ppl.claims.rows import Rows, SplitRow
from inami_ppl.claims.schema import Claim, InvalidRowError, NumberedRow, RowError
from inami_ppl.claims.writers import claim_cells, csv_line, jsonl_line, output_header
from inami_ppl.rulesets import Rules

__all__ = ["Done", "Rows", "Settings", "assess_part", "judge"]

# Output lines held before they are written together (the lean path).
_WRITE_AFTER: Final = 256

Emit = Callable[[Claim], object]
Report = Callable[[RowError], object]


@attrs.frozen(kw_only=True)
class Settings:
    """How rows are judged and written: everything a process needs besides its rows."""

    columns: tuple[str, ...]
    in_format: Literal["csv", "jsonl"] = "csv"
    #: The input's delimiter (CSV).
    delimiter: str = ","
    out_format: Literal["csv", "jsonl"] = "csv"
    lang: str = "en"
    excel: bool = False
    grouped: bool = False
    strict: bool = False
    accept_unconfirmed: bool = False
    date_format: str = "%Y-%m-%d"
    rules: Rules | None = None

    def claims(self, rows: Iterable[NumberedRow]) -> Iterator[Claim]:
        """The claims of ``rows`` (:func:`~inami_ppl.claims.assess_rows` with these settings).

        Raises:
            InvalidInputError: a bad setting (such as an empty date format), at once.

        """
        return assess_rows(
            rows,
            grouped=self.grouped,
            strict=self.strict,
            rules=self.rules,
            accept_unconfirmed=self.accept_unconfirmed,
            date_format=self.date_format,
        )

    @property
    def lean(self) -> bool:
        """Whether the rows take the lean path: CSV in and out, not stopping at an error."""
        return self.in_format == "csv" and self.out_format == "csv" and not self.strict

    def form(self) -> tuple[str, str, str]:
        """The CSV output's delimiter, end of line and decimal mark (Belgian Excel's or not)."""
        return (";", "\r\n", ",") if self.excel else (",", "\n", ".")

    def records(self, rows: Rows) -> Iterable[NumberedRow]:
        """The rows as numbered records (CSV rows come split, JSON lines as records)."""
        if self.in_format == "csv":
            return as_records(cast("Iterable[SplitRow]", rows), self.columns)
        return cast("Iterable[NumberedRow]", rows)

    def header(self) -> str:
        """What the output starts with: the CSV header (after a BOM for Excel), or nothing."""
        if self.out_format != "csv":
            return ""
        delimiter, end, _ = self.form()
        return ("\ufeff" if self.excel else "") + csv_line(
            output_header(self.columns), delimiter, end
        )

    def line(self) -> Callable[[Claim], str]:
        """The function that turns a claim into its output line."""
        lang, columns = self.lang, self.columns
        if self.out_format == "jsonl":
            return lambda claim: jsonl_line(claim, lang=lang)
        delimiter, end, decimal = self.form()
        return lambda claim: csv_line(
            claim_cells(claim, columns, lang=lang, decimal=decimal), delimiter, end
        )


@attrs.frozen
class Done:
    """What judging some rows gives the caller to merge, besides the lines written."""

    counter: TotalsCounter
    invalid: int
    #: The message of the row that stopped a ``--strict`` run, or ``None``.
    stopped: str | None
    #: The patients with a row among them, when asked for (``None`` otherwise).
    patients: frozenset[str] | None = None


def judge(
    rows: Rows,
    settings: Settings,
    emit: Emit,
    report: Report,
    *,
    patients: set[str] | None = None,
) -> Done:
    """Judge ``rows`` as one process does; give each claim to ``emit`` in input order.

    ``report`` is called with the error of each malformed row, before its claim is
    emitted; the patients of the rows are added to ``patients`` when it is given.
    """
    counter = TotalsCounter()
    invalid = 0
    claims = settings.claims(settings.records(rows))
    try:
        for claim in claims:
            counter.add(claim)
            if patients is not None and claim.patient_id is not None:
                patients.add(claim.patient_id)
            if claim.error is not None:
                invalid += 1
                report(claim.error)
            emit(claim)
    except InvalidRowError as error:
        stopped = f"{error} (stopped: --strict)"
        return Done(counter, invalid + 1, stopped, _frozen(patients))
    return Done(counter, invalid, None, _frozen(patients))


def _frozen(patients: set[str] | None) -> frozenset[str] | None:
    return None if patients is None else frozenset(patients)


def assess_part(
    rows: Rows,
    settings: Settings,
    write: Callable[[str], object],
    report: Report,
    *,
    patients: set[str] | None = None,
) -> Done:
    """Judge ``rows`` and ``write`` each output line (without the header), in input order.

    The one place rows become output lines, in one process or in each part of a file.
    CSV in and out takes the lean path (:mod:`inami_ppl.claims.lane`), which writes the
    same lines.
    """
    with fewer_collections():
        if not settings.lean:
            line = settings.line()
            return judge(
                rows, settings, lambda claim: write(line(claim)), report, patients=patients
            )
        return _lean(rows, settings, write, report, patients)


def _lean(
    rows: Rows,
    settings: Settings,
    write: Callable[[str], object],
    report: Report,
    patients: set[str] | None,
) -> Done:
    counter = TotalsCounter()
    lane = Lane(
        settings.columns,
        row_reader(settings.rules, settings.accept_unconfirmed, settings.date_format),
        delimiter=settings.delimiter,
        out=settings.form(),
        lang=settings.lang,
        counter=counter,
        patients=patients,
    )
    split = cast("Iterable[SplitRow]", rows)
    invalid = 0
    # The lines are written a few hundred at a time: one call to ``write`` per line cost
    # more than making the line. Each malformed row is reported before its line is written.
    held: list[str] = []
    for text, error in lane.grouped(split) if settings.grouped else lane.ungrouped(split):
        if error is not None:
            invalid += 1
            report(error)
        held.append(text)
        if len(held) == _WRITE_AFTER:
            write("".join(held))
            held.clear()
    if held:
        write("".join(held))
    return Done(counter, invalid, None, _frozen(patients))
