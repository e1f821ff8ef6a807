"""Judging a grouped claims file over several processes (``inami-ppl assess --jobs N``).

A grouped CSV file (the rows of each patient next to each other) is cut into parts at
lines where the patient changes. Each part is judged by a process of its own (the first
one by the calling process), which writes its output and the messages about its malformed
rows to temporary files; the caller joins them in the input order. Line numbers count
from the start of the file, so the output, the messages, the totals and the exit code are
those of a run in one process.

A cut is checked after the fact: the part before it must end at the end of a row (not
inside a quoted cell running over several lines), and no patient may have rows in two
parts. When a check fails, or a part stops at a malformed row under ``--strict``, the
parts are thrown away and :func:`parts_judged` gives ``None``: the caller then runs in
one process from the start, so that it stops exactly where such a run stops.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import mmap
import os
import pickle
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Literal

import attrs

from inami_ppl.analytics import TotalsCounter
from inami_ppl.claims.judge import assess_rows
from inami_ppl.claims.readers import _csv_rows, _delimiter_of, read_csv, watch
from inami_ppl.claims.schema import Claim, InvalidRowError, NumberedRow, ReadProgress, RowError
from inami_ppl.claims.writers import claim_cells, csv_line, jsonl_line, output_header
from inami_ppl.errors import InamiPplError
from inami_ppl.rulesets import Rules

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "MIN_PART_BYTES",
    "Done",
    "Part",
    "PartError",
    "Settings",
    "Source",
    "assess_part",
    "cores",
    "plan",
]

#: A part holds at least this many bytes: a smaller file runs in fewer processes, as
#: starting a process costs about as much as judging that many rows.
MIN_PART_BYTES = 4 << 20
#: The last line of every part but the last, so that the part is seen to end with a row.
_SENTINEL: Final = "inami-ppl:end-of-part"
# How many lines past a cut's first place are tried for a change of patient.
_SEARCH_LINES: Final = 1000
# Encodings in which a line break, a quote and the delimiters are the ASCII bytes alone.
_ASCII_SAFE: Final = ("utf-8", "utf-8-sig", "ascii", "iso8859-", "cp125", "latin")
_NOT_UTF8: Final = "valid UTF-8 text"
# Claims are passed back from a part in pickled lists of this many.
_BATCH: Final = 1000

Emit = Callable[[Claim], object]
Report = Callable[[RowError], object]


def cores() -> int:
    """The number of cores this process may run on."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counted is not None:
        return int(counted() or 1)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@attrs.frozen(kw_only=True)
class Settings:
    """How rows are judged and written: everything a process needs besides its rows."""

    columns: tuple[str, ...]
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

    def header(self) -> str:
        """What the output starts with: the CSV header (after a BOM for Excel), or nothing."""
        if self.out_format != "csv":
            return ""
        delimiter, end = (";", "\r\n") if self.excel else (",", "\n")
        return ("\ufeff" if self.excel else "") + csv_line(
            output_header(self.columns), delimiter, end
        )

    def line(self) -> Callable[[Claim], str]:
        """The function that turns a claim into its output line."""
        lang, columns = self.lang, self.columns
        if self.out_format == "jsonl":
            return lambda claim: jsonl_line(claim, lang=lang)
        delimiter, end, decimal = (";", "\r\n", ",") if self.excel else (",", "\n", ".")
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
    rows: Iterable[NumberedRow],
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
    claims = settings.claims(rows)
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
    rows: Iterable[NumberedRow],
    settings: Settings,
    write: Callable[[str], object],
    report: Report,
    *,
    patients: set[str] | None = None,
) -> Done:
    """Judge ``rows`` and ``write`` each output line (without the header), in input order.

    The one place rows become output lines, in one process or in each part of a file.
    """
    line = settings.line()
    return judge(rows, settings, lambda claim: write(line(claim)), report, patients=patients)


# --------------------------------------------------------------------------------------
# cutting a file into parts


@attrs.frozen
class Source:
    """A CSV claims file as its parts read it."""

    path: str
    #: The encoding of the rows (a byte-order mark is only ever at the start of the header).
    encoding: str
    delimiter: str
    columns: tuple[str, ...]


@attrs.frozen
class Part:
    """The bytes ``start`` to ``end`` (``None``: the end of the file), from line ``first_line``."""

    start: int
    end: int | None
    first_line: int


def plan(
    path: str, encoding: str, delimiter: str | None, columns: tuple[str, ...], jobs: int
) -> tuple[Source, list[Part]] | None:
    """The parts of a grouped CSV file, or ``None`` when it is not worth or safe cutting."""
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
            return _plan(data, Source(path, rows_encoding, delimiter or "", columns), jobs)
    except (OSError, ValueError):  # gone, or not a file that can be mapped
        return None


