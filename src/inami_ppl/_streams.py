"""The command's streams: messages, the output file written whole or not at all, progress.

An output file is written to a temporary file in the same folder (with the mode of the
file it replaces) and renamed into place only when the run completes; a device or a pipe
(``/dev/null``, a FIFO) is written directly. A failure to write becomes one
:class:`WriteError` naming the output and the reason.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import os
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Final

from inami_ppl.claims import ReadProgress

__all__ = [
    "EXIT_INVALID_ROWS",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_WRITE",
    "PROGRESS_EVERY",
    "Output",
    "Progress",
    "StopError",
    "UsageError",
    "WriteError",
    "is_terminal",
    "open_input",
    "quiet_stdout",
    "release",
    "say",
    "warn",
]

#: Exit codes of the command: every row read, some rows malformed, and those that
#: :class:`StopError` subclasses carry.
EXIT_OK: Final = 0
EXIT_INVALID_ROWS: Final = 1
EXIT_USAGE: Final = 2
EXIT_WRITE: Final = 3
#: The progress line is redrawn at most this often (seconds).
PROGRESS_EVERY: Final = 0.5


def say(text: str, stream: IO[str] | None = None) -> None:
    """Write one line (to standard output unless ``stream`` says otherwise)."""
    (stream or sys.stdout).write(text + "\n")


def warn(text: str) -> None:
    """Write one line on standard error, if there is one."""
    if sys.stderr is not None:
        try:
            say(f"inami-ppl: {text}", sys.stderr)
            sys.stderr.flush()
        except (OSError, ValueError):  # standard error closed or full: nothing more to do
            pass


class StopError(Exception):
    """The run stops with one line on standard error and the exit code :attr:`code`."""

    code = EXIT_USAGE


class UsageError(StopError):
    """A problem with the command line or the input file as a whole (exit code 2)."""


class WriteError(StopError):
    """The output could not be written (exit code 3)."""

    code = EXIT_WRITE


def quiet_stdout() -> None:
    """Point standard output at the null device, so that exiting writes nothing more."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # no file descriptor
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _identity(stream: IO[str] | IO[bytes]) -> tuple[int, int] | None:
    try:
        found = os.fstat(stream.fileno())
    except (OSError, ValueError):  # a stream without a file (in-process standard input)
        return None
    return found.st_dev, found.st_ino


