"""Reading claims files: CSV (``,``, ``;`` or tab) or JSON lines, from a path or a stream.

A CSV file's delimiter is found from its header unless given; header names are read
in any case, and empty cells at the end of the header (and of each row) are ignored,
as spreadsheets write them. A quoted cell that runs over several lines and holds what
looks like other rows (a stray opening quote) is reported on every line it swallowed.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Final, Literal, TypeVar

from inami_ppl.claims.cells import ISO_DATE, has_surrogates
from inami_ppl.claims.columns import OUTPUT_COLUMNS
from inami_ppl.claims.judge import assess_rows
from inami_ppl.claims.rows import SplitRow, split_rows
from inami_ppl.claims.schema import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Claim,
    ClaimsFileError,
    NumberedRow,
    ReadProgress,
    RowError,
)
from inami_ppl.errors import InvalidInputError
from inami_ppl.rulesets import Rules

__all__ = [
    "DELIMITERS",
    "Format",
    "assess_file",
    "guess_format",
    "open_claims",
    "read_csv",
    "read_header",
    "read_jsonl",
    "watch",
]

Format = Literal["csv", "jsonl"]
T = TypeVar("T")
#: The delimiters a CSV claims file may use; the header tells which.
DELIMITERS: Final = (",", ";", "\t")
_KNOWN_COLUMNS: Final = frozenset(COLUMNS) | frozenset(OPTIONAL_COLUMNS) | frozenset(OUTPUT_COLUMNS)
# How often (in rows) a progress callback is called.
_PROGRESS_ROWS: Final = 1024


def _column_name(cell: str) -> str:
    """A header cell as a column name: known names in any case, without spaces or BOM."""
    name = cell.strip().lstrip("\ufeff").strip()
    lowered = name.lower()
    return lowered if lowered in _KNOWN_COLUMNS else name


def _split(header: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([header], delimiter=delimiter))
    except csv.Error as error:
        raise ClaimsFileError("header", str(error), "a CSV header row") from None


def _delimiter_of(header: str) -> str:
    """The delimiter that splits ``header`` into the most known column names."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = _split(header, delimiter)
        known = sum(_column_name(cell) in _KNOWN_COLUMNS for cell in cells)
        return known, header.count(delimiter)

    return max(DELIMITERS, key=score)


def read_csv(
    stream: IO[str], *, delimiter: str | None = None
) -> tuple[tuple[str, ...], Iterator[NumberedRow]]:
    """Read the header of a CSV claims file now; return it with an iterator of its rows.

    Line numbers are those of the file (the header is line 1). Blank lines are
    skipped; a row with another number of cells than the header is reported.
    ``delimiter`` is found from the header when not given (``,``, ``;`` or tab).
    Open files with ``newline=""`` (and ``encoding="utf-8-sig",
    errors="surrogateescape"`` to accept a byte-order mark and report bytes that are
    not UTF-8 on their row), as :func:`open_claims` does.

    Raises:
        ClaimsFileError: the file is empty, or its header repeats a column or lacks
            one of :data:`REQUIRED_COLUMNS`.

    """
    columns, delimiter = read_header(stream, delimiter)
    return columns, _csv_rows(stream, columns, delimiter)


def read_header(stream: IO[str], delimiter: str | None = None) -> tuple[tuple[str, ...], str]:
    """Read the header of a CSV claims file: its columns and its delimiter (see :func:`read_csv`).

    The rows that follow are for :func:`~inami_ppl.claims.rows.split_rows`.

    Raises:
        ClaimsFileError: as :func:`read_csv`.

    """
    if delimiter is not None and delimiter not in DELIMITERS:
        raise InvalidInputError("delimiter", delimiter, "one of ',', ';' or a tab")
    first = stream.readline()
    if not first.strip():
        raise ClaimsFileError("header", "empty file", "a header row naming the columns")
    delimiter = delimiter or _delimiter_of(first)
    header = _split(first, delimiter)
    if first.count('"') % 2:
        raise ClaimsFileError("header", "an unclosed quote", "a CSV header row on one line")
    cells = [_column_name(cell) for cell in header]
    while cells and not cells[-1]:
        cells.pop()  # empty cells at the end, as spreadsheets write them
    columns = tuple(cells)
    _check_columns(columns)
    return columns, delimiter


def _check_columns(columns: Sequence[str]) -> None:
    # A file without a header has a row of data first: a message about the header names
    # the known columns only, never the other cells (they may identify a patient).
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if not name.isascii() and has_surrogates(name):
            raise ClaimsFileError(
                "header",
                f"cell {position}",
                "column names in UTF-8 (or the file's encoding given, such as cp1252)",
            )
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


def _csv_rows(stream: IO[str], columns: tuple[str, ...], delimiter: str) -> Iterator[NumberedRow]:
    return as_records(split_rows(stream, columns, delimiter), columns)


def as_records(rows: Iterable[SplitRow], columns: tuple[str, ...]) -> Iterator[NumberedRow]:
    """Split rows as numbered records (each row's cells by column name)."""
    for line, cells, _ in rows:
        yield line, cells if isinstance(cells, RowError) else dict(zip(columns, cells, strict=True))


def read_jsonl(stream: IO[str]) -> tuple[tuple[str, ...], Iterator[NumberedRow]]:
    """Read a JSON lines claims file: one JSON object a line, keys as in :data:`COLUMNS`.

    Returns the columns (the standard ones, then the other keys of the first object,
    which CSV output echoes) and an iterator of the rows; a line that is not a JSON
    object is reported on its line; blank lines are skipped.
    """
    rows = _jsonl_rows(stream)
    first = next(rows, None)
    if first is None:
        return COLUMNS, iter(())
    keys = tuple(first[1]) if isinstance(first[1], dict) else ()
    extra = tuple(key for key in keys if key not in COLUMNS and isinstance(key, str))
    return COLUMNS + extra, _prepend(first, rows)


