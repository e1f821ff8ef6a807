"""Cutting a grouped claims file (CSV or JSON lines) into parts, and reading one part.

A file is cut at the start of a line where the patient changes (between two lines that
are whole rows without quotes), near equal shares of its bytes (the first part, judged by
the calling process while the others start, a little more when they start as fresh
interpreters). Each part is read on its own, its lines numbered from the right line of the
file. A cut is checked as the part before it is read: that part must end at the end of a
row, not inside a quoted cell that runs over several lines (:attr:`PartReader.whole`).
"""

from __future__ import annotations

import codecs
import io
import json
import mmap
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final, Literal

import attrs

from inami_ppl.claims.readers import _column_name, _delimiter_of, _jsonl_rows
from inami_ppl.claims.rows import EndMarker, Rows, split_rows

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["MIN_PART_BYTES", "Part", "PartReader", "Source", "plan", "read_part"]

#: A part holds at least this many bytes: a smaller file runs in fewer processes, as a
#: part must be worth several times the start of a process (a fresh interpreter that loads
#: the package: about as long as judging a quarter of these bytes; a copy of the caller
#: costs less, but its part still pays for reading the first rows in full and for joining).
MIN_PART_BYTES = 4 << 20
#: The last line of every part but the last, so that the part is seen to end with a row.
_SENTINEL: Final = "inami-ppl:end-of-part"
# How many lines past a cut's first place are tried for a change of patient.
_SEARCH_LINES: Final = 1000
# Encodings in which a line break, a quote and the delimiters are the ASCII bytes alone.
_ASCII_SAFE: Final = ("utf-8", "utf-8-sig", "ascii", "iso8859-", "cp125", "latin")


@attrs.frozen
class Source:
    """A claims file as its parts read it."""

    path: str
    #: The encoding of the rows (a byte-order mark is only ever at the start of the file).
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    kind: Literal["csv", "jsonl"] = "csv"


@attrs.frozen
class Part:
    """The bytes ``start`` to ``end`` (``None``: the end of the file), from line ``first_line``."""

    start: int
    end: int | None
    first_line: int