# A new file only, never one that exists; not inherited by other programs.
_CREATE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class Output:
    """Where the rows go: standard output, a device, or a temporary file renamed at the end."""

    def __init__(self, name: str | None) -> None:
        self.name = name if name not in (None, "-") else None
        self.shown = self.name or "standard output"
        self.temp: Path | None = None
        self.target: Path | None = None
        self.stream: IO[str] | None = None

    def check(self, source: IO[str]) -> None:
        """Refuse to write onto the input (the same file, also through a link)."""
        if self.name is None:
            return
        try:
            found = Path(self.name).stat()
        except OSError:
            return
        if _identity(source) == (found.st_dev, found.st_ino):
            raise UsageError(f"-o {self.name}: the output would overwrite the input")

    def open(self) -> IO[str]:
        if self.name is None:
            self.stream = self._stdout()
            return self.stream
        target = Path(os.path.realpath(self.name))  # write through a link, never over it
        try:
            mode = target.stat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as error:
            raise UsageError(f"cannot write {self.name}: {error.strerror}") from None
        try:
            if mode is not None and not stat.S_ISREG(mode):  # a device or a pipe
                self.stream = target.open("w", encoding="utf-8", newline="")
                return self.stream
            handle = self._create(target)
        except OSError as error:
            raise UsageError(f"cannot write {self.name}: {error.strerror}") from None
        os.fchmod(handle, stat.S_IMODE(mode) if mode is not None else _new_file_mode())
        self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        return self.stream

    def _create(self, target: Path) -> int:
        """Create the temporary file beside ``target`` (see :func:`create_new`)."""
        self.target = target

        def record(path: Path | None) -> None:
            self.temp = path

        return create_new(target.parent, f".{target.name}.", ".part", record)

    @staticmethod
    def _stdout() -> IO[str]:
        if sys.stdout is None:
            raise WriteError("cannot write standard output: it is closed")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # an in-process text stream
            return sys.stdout
        return io.TextIOWrapper(buffer, encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        """Write ``text``; a failure (but a closed pipe) becomes a :class:`WriteError`."""
        self._do(text)

    def _do(self, text: str | None) -> None:
        """Write ``text``, or flush (and sync a file) when it is ``None``."""
        stream = self.stream
        assert stream is not None  # noqa: S101  (opened before writing)
        try:
            if text is not None:
                stream.write(text)
                return
            stream.flush()
            if self.temp is not None:
                os.fsync(stream.fileno())
        except BrokenPipeError:
            raise
        except OSError as error:
            if self.name is None:
                quiet_stdout()  # what is still buffered must not fail again at exit
            raise WriteError(f"cannot write {self.shown}: {error.strerror}") from None

    def commit(self) -> None:
        """Flush; rename the temporary file into place."""
        self._do(None)
        temp = self.temp
        if temp is not None and self.target is not None:
            temp.replace(self.target)  # a stop after this leaves the finished file
        self.temp = None
        self.release()

    def release(self) -> None:
        """Close the file (let go of standard output); remove an unfinished temporary file."""
        stream, self.stream = self.stream, None
        if stream is not None:
            # A failure to write was reported when it happened.
            with contextlib.suppress(OSError, ValueError):
                if isinstance(stream, io.TextIOWrapper) and self.name is None:
                    stream.detach()
                elif stream is not sys.stdout:
                    stream.close()
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


def create_new(
    folder: Path, prefix: str, suffix: str, record: Callable[[Path | None], object]
) -> int:
    """Create a new file with a random name in ``folder``; return its descriptor.

    The name is given to ``record`` before the file exists (and ``None`` if another file
    took it), so that a stop (Ctrl-C, SIGTERM) between any two steps leaves a name the
    caller removes: no file is ever left behind that nobody knows of.
    """
    while True:
        path = folder / f"{prefix}{secrets.token_hex(8)}{suffix}"
        record(path)
        try:
            return os.open(path, _CREATE, 0o600)
        except FileExistsError:  # pragma: no cover - 64 random bits taken by another file
            record(None)


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class Progress:
    """A line on standard error: the share of the input read, the rate and the time left."""

    def __init__(self, stream: IO[str] | None, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled and stream is not None
        self.start = self.shown = time.monotonic()

    def __call__(self, progress: ReadProgress) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.shown < PROGRESS_EVERY or not progress.rows:
            return
        self.shown = now
        elapsed = max(now - self.start, 1e-6)
        rate = progress.rows / elapsed
        text = f"{progress.rows:,} rows read, {rate:,.0f} rows/s"
        fraction = progress.fraction
        if fraction:
            left = elapsed * (1 - fraction) / fraction
            text = f"{fraction:.0%} read, {rate:,.0f} rows/s, {_duration(left)} left"
        self._show(f"\r{text}   ")

    def done(self, rows: int) -> None:
        if self.enabled and rows >= 1024:
            self._show(f"\r{rows:,} rows assessed{' ' * 24}\n")

    def _show(self, text: str) -> None:
        assert self.stream is not None  # noqa: S101  (enabled only with a stream)
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # standard error gone: no more progress
            self.enabled = False


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # a closed stream
        return False


def open_input(args: argparse.Namespace) -> io.TextIOWrapper:
    """The claims file ``args.file`` (``-``: standard input) opened in ``args.encoding``."""
    name: str = args.file
    try:
        codecs.lookup(args.encoding)
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding {args.encoding!r}") from None
    if name == "-":
        if sys.stdin is None:
            raise UsageError("standard input is closed")
        return io.TextIOWrapper(
            sys.stdin.buffer, encoding=args.encoding, errors="surrogateescape", newline=""
        )
    try:
        return Path(name).open(encoding=args.encoding, errors="surrogateescape", newline="")
    except OSError as error:
        raise UsageError(f"cannot read {name}: {error.strerror}") from None


def release(stream: io.TextIOWrapper, name: str) -> None:
    """Close the input; only let go of the wrapper around standard input."""
    if name == "-":
        stream.detach()
    else:
        stream.close()