def _prepend(first: NumberedRow, rest: Iterator[NumberedRow]) -> Iterator[NumberedRow]:
    yield first
    yield from rest


def _jsonl_rows(stream: IO[str], *, first_line: int = 1) -> Iterator[NumberedRow]:
    for line, text in enumerate(stream, start=first_line):
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
        yield line, {_column_name(key): value for key, value in record.items()}


def open_claims(path: str | os.PathLike[str], encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    """Open a claims file for reading: UTF-8 with or without a byte-order mark by default.

    Bytes that are not in the encoding are kept (as surrogates) and reported on their
    row. Give ``encoding="cp1252"`` for files saved by Excel on Windows.
    """
    return Path(path).open(encoding=encoding, errors="surrogateescape", newline="")


def guess_format(name: str) -> Format:
    """``"jsonl"`` for names ending in ``.jsonl``/``.ndjson``/``.json``, else ``"csv"``."""
    return "jsonl" if name.lower().endswith((".jsonl", ".ndjson", ".json")) else "csv"


def _position(stream: IO[str]) -> tuple[Callable[[], int | None], int | None]:
    """A reader of how many bytes of ``stream`` were read, and its size (when known)."""
    raw = getattr(stream, "buffer", None)
    try:
        size = os.fstat(stream.fileno()).st_size
        raw.tell()  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return lambda: None, None

    def read() -> int | None:
        try:
            return int(raw.tell())  # type: ignore[union-attr]
        except (OSError, ValueError):  # pragma: no cover - a file closed under us
            return None

    return read, size or None


def watch(
    rows: Iterator[T], stream: IO[str], progress: Callable[[ReadProgress], object]
) -> Iterator[T]:
    """``rows`` unchanged, calling ``progress`` every thousand rows or so and at the end."""
    read, total = _position(stream)
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % _PROGRESS_ROWS == 0:
            progress(ReadProgress(rows=count, bytes_read=read(), total_bytes=total))
    progress(ReadProgress(rows=count, bytes_read=total, total_bytes=total))


def assess_file(
    source: str | os.PathLike[str] | IO[str],
    *,
    format: Format | None = None,
    grouped: bool = False,
    strict: bool = False,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
    encoding: str = "utf-8-sig",
    delimiter: str | None = None,
    date_format: str = ISO_DATE,
    progress: Callable[[ReadProgress], object] | None = None,
    jobs: int = 1,
) -> Iterator[Claim]:
    """Assess a claims file (a path or an open text file), CSV or JSON lines.

    The format comes from ``format`` or else from the file name (``.jsonl``,
    ``.ndjson``, ``.json``: JSON lines; anything else: CSV). :attr:`Claim.line` is
    the line in the file. The file is read as the claims are taken. ``encoding``
    applies to paths; ``delimiter`` to CSV (found from the header when not given).
    ``progress``, when given, is called with a :class:`ReadProgress` every thousand
    rows read or so, and once at the end.

    ``jobs`` above 1 judges a grouped file given by its path in that many processes
    at once (the claims are the same; they come once every part is judged, and
    ``progress`` is called at the end only); other files are judged in this process.
    On Linux, called from a process that runs one thread, the other processes are copies
    of this one (``os.fork``), which end as soon as their part is judged; from a process
    running several threads (a notebook's, for one), fresh interpreters.

    Raises:
        ClaimsFileError: the CSV header is missing or wrong (when iteration starts).
        InvalidRowError: in strict mode, the first malformed row.

    """
    if progress is not None and not callable(progress):
        raise InvalidInputError("progress", type(progress).__name__, "a callable or None")
    count: object = jobs
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInputError("jobs", jobs, "a number of processes (1 or more)")
    options: dict[str, Any] = {
        "grouped": grouped,
        "strict": strict,
        "rules": rules,
        "accept_unconfirmed": accept_unconfirmed,
        "date_format": date_format,
    }
    if isinstance(source, str | os.PathLike):
        try:
            stream = open_claims(source, encoding)
        except OSError as error:
            raise ClaimsFileError(
                "file", os.fspath(source), f"a readable file ({error.strerror})"
            ) from None
        except ValueError:  # a NUL or an unencodable character in the path
            raise ClaimsFileError("file", os.fspath(source), "a path to a file") from None
        except LookupError:
            raise InvalidInputError("encoding", encoding, "a known text encoding") from None
        with stream:
            kind = format or guess_format(os.fspath(source))
            if jobs > 1 and grouped:
                from inami_ppl import _jobs  # noqa: PLC0415  (it reads files with this module)

                yield from _jobs.claims_in_parts(
                    stream,
                    os.fspath(source),
                    kind=kind,
                    encoding=encoding,
                    delimiter=delimiter,
                    progress=progress,
                    options=options,
                    jobs=jobs,
                )
                return
            yield from _assess_stream(stream, kind, delimiter, progress, options)
    elif not callable(getattr(source, "read", None)):
        raise ClaimsFileError("file", type(source).__name__, "a path or an open text file")
    else:
        kind = format or guess_format(str(getattr(source, "name", "")))
        yield from _assess_stream(source, kind, delimiter, progress, options)


def _assess_stream(
    stream: IO[str],
    kind: Format,
    delimiter: str | None,
    progress: Callable[[ReadProgress], object] | None,
    options: dict[str, Any],
) -> Iterator[Claim]:
    if kind == "jsonl":
        _, rows = read_jsonl(stream)
    else:
        _, rows = read_csv(stream, delimiter=delimiter)
    if progress is not None:
        rows = watch(rows, stream, progress)
    yield from assess_rows(rows, **options)
