"""The rows of a CSV body: plain lines split directly give what the ``csv`` module gives.

``tests/reference/rows.py`` reads every line through the ``csv`` module, as the
reader first did; the library splits lines without quotes itself. Whatever the
bytes, both must give the same rows, line numbers and errors.
"""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl.claims import RowError
from inami_ppl.claims.rows import split_rows
from reference.rows import csv_rows

COLUMNS = ("patient_id", "birth_date", "date")
# Cells made of what breaks CSV: quotes, delimiters, line ends of every kind, NUL.
PIECES = st.sampled_from(
    ['"', ",", ";", "\t", "\n", "\r", "\r\n", "\x00", " ", "a", "1980-01-01", "", '""', "é", "="]
)
LINES = st.lists(st.lists(PIECES, max_size=12).map("".join), max_size=12)


def _both(body: str, delimiter: str) -> tuple[list[object], list[object]]:
    ours: list[object] = [
        (line, cells if isinstance(cells, RowError) else dict(zip(COLUMNS, cells, strict=True)))
        for line, cells, _ in split_rows(io.StringIO(body, newline=""), COLUMNS, delimiter)
    ]
    return ours, list(csv_rows(io.StringIO(body, newline=""), COLUMNS, delimiter))


@settings(max_examples=400, deadline=None)
@given(
    lines=LINES,
    delimiter=st.sampled_from([",", ";", "\t"]),
    ends=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_body_gives_the_rows_the_csv_module_gives(
    lines: list[str], delimiter: str, ends: str
) -> None:
    ours, theirs = _both(ends.join(lines), delimiter)
    assert theirs == ours


@settings(max_examples=200, deadline=None)
@given(lines=LINES)
def test_a_stream_that_splits_lines_on_newlines_only_gives_the_same_rows(lines: list[str]) -> None:
    # io.StringIO() without newline="" keeps a lone carriage return inside a line.
    body = "\n".join(lines)
    ours = [
        (line, cells if isinstance(cells, RowError) else dict(zip(COLUMNS, cells, strict=True)))
        for line, cells, _ in split_rows(io.StringIO(body), COLUMNS, ",")
    ]
    assert list(csv_rows(io.StringIO(body), COLUMNS, ",")) == ours


def test_a_cell_longer_than_the_csv_limit_is_the_error_the_csv_module_gives() -> None:
    big = "x" * (csv.field_size_limit() + 1)
    ours, theirs = _both(f"a,b,c\n{big},b,c\nd,e,f\n", ",")
    assert theirs == ours
    assert 3 == len(ours)
