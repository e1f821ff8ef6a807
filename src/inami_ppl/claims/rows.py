"""Splitting the body of a CSV claims file into rows, with the least work per plain line.

A line without quotes is split on the delimiter, which is exactly what the ``csv``
module gives for it; any other line goes to a ``csv`` reader, which may read the next
lines when a quoted cell runs over them. Each row is then checked against the
header's width, and a row the ``csv`` module cannot read, or a stray quote that
swallowed other rows, is reported on each of its lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from inami_ppl.claims.schema import NumberedRow, RowError

__all__ = ["EndMarker", "Rows", "SplitRow", "split_rows"]


#: A row of a CSV body: its first line, then its cells (or why it is unreadable) and,
#: for a row on one line without quotes, the line's own text without its end.
SplitRow = tuple[int, "list[str] | RowError", "str | None"]
#: The rows of an input: split rows for CSV, numbered records for JSON lines.
Rows = Iterable[SplitRow] | Iterable[NumberedRow]


def _records(
    stream: Iterable[str], delimiter: str, first_line: int
) -> Iterator[tuple[int, int, list[str] | None, str | None]]:
    """The records of a CSV body: (first line, last line, cells or ``None``, plain text).

    A line without quotes or carriage returns (nor more characters than the ``csv``
    module's field size limit) is split on the delimiter, which is what that module
    gives for it; any other line is handed to a ``csv`` reader, which may read the next
    lines when a quoted cell runs over them (``None``: a CSV error). The first line is
    line ``first_line`` of the file.
    """
    lines = iter(stream)
    handed: list[str] = []
    reader = csv.reader(_Feed(handed, lines), delimiter=delimiter)
    longest = csv.field_size_limit()  # a longer cell is an error of the csv module
    number = first_line - 1
    for text in lines:
        number += 1
        body = text[:-2] if text[-2:] == "\r\n" else text[:-1] if text[-1:] in "\r\n" else text
        if '"' not in body and "\r" not in body and len(body) <= longest:
            yield number, number, body.split(delimiter), body
            continue
        handed.append(text)
        before = reader.line_num
        try:
            cells: list[str] | None = next(reader)
        except csv.Error:
            cells = None
        last = number + reader.line_num - before - 1
        yield number, last, cells, None
        number = last


class _Feed:
    """The lines a ``csv`` reader reads: the one handed to it, then the file's next ones."""

    def __init__(self, handed: list[str], lines: Iterator[str]) -> None:
        self.handed = handed
        self.lines = lines

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.handed:
            return self.handed.pop()
        return next(self.lines)


class EndMarker:
    """A line put after the last line of a part of a file (see :func:`split_rows`).

    :attr:`seen` tells that it came out as a row of its own: the part ended where a
    row ends, not inside a quoted cell.
    """

    def __init__(self, text: str) -> None:
        """Mark with ``text`` (one cell, no quotes)."""
        self.text = text
        self.seen = False


def split_rows(
    stream: Iterable[str],
    columns: tuple[str, ...],
    delimiter: str,
    *,
    first_line: int = 2,
    end: EndMarker | None = None,
) -> Iterator[SplitRow]:
    """The rows of a CSV body after its header, each checked against the header's width.

    Blank lines are skipped; empty cells at the end beyond the header's width are
    dropped, as spreadsheets write them; a row with another number of cells, a CSV
    error and a stray quote that swallowed other rows are reported on each of their
    lines. A quoted cell may run over several lines: a row is numbered by its first.
    ``stream`` gives the lines after the header, the first being line ``first_line``; the
    lines of ``end`` (when given) end the rows, and are not a row.
    """
    width = len(columns)
    for line, last, cells, text in _records(stream, delimiter, first_line):
        plain = text
        if end is not None and plain == end.text:
            end.seen = True
            return
        if cells is None:
            yield from _lines(line, last, "a well-formed CSV row")
            continue
        if last > line and _swallowed(cells, delimiter):
            yield from _lines(line, last, "a closing quote before the end of the row")
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line (or one empty quoted cell)
        if len(cells) > width:
            plain = None
            while len(cells) > width and not cells[-1].strip():
                cells.pop()  # empty cells at the end, as spreadsheets write them
        if len(cells) != width:
            error = f"{width} cells, as in the header"
            if last > line:
                yield from _lines(line, last, error)
                continue
            shown = f"{len(cells)} cells"
            yield line, RowError(line=line, field="row", expected=error, value=shown), None
            continue
        yield line, cells, plain


def _swallowed(cells: list[str], delimiter: str) -> bool:
    """Whether a row over several lines holds other rows in a cell (a stray quote)."""
    return any(("\n" in cell or "\r" in cell) and delimiter in cell for cell in cells)


def _lines(start: int, end: int, expected: str) -> Iterator[SplitRow]:
    """One error for each of the lines ``start`` to ``end``."""
    for line in range(start, end + 1):
        where = expected if line == start else f"a row of its own (taken in by line {start})"
        yield line, RowError(line=line, field="row", expected=where), None
