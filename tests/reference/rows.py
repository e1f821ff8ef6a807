"""How the rows of a CSV body were read first: every line through the ``csv`` module."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from inami_ppl.claims.schema import NumberedRow, RowError


def csv_rows(stream: IO[str], columns: tuple[str, ...], delimiter: str) -> Iterator[NumberedRow]:
    """The numbered rows of ``stream`` (after its header), as the general reader gave them."""
    return _csv_rows(csv.reader(stream, delimiter=delimiter), columns, delimiter)


def _swallowed(cells: list[str], delimiter: str) -> bool:
    """Whether a row over several lines holds other rows in a cell (a stray quote)."""
    return any(("\n" in cell or "\r" in cell) and delimiter in cell for cell in cells)


def _lines(start: int, end: int, expected: str) -> Iterator[NumberedRow]:
    """One error for each of the lines ``start`` to ``end``."""
    for line in range(start, end + 1):
        where = expected if line == start else f"a row of its own (taken in by line {start})"
        yield line, RowError(line=line, field="row", expected=where)


def _csv_rows(reader: Any, columns: tuple[str, ...], delimiter: str) -> Iterator[NumberedRow]:
    width = len(columns)
    while True:
        # A quoted cell may run over several lines: a row is numbered by its first line.
        # The header was read before the reader started: its lines count from 2.
        line = reader.line_num + 2
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield from _lines(line, reader.line_num + 1, "a well-formed CSV row")
            continue
        end = reader.line_num + 1
        if end > line and _swallowed(cells, delimiter):
            yield from _lines(line, end, "a closing quote before the end of the row")
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line (or one empty quoted cell)
        while len(cells) > width and not cells[-1].strip():
            cells.pop()  # empty cells at the end, as spreadsheets write them
        if len(cells) != width:
            error = f"{width} cells, as in the header"
            if end > line:
                yield from _lines(line, end, error)
                continue
            shown = f"{len(cells)} cells"
            yield line, RowError(line=line, field="row", expected=error, value=shown)
            continue
        yield line, dict(zip(columns, cells, strict=True))
