"""Judging a grouped claims file over several processes (``inami-ppl assess --jobs N``).

A grouped file (CSV or JSON lines; the rows of each patient next to each other) is cut at
lines where the patient changes into parts (:mod:`inami_ppl._cuts`). Each part is judged by a
process of its own (the first one by the calling process) through
:func:`~inami_ppl._pipeline.assess_part`, which writes its output and the messages about
its malformed rows to temporary files; the caller joins them in the input order. Line
numbers count from the start of the file, so the output, the messages, the totals and the
exit code are those of a run in one process.

When a part did not end with a row, when a patient has rows in two parts, or when a part
stops at a malformed row under ``--strict``, the parts are thrown away and
:func:`parts_judged` gives ``None``: the caller then runs in one process from the start,
so that it stops exactly where such a run stops.

On Linux, in a process that runs one thread, each other part's process is a copy of the
calling one (``os.fork``), which has the package and the rules loaded already and starts at
once; it judges its part and ends without running anything else of the caller's. Anywhere
else (another system, a caller running several threads, where a copy could inherit a lock
held by another thread) it is a fresh interpreter started as a subprocess, which loads the
package first. Either way a script calling :func:`~inami_ppl.claims.assess_file` needs no
``if __name__ == "__main__"`` guard.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final, Literal, NoReturn

import attrs

from inami_ppl._cuts import Part, Source, plan, read_part
from inami_ppl._pipeline import Done, Settings, assess_part, judge
from inami_ppl._streams import create_new
from inami_ppl.analytics import TotalsCounter
from inami_ppl.claims.readers import read_csv, read_jsonl, watch
from inami_ppl.claims.schema import Claim, ReadProgress, RowError
from inami_ppl.errors import InamiPplError
from inami_ppl.rulesets import resolve_rules

__all__ = [
    "Judged",
    "PartError",
    "Task",
    "claims_in_parts",
    "copies",
    "cores",
    "merged",
    "messages",
    "output_chunks",
    "parts_judged",
    "parts_of",
    "serve",
]

_NOT_UTF8: Final = "valid UTF-8 text"
# Claims are passed back from a part in pickled lists of this many.
_BATCH: Final = 1000


def cores() -> int:
    """The number of cores this process may run on."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counted is not None:
        return int(counted() or 1)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


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
    reader, rows = read_part(task.source, task.part)
    with reader.text, Path(task.errors).open("w", encoding="utf-8") as errors:
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


def copies() -> bool:
    """Whether the other parts' processes are copies of this one (see the module).

    Only on Linux, and only while this process runs a single thread (counted by the
    system, threads started outside Python included).
    """
    if sys.platform != "linux":  # pragma: no cover - the tests run on Linux
        return False
    try:
        return sum(1 for _ in Path("/proc/self/task").iterdir()) == 1
    except OSError:  # pragma: no cover - /proc is not mounted
        return False


def parts_of(
    path: str,
    encoding: str,
    delimiter: str | None,
    columns: tuple[str, ...],
    jobs: int,
    *,
    kind: Literal["csv", "jsonl"],
) -> tuple[Source, list[Part]] | None:
    """:func:`~inami_ppl._cuts.plan`, the first part cut larger when the others start slowly."""
    return plan(path, encoding, delimiter, columns, jobs, kind=kind, slow_start=not copies())


def _start(task: Task) -> subprocess.Popen[bytes] | _Copy:
    """A process judging ``task``: a copy of this one, or a fresh interpreter (``copies``)."""
    if copies():
        return _Copy(task)
    return _fresh(task)


def _fresh(task: Task) -> subprocess.Popen[bytes]:
    """A process of this Python judging ``task``.

    It finds this package where this process found it, unless its own path has it.
    """
    home = str(Path(__file__).resolve().parent.parent)
    code = f"import sys; sys.path.append({home!r}); from inami_ppl._jobs import serve; serve()"
    process = subprocess.Popen(  # noqa: S603  (this Python, fixed arguments)
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # a message there could show a cell of the file
    )
    assert process.stdin is not None  # noqa: S101  (a pipe was asked for)
    process.stdin.write(pickle.dumps(task))
    process.stdin.close()
    return process