def _plan(data: mmap.mmap, source: Source, jobs: int) -> tuple[Source, list[Part]] | None:
    end_of_header = data.find(b"\n") + 1
    header = data[:end_of_header].decode(source.encoding, "surrogateescape").lstrip("\ufeff")
    if not end_of_header or "\r" in header.rstrip("\r\n"):
        return None  # lines not ended by line feeds
    source = attrs.evolve(source, delimiter=source.delimiter or _delimiter_of(header))
    size = len(data)
    cuts: list[int] = []
    for k in range(1, jobs):
        target = max([end_of_header + (size - end_of_header) * k // jobs, *cuts[-1:]])
        cut = _cut_near(data, target, source)
        if cut is not None and cut not in cuts:
            cuts.append(cut)
    if not cuts:
        return None
    parts: list[Part] = []
    start, line = end_of_header, 2
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
    if b'"' in line:
        return None
    text = line.decode(source.encoding, "surrogateescape").rstrip("\n").removesuffix("\r")
    cells = text.split(source.delimiter)
    if "\r" in text or len(cells) < width or not cells[index].strip():
        return None
    return cells[index]


def _count_lines(data: mmap.mmap, start: int, end: int, block: int = 1 << 24) -> int:
    """The lines in ``data[start:end]`` (ended by LF, CRLF or a lone CR), which ends with LF."""
    lines = 0
    for at in range(start, end, block):
        chunk = data[at : min(at + block, end)]
        lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if chunk.endswith(b"\r") and data[at + len(chunk) : at + len(chunk) + 1] == b"\n":
            lines -= 1  # a CRLF across two blocks
    return lines


# --------------------------------------------------------------------------------------
# reading and judging one part


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


class _PartReader:
    """A CSV reader of one part; :attr:`whole` tells whether the part ended with a row."""

    def __init__(self, text: IO[str], delimiter: str, *, last: bool) -> None:
        self.fed = False
        self.whole = last
        self.reader = csv.reader(text if last else self._lines(text), delimiter=delimiter)

    def _lines(self, text: IO[str]) -> Iterator[str]:
        yield from text
        self.fed = True
        yield _SENTINEL + "\n"

    @property
    def line_num(self) -> int:
        return self.reader.line_num

    def __iter__(self) -> _PartReader:
        return self

    def __next__(self) -> list[str]:
        row = next(self.reader)
        if self.fed and row == [_SENTINEL]:
            self.whole = True  # read on its own: the part ended at the end of a row
            raise StopIteration
        return row


@attrs.frozen
class Task:
    """One part to judge, and the temporary files its output and messages go to."""

    source: Source
    part: Part
    settings: Settings
    out: str
    errors: str
    claims: bool = False  # pickled claims (for Python) instead of output lines


@attrs.frozen
class Judged:
    """A part judged: whether it ended with a row, and what it gives to merge."""

    whole: bool
    done: Done


def run_task(task: Task) -> Judged:
    """Judge one part of a file into the task's temporary files."""
    source, part = task.source, task.part
    raw = Path(source.path).open("rb", buffering=0)  # noqa: SIM115  (closed with the text)
    raw.seek(part.start)
    left = None if part.end is None else part.end - part.start
    buffered = io.BufferedReader(_Range(raw, left), 1 << 20)
    text = io.TextIOWrapper(buffered, source.encoding, "surrogateescape", newline="")
    with text, Path(task.errors).open("w", encoding="utf-8") as errors:
        reader = _PartReader(text, source.delimiter, last=part.end is None)
        rows = _csv_rows(reader, source.columns, source.delimiter, first_line=part.first_line)
        patients: set[str] = set()

        def report(error: RowError) -> None:
            errors.write(json.dumps([error.message, error.expected == _NOT_UTF8]) + "\n")

        if task.claims:
            with Path(task.out).open("wb") as binary:
                batch: list[Claim] = []

                def emit(claim: Claim) -> None:
                    batch.append(claim)
                    if len(batch) == _BATCH:
                        pickle.dump(batch, binary)
                        batch.clear()

                done = judge(rows, task.settings, emit, report, patients=patients)
                pickle.dump(batch, binary)
        else:
            with Path(task.out).open("w", encoding="utf-8", newline="") as out:
                done = assess_part(rows, task.settings, out.write, report, patients=patients)
    return Judged(reader.whole, done)


def serve() -> None:
    """Judge the part of a pickled :class:`Task` read on standard input.

    The pickled outcome is written on standard output.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller stops its processes itself
    task = pickle.loads(sys.stdin.buffer.read())  # noqa: S301  (sent by the caller)
    sys.stdout.buffer.write(pickle.dumps(_outcome(task)))


def _outcome(task: Task) -> tuple[str, object]:
    """``("ok", Judged)``, or ``("failed", reason)`` without any cell of the file."""
    try:
        return "ok", run_task(task)
    except OSError as error:
        return "failed", error.strerror or type(error).__name__
    except Exception as error:  # noqa: BLE001  (reported to the caller, which stops)
        return "failed", type(error).__name__


class PartError(InamiPplError):
    """A part of a file could not be judged: its process failed or died."""


def _start(task: Task) -> subprocess.Popen[bytes]:
    """A process of this Python judging ``task`` (it finds this package where it is here)."""
    home = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": home + (os.pathsep + path if path else "")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from inami_ppl._jobs import serve; serve()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # a message there could show a cell of the file
        env=env,
    )
    assert process.stdin is not None  # noqa: S101  (a pipe was asked for)
    process.stdin.write(pickle.dumps(task))
    process.stdin.close()
    return process


def _outcome_of(outcome: tuple[str, object]) -> Judged:
    status, value = outcome
    if status != "ok":
        raise PartError(str(value))
    assert isinstance(value, Judged)  # noqa: S101  (made by _outcome)
    return value


def _receive(process: subprocess.Popen[bytes]) -> Judged:
    assert process.stdout is not None  # noqa: S101  (a pipe was asked for)
    with process.stdout:
        data = process.stdout.read()
    process.wait()
    try:
        outcome = pickle.loads(data)  # noqa: S301  (written by this run's process)
    except (EOFError, pickle.UnpicklingError):
        raise PartError(f"a process stopped (exit code {process.returncode})") from None
    return _outcome_of(outcome)


@contextlib.contextmanager
def parts_judged(
    source: Source, parts: list[Part], settings: Settings, folder: str, *, claims: bool = False
) -> Iterator[list[tuple[Task, Judged]] | None]:
    """Judge each part (the first here, the others in processes); remove the files after.

    Gives the tasks with their outcomes, in the input order, or ``None`` when the parts
    cannot stand for a run in one process (see the module). The processes are fresh
    interpreters (nothing is forked), stopped when the caller is interrupted.

    Raises:
        PartError: a part could not be judged.

    """
    tasks: list[Task] = []
    running: list[subprocess.Popen[bytes]] = []
    try:
        for part in parts:
            out = _temp(folder, ".out")
            tasks.append(Task(source, part, settings, out, _temp(folder, ".err"), claims))
        running.extend(_start(task) for task in tasks[1:])
        first = _outcome_of(_outcome(tasks[0]))
        yield _checked(tasks, [first, *map(_receive, running)])
    finally:
        for process in running:
            if process.poll() is None:
                process.terminate()
            process.wait()
            if process.stdout is not None:  # not received: stopped early
                process.stdout.close()
        for task in tasks:
            Path(task.out).unlink(missing_ok=True)
            Path(task.errors).unlink(missing_ok=True)


def _temp(folder: str, suffix: str) -> str:
    handle, name = tempfile.mkstemp(dir=folder, prefix=".inami-ppl-part.", suffix=suffix)
    os.close(handle)
    return name


def _checked(tasks: list[Task], judged: list[Judged]) -> list[tuple[Task, Judged]] | None:
    seen: set[str] = set()
    for outcome in judged:
        patients = outcome.done.patients or frozenset()
        if not outcome.whole or outcome.done.stopped or not seen.isdisjoint(patients):
            return None
        seen |= patients
    return list(zip(tasks, judged, strict=True))


def merged(judged: list[tuple[Task, Judged]]) -> tuple[TotalsCounter, int]:
    """The totals and the number of malformed rows of all the parts."""
    counter = TotalsCounter()
    invalid = 0
    for _, outcome in judged:
        counter.merge(outcome.done.counter)
        invalid += outcome.done.invalid
    return counter, invalid


def messages(task: Task) -> Iterator[tuple[str, bool]]:
    """The messages of a part's malformed rows, each with whether it is about UTF-8."""
    with Path(task.errors).open(encoding="utf-8") as stream:
        for line in stream:
            message, encoding = json.loads(line)
            yield str(message), bool(encoding)


def output_chunks(task: Task, size: int = 1 << 20) -> Iterator[str]:
    """The output a part wrote, in chunks."""
    with Path(task.out).open(encoding="utf-8", newline="") as stream:
        while chunk := stream.read(size):
            yield chunk


def claims_of(task: Task) -> Iterator[Claim]:
    """The claims a part wrote (``claims=True``)."""
    with Path(task.out).open("rb") as stream:
        while True:
            try:
                batch: list[Claim] = pickle.load(stream)  # noqa: S301  (this run's own file)
            except EOFError:
                return
            yield from batch


def claims_in_parts(
    stream: IO[str],
    path: str,
    *,
    encoding: str,
    delimiter: str | None,
    progress: Callable[[ReadProgress], object] | None,
    options: dict[str, Any],
    jobs: int,
) -> Iterator[Claim]:
    """The claims of a grouped CSV file (open as ``stream``), judged in ``jobs`` processes."""
    columns, rows = read_csv(stream, delimiter=delimiter)
    settings = Settings(columns=columns, **options)
    settings.claims(())  # a bad setting is reported before any process starts
    planned = plan(path, encoding, delimiter, columns, jobs)
    if planned is not None:
        folder = tempfile.gettempdir()
        with parts_judged(*planned, settings, folder, claims=True) as judged:
            if judged is not None:
                count = 0
                for task, _ in judged:
                    for claim in claims_of(task):
                        count += 1
                        yield claim
                if progress is not None:
                    size = Path(path).stat().st_size
                    progress(ReadProgress(rows=count, bytes_read=size, total_bytes=size))
                return
    if progress is not None:
        rows = watch(rows, stream, progress)
    yield from settings.claims(rows)