def plan(
    path: str,
    encoding: str,
    delimiter: str | None,
    columns: tuple[str, ...],
    jobs: int,
    *,
    kind: Literal["csv", "jsonl"] = "csv",
    slow_start: bool = True,
) -> tuple[Source, list[Part]] | None:
    """The parts of a grouped file, or ``None`` when it is not worth or safe cutting.

    ``slow_start``: the other parts' processes take a while to start (fresh interpreters,
    not copies of the caller), so the first part is cut larger.
    """
    name = codecs.lookup(encoding).name
    if jobs < 2 or not name.startswith(_ASCII_SAFE):
        return None
    rows_encoding = "utf-8" if name == "utf-8-sig" else encoding
    try:
        found = Path(path).stat()
        jobs = min(jobs, found.st_size // MIN_PART_BYTES) if MIN_PART_BYTES else jobs
        if jobs < 2 or not stat.S_ISREG(found.st_mode):
            return None
        with (
            Path(path).open("rb") as raw,
            mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            source = Source(path, rows_encoding, delimiter or "", columns, kind)
            head = MIN_PART_BYTES // 4 if slow_start else 0
            return _plan(data, source, jobs, bom=name == "utf-8-sig", head=head)
    except (OSError, ValueError):  # gone, or not a file that can be mapped
        return None


def _plan(
    data: mmap.mmap, source: Source, jobs: int, *, bom: bool, head: int
) -> tuple[Source, list[Part]] | None:
    if source.kind == "jsonl":  # no header: the rows start after a byte-order mark, if any
        end_of_header = len(codecs.BOM_UTF8) if bom and data[:3] == codecs.BOM_UTF8 else 0
        first = 1
    else:
        end_of_header = data.find(b"\n") + 1
        header = data[:end_of_header].decode(source.encoding, "surrogateescape").lstrip("\ufeff")
        if not end_of_header or "\r" in header.rstrip("\r\n"):
            return None  # lines not ended by line feeds
        source = attrs.evolve(source, delimiter=source.delimiter or _delimiter_of(header))
        first = 2
    size = len(data)
    # The first part is judged by the calling process while the others start: it is given
    # ``head`` more bytes, the rows judged in the time a process takes to start, so that all
    # end together.
    share = max(0, size - end_of_header - head) // jobs
    cuts: list[int] = []
    for k in range(1, jobs):
        target = max([end_of_header + head + share * k, *cuts[-1:]])
        cut = _cut_near(data, target, source)
        if cut is not None and cut not in cuts:
            cuts.append(cut)
    if not cuts:
        return None
    parts: list[Part] = []
    start, line = end_of_header, first
    for cut in cuts:
        parts.append(Part(start, cut, line))
        line += _count_lines(data, start, cut)
        start = cut
    parts.append(Part(start, None, line))
    return source, parts


def _cut_near(data: mmap.mmap, target: int, source: Source) -> int | None:
    """The start of a line at or after ``target`` where the patient changes, if one is near."""
    index = source.columns.index("patient_id")
    width = len(source.columns)
    start = data.find(b"\n", target - 1) + 1  # ``target`` itself when a line starts there
    if not start:
        return None
    before = _patient(data[data.rfind(b"\n", 0, start - 1) + 1 : start], source, index, width)
    for _ in range(_SEARCH_LINES):
        end = data.find(b"\n", start) + 1
        if not end:
            return None
        after = _patient(data[start:end], source, index, width)
        if before is not None and after is not None and before != after:
            return start
        before, start = after, end
    return None


def _patient(line: bytes, source: Source, index: int, width: int) -> str | None:
    """The patient of a line that is a whole row without quotes, else ``None``."""
    if source.kind == "jsonl":
        return _json_patient(line, source.encoding)
    if b'"' in line:
        return None
    text = line.decode(source.encoding, "surrogateescape").rstrip("\n").removesuffix("\r")
    cells = text.split(source.delimiter)
    if "\r" in text or len(cells) < width or not cells[index].strip():
        return None
    return cells[index]


def _json_patient(line: bytes, encoding: str) -> str | None:
    """The patient of a line that is a JSON object with a patient id, else ``None``."""
    try:
        record = json.loads(line.decode(encoding, "surrogateescape"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    found = [value for key, value in record.items() if _column_name(key) == "patient_id"]
    if len(found) != 1 or not isinstance(found[0], str | int) or isinstance(found[0], bool):
        return None
    return json.dumps(found[0])


def _count_lines(data: mmap.mmap, start: int, end: int, block: int = 1 << 24) -> int:
    """The lines in ``data[start:end]`` (ended by LF, CRLF or a lone CR), which ends with LF."""
    lines = 0
    for at in range(start, end, block):
        chunk = data[at : min(at + block, end)]
        lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if chunk.endswith(b"\r") and data[at + len(chunk) : at + len(chunk) + 1] == b"\n":
            lines -= 1  # a CRLF across two blocks
    return lines


class _Range(io.RawIOBase):
    """The bytes of an open file from where it stands, ``left`` of them (``None``: all)."""

    def __init__(self, raw: io.FileIO, left: int | None) -> None:
        super().__init__()
        self.raw = raw
        self.left = left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self.left is not None:
            view = view[: self.left]
        count = self.raw.readinto(view) or 0
        if self.left is not None:
            self.left -= count
        return count

    def close(self) -> None:
        self.raw.close()
        super().close()


class PartReader:
    """The text of one part; :attr:`whole` tells whether the part ended with a row."""

    def __init__(self, text: IO[str], *, last: bool) -> None:
        self.text = text
        self.last = last
        self.end = EndMarker(_SENTINEL)

    @property
    def whole(self) -> bool:
        """Whether the part ended where a row ends (the last part always does)."""
        return self.last or self.end.seen

    def lines(self) -> Iterator[str]:
        """The part's lines, then (but for the last part) the end marker on a line of its own."""
        yield from self.text
        if not self.last:
            yield _SENTINEL + "\n"


def read_part(source: Source, part: Part) -> tuple[PartReader, Rows]:
    """The reader of a part (to check it ended with a row) and its rows.

    CSV rows come split (:func:`~inami_ppl.claims.rows.split_rows`), JSON lines as
    records. Close :attr:`PartReader.text` when done.
    """
    raw = Path(source.path).open("rb", buffering=0)  # noqa: SIM115  (closed with the text)
    raw.seek(part.start)
    left = None if part.end is None else part.end - part.start
    buffered = io.BufferedReader(_Range(raw, left), 1 << 20)
    text = io.TextIOWrapper(buffered, source.encoding, "surrogateescape", newline="")
    if source.kind == "jsonl":  # a cut at a line feed is always at the end of a row
        return PartReader(text, last=True), _jsonl_rows(text, first_line=part.first_line)
    reader = PartReader(text, last=part.end is None)
    rows = split_rows(
        reader.lines(),
        source.columns,
        source.delimiter,
        first_line=part.first_line,
        end=reader.end,
    )
    return reader, rows