class _Copy:
    """A copy of this process (``os.fork``) judging a task, seen as a subprocess is seen.

    Its pickled outcome comes through a pipe (:attr:`stdout`), as a subprocess's does.
    """

    def __init__(self, task: Task) -> None:
        # Nothing buffered here may be written twice, once by each process.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, OSError, ValueError):  # none, gone, closed
                stream.flush()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError as error:  # no process can be made now (too many, no memory)
            os.close(read)
            os.close(write)
            raise PartError(error.strerror or type(error).__name__) from None
        if pid == 0:  # pragma: no cover - the copy: its coverage data is not saved
            _judge_in_copy(task, read, write)
        os.close(write)
        self.pid = pid
        self.stdout: IO[bytes] | None = os.fdopen(read, "rb")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code, or ``None`` while the copy runs."""
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def terminate(self) -> None:
        """Stop the copy (SIGTERM)."""
        os.kill(self.pid, signal.SIGTERM)

    def wait(self) -> int:
        """Wait for the copy to end; its exit code."""
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _judge_in_copy(task: Task, read: int, write: int) -> NoReturn:  # pragma: no cover
    """In the copy: judge ``task``, write the pickled outcome to ``write``, and end.

    The copy ends with ``os._exit``: none of the caller's clean-up (``finally`` blocks,
    ``atexit``, buffered files) runs twice. Not measured by the tests' coverage, whose data
    the copy never saves; the tests check what it sends.
    """
    code = 1
    try:
        # The caller stops its processes itself; SIGTERM ends the copy at once.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.close(read)
        with os.fdopen(write, "wb") as out:
            out.write(pickle.dumps(_outcome(task)))
        code = 0
    finally:
        os._exit(code)


def _outcome_of(outcome: tuple[str, object]) -> Judged:
    status, value = outcome
    if status != "ok":
        raise PartError(str(value))
    assert isinstance(value, Judged)  # noqa: S101  (made by _outcome)
    return value


def _receive(process: subprocess.Popen[bytes] | _Copy) -> Judged:
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
    interpreters or copies of this process (see the module), stopped when the caller is
    interrupted.

    Raises:
        PartError: a part could not be judged.

    """
    tasks: list[Task] = []
    running: list[subprocess.Popen[bytes] | _Copy] = []
    made: list[Path] = []  # every temporary file, named before it is created
    try:
        for part in parts:
            out = _temp(folder, ".out", made)
            tasks.append(Task(source, part, settings, out, _temp(folder, ".err", made), claims))
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
        for path in made:
            path.unlink(missing_ok=True)


def _temp(folder: str, suffix: str, made: list[Path]) -> str:
    """A new temporary file in ``folder``, its name in ``made`` before it exists."""

    def record(path: Path | None) -> None:
        if path is None:  # pragma: no cover - taken by another file (64 random bits)
            made.pop()
        else:
            made.append(path)

    os.close(create_new(Path(folder), ".inami-ppl-part.", suffix, record))
    return str(made[-1])


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
    kind: Literal["csv", "jsonl"],
    encoding: str,
    delimiter: str | None,
    progress: Callable[[ReadProgress], object] | None,
    options: dict[str, Any],
    jobs: int,
) -> Iterator[Claim]:
    """The claims of a grouped file (open as ``stream``), judged in ``jobs`` processes."""
    columns, rows = read_jsonl(stream) if kind == "jsonl" else read_csv(stream, delimiter=delimiter)
    # The rules go to the processes as they are here (also when they are the bundled ones).
    settings = Settings(
        columns=columns, in_format=kind, **{**options, "rules": resolve_rules(options["rules"])}
    )
    settings.claims(())  # a bad setting is reported before any process starts
    planned = parts_of(path, encoding, delimiter, columns, jobs, kind=kind)
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
