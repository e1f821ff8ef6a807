"""The ``inami-ppl`` command: assess claims files and show the rules in force.

``inami-ppl assess FILE`` reads a claims file (CSV or JSON lines, ``-`` for standard
input) and writes every row with its decision; ``inami-ppl rules --on DATE`` lists
the rules in force on a date with their sources; ``inami-ppl --version``.
``python -m inami_ppl`` runs the same command.

Exit codes of ``assess``: 0 when every row could be read, 1 when some rows are
malformed (each is reported on standard error with its line number), 2 for a usage
error (bad arguments, a file that cannot be opened, a CSV header without a required
column, an output that is the input), 3 when the output could not be written (a full
disk, a closed pipe or stream), 130 when interrupted (Ctrl-C) and 143 when terminated
(SIGTERM). An output file is written to a temporary file in the same folder and renamed
into place only when the run completes: a run that stops leaves no output file, or the
previous one untouched.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import datetime as dt
import io
import json
import os
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, Final

from inami_ppl import __version__
from inami_ppl.analytics import Totals, TotalsCounter
from inami_ppl.claims import (
    ISO_DATE,
    Claim,
    ClaimsFileError,
    Format,
    InvalidRowError,
    ReadProgress,
    assess_rows,
    guess_format,
    read_csv,
    read_jsonl,
)
from inami_ppl.claims.readers import watch
from inami_ppl.claims.writers import claim_cells, csv_line, jsonl_line, output_header
from inami_ppl.errors import InamiPplError
from inami_ppl.messages import LANGUAGES
from inami_ppl.rulesets import ruleset_for

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID_ROWS",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "EXIT_WRITE",
    "main",
]

EXIT_OK: Final = 0
EXIT_INVALID_ROWS: Final = 1
EXIT_USAGE: Final = 2
EXIT_WRITE: Final = 3
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
# The progress line is redrawn at most this often (seconds).
_PROGRESS_EVERY: Final = 0.5
_DELIMITERS: Final = {",": ",", ";": ";", "tab": "\t", "\\t": "\t"}


def _say(text: str, stream: IO[str] | None = None) -> None:
    """Write one line (to standard output unless ``stream`` says otherwise)."""
    (stream or sys.stdout).write(text + "\n")


def _warn(text: str) -> None:
    """Write one line on standard error, if there is one."""
    if sys.stderr is not None:
        try:
            _say(f"inami-ppl: {text}", sys.stderr)
            sys.stderr.flush()
        except (OSError, ValueError):  # standard error closed or full: nothing more to do
            pass


class _StopError(Exception):
    """The run stops with one line on standard error and the exit code :attr:`code`."""

    code = EXIT_USAGE


class _UsageError(_StopError):
    """A problem with the command line or the input file as a whole (exit code 2)."""


class _WriteError(_StopError):
    """The output could not be written (exit code 3)."""

    code = EXIT_WRITE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inami-ppl",
        description="Belgium's rules for reimbursed first-line psychological care.",
    )
    parser.add_argument("--version", action="version", version=f"inami-ppl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _assess_options(commands)
    _rules_options(commands)
    return parser


def _assess_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    assess = commands.add_parser(
        "assess",
        help="assess a claims file",
        description="Assess every row of a claims file (CSV or JSON lines) and write each row "
        "with its decision. Exit codes: 0 every row read, 1 some rows malformed (reported on "
        "standard error), 2 usage error, 3 output not written, 130 interrupted, 143 terminated.",
    )
    assess.add_argument("file", metavar="FILE", help="the claims file; - for standard input")
    assess.add_argument(
        "-o", "--output", metavar="OUT", help="write here (default: standard output)"
    )
    assess.add_argument(
        "--input-format",
        choices=("csv", "jsonl"),
        help="format of FILE (default: from its name; csv for standard input)",
    )
    assess.add_argument(
        "--output-format",
        choices=("csv", "jsonl"),
        help="format of the output (default: that of the input)",
    )
    assess.add_argument(
        "--encoding",
        default="utf-8-sig",
        help="encoding of FILE (default: UTF-8, with or without a byte-order mark; "
        "cp1252 for files saved by Excel on Windows)",
    )
    assess.add_argument(
        "--delimiter",
        choices=sorted(_DELIMITERS),
        help="the CSV delimiter of FILE (default: found from the header)",
    )
    assess.add_argument(
        "--date-format",
        default=ISO_DATE,
        metavar="FORMAT",
        help="the form of the dates in FILE, in strptime codes (default: %%Y-%%m-%%d; "
        "%%d/%%m/%%Y for Belgian spreadsheets)",
    )
    assess.add_argument(
        "--excel",
        action="store_true",
        help="write CSV that Belgian Excel opens as is: ';', decimal comma, BOM, CRLF",
    )
    assess.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of the messages (default: en)"
    )
    assess.add_argument(
        "--summary", action="store_true", help="print totals on standard error at the end"
    )
    assess.add_argument(
        "--strict", action="store_true", help="stop at the first malformed row (exit code 1)"
    )
    assess.add_argument(
        "--grouped",
        action="store_true",
        help="the rows of each patient stand together: stream with the least memory",
    )
    assess.add_argument(
        "--accept-unconfirmed",
        action="store_true",
        help="apply the last rules to sessions after the period the rules cover",
    )
    assess.add_argument("--no-progress", action="store_true", help="never show the progress line")


def _rules_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = commands.add_parser(
        "rules",
        help="show the rules in force on a date",
        description="List every rule value in force on a date with its validity, source "
        "and confidence mark (SEED, P primary, S secondary, A our assumption).",
    )
    rules.add_argument("--on", required=True, metavar="DATE", help="the date, YYYY-MM-DD")
    rules.add_argument("--json", action="store_true", help="write JSON instead of a table")
    rules.add_argument(
        "--accept-unconfirmed",
        action="store_true",
        help="after the covered period, show the last rules (marked unconfirmed)",
    )


def _terminate(signum: int, frame: FrameType | None) -> None:
    """On SIGTERM, stop as on Ctrl-C, with the exit code 143."""
    raise _TerminatedError


class _TerminatedError(KeyboardInterrupt):
    """SIGTERM arrived."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: the process's arguments); return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _assess(args) if args.command == "assess" else _rules(args)
    except _StopError as error:
        _warn(f"error: {error}")
        return error.code
    except BrokenPipeError:
        # The reader went away (``inami-ppl ... | head``): stop quietly, as Unix tools do.
        _quiet_stdout()
        return EXIT_WRITE
    except KeyboardInterrupt as stop:
        terminated = isinstance(stop, _TerminatedError)
        what = "terminated" if terminated else "interrupted"
        _warn(f"{what}: no output file written{_partial(args)}")
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _partial(args: argparse.Namespace) -> str:
    to_stdout = args.command == "assess" and args.output in (None, "-")
    return " (standard output holds part of the rows)" if to_stdout else ""


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that exiting writes nothing more."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # no file descriptor
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# --------------------------------------------------------------------------------------
# assess


def _open_input(args: argparse.Namespace) -> io.TextIOWrapper:
    name: str = args.file
    try:
        codecs.lookup(args.encoding)
    except LookupError:
        raise _UsageError(f"--encoding: unknown encoding {args.encoding!r}") from None
    if name == "-":
        if sys.stdin is None:
            raise _UsageError("standard input is closed")
        return io.TextIOWrapper(
            sys.stdin.buffer, encoding=args.encoding, errors="surrogateescape", newline=""
        )
    try:
        return Path(name).open(encoding=args.encoding, errors="surrogateescape", newline="")
    except OSError as error:
        raise _UsageError(f"cannot read {name}: {error.strerror}") from None


def _identity(stream: IO[str] | IO[bytes]) -> tuple[int, int] | None:
    try:
        found = os.fstat(stream.fileno())
    except (OSError, ValueError):  # a stream without a file (in-process standard input)
        return None
    return found.st_dev, found.st_ino


class _Output:
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
            raise _UsageError(f"-o {self.name}: the output would overwrite the input")

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
            raise _UsageError(f"cannot write {self.name}: {error.strerror}") from None
        try:
            if mode is not None and not stat.S_ISREG(mode):  # a device or a pipe
                self.stream = target.open("w", encoding="utf-8", newline="")
                return self.stream
            handle, temp = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".part"
            )
        except OSError as error:
            raise _UsageError(f"cannot write {self.name}: {error.strerror}") from None
        self.temp, self.target = Path(temp), target
        os.fchmod(handle, stat.S_IMODE(mode) if mode is not None else _new_file_mode())
        self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        return self.stream

    @staticmethod
    def _stdout() -> IO[str]:
        if sys.stdout is None:
            raise _WriteError("cannot write standard output: it is closed")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # an in-process text stream
            return sys.stdout
        return io.TextIOWrapper(buffer, encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        assert self.stream is not None  # noqa: S101  (opened before writing)
        try:
            self.stream.write(text)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:
            raise self._failed(error) from None

    def _failed(self, error: Exception) -> _WriteError:
        if self.name is None:
            _quiet_stdout()  # what is still buffered must not fail again at exit
        reason = error.strerror if isinstance(error, OSError) else "it is closed"
        return _WriteError(f"cannot write {self.shown}: {reason}")

    def commit(self) -> None:
        """Flush; rename the temporary file into place."""
        stream = self.stream
        assert stream is not None  # noqa: S101  (opened before committing)
        try:
            stream.flush()
            if self.temp is not None:
                os.fsync(stream.fileno())
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:
            raise self._failed(error) from None
        temp, self.temp = self.temp, None
        self.release()
        if temp is not None and self.target is not None:
            temp.replace(self.target)

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


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class _Progress:
    """A line on standard error: the share of the input read, the rate and the time left."""

    def __init__(self, stream: IO[str] | None, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled and stream is not None
        self.start = self.shown = time.monotonic()

    def __call__(self, progress: ReadProgress) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.shown < _PROGRESS_EVERY or not progress.rows:
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


def _assess(args: argparse.Namespace) -> int:
    name: str = args.file
    in_format: Format = args.input_format or ("csv" if name == "-" else guess_format(name))
    out_format: Format = args.output_format or in_format
    stream = _open_input(args)
    output = _Output(args.output)
    try:
        output.check(stream)
        try:
            if in_format == "jsonl":
                columns, rows = read_jsonl(stream)
            else:
                columns, rows = read_csv(stream, delimiter=_DELIMITERS.get(args.delimiter or ""))
        except ClaimsFileError as error:
            raise _UsageError(f"{name}: line 1: {error}") from None
        except UnicodeError as error:
            raise _UsageError(f"{name}: cannot be read as {args.encoding}: {error}") from None
        stderr = sys.stderr
        progress = _Progress(stderr, enabled=not args.no_progress and _is_terminal(stderr))
        try:
            claims = assess_rows(
                watch(rows, stream, progress),
                grouped=args.grouped,
                strict=args.strict,
                accept_unconfirmed=args.accept_unconfirmed,
                date_format=args.date_format,
            )
        except InamiPplError as error:
            raise _UsageError(str(error)) from None
        output.open()
        totals, invalid, stopped = _write(claims, output, columns, out_format, args)
        progress.done(totals.sessions + totals.invalid)
        if stopped and output.name is not None:
            _warn(f"no output file written: {output.shown} is left as it was")
        else:
            output.commit()
    finally:
        output.release()
        _release(stream, name)
    if args.summary:
        _print_summary(totals)
    return EXIT_INVALID_ROWS if invalid else EXIT_OK


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # a closed stream
        return False


def _release(stream: io.TextIOWrapper, name: str) -> None:
    """Close the input; only let go of the wrapper around standard input."""
    if name == "-":
        stream.detach()
    else:
        stream.close()


def _write(
    claims: Iterator[Claim],
    output: _Output,
    columns: Sequence[str],
    out_format: Format,
    args: argparse.Namespace,
) -> tuple[Totals, int, bool]:
    """Write each claim as it comes; report malformed rows; return the totals."""
    counter = TotalsCounter()
    invalid = 0
    hint = args.encoding == "utf-8-sig"
    delimiter, end, decimal = (";", "\r\n", ",") if args.excel else (",", "\n", ".")
    line: Callable[[Claim], str]
    if out_format == "csv":
        if args.excel:
            output.write("\ufeff")
        output.write(csv_line(output_header(columns), delimiter, end))

        def line(claim: Claim) -> str:
            cells = claim_cells(claim, columns, lang=args.lang, decimal=decimal)
            return csv_line(cells, delimiter, end)

    else:

        def line(claim: Claim) -> str:
            return jsonl_line(claim, lang=args.lang)

    try:
        for claim in claims:
            counter.add(claim)
            error = claim.error
            if error is not None:
                invalid += 1
                _warn(error.message)
                if hint and error.expected == "valid UTF-8 text":
                    hint = False
                    _warn("hint: the file is not UTF-8; if Excel saved it, try --encoding cp1252")
            output.write(line(claim))
    except InvalidRowError as error:
        _warn(f"{error} (stopped: --strict)")
        return counter.totals(), invalid + 1, True
    return counter.totals(), invalid, False


def _print_summary(totals: Totals) -> None:
    lines = [
        f"rows: {totals.sessions + totals.invalid}",
        f"accepted: {totals.accepted}",
        f"refused: {totals.refused}",
        *(f"  {code}: {count}" for code, count in totals.refused_by_reason),
        f"malformed: {totals.invalid}",
        f"patients: {totals.patients}",
        f"patient share: {totals.patient_share} EUR",
        f"practitioner fees (individual sessions): {totals.practitioner_fee} EUR",
        f"insurer share (individual sessions): {totals.insurer_share} EUR",
        f"accepted group sessions (fee per facilitator, not computed): {totals.group_sessions}",
    ]
    _say("\n".join(lines), sys.stderr)


# --------------------------------------------------------------------------------------
# rules


def _rules(args: argparse.Namespace) -> int:
    try:
        on = dt.date.fromisoformat(args.on)
    except ValueError:
        raise _UsageError(f"--on: expected a date YYYY-MM-DD, got {args.on!r}") from None
    try:
        ruleset = ruleset_for(on, accept_unconfirmed=args.accept_unconfirmed)
    except InamiPplError as error:
        raise _UsageError(f"--on: {error}") from None
    values = [value.as_dict() for value in ruleset.values()]
    if args.json:
        document = {
            "on": on.isoformat(),
            "ruleset": ruleset.id,
            "unconfirmed": ruleset.unconfirmed,
            "values": values,
        }
        _say(json.dumps(document, ensure_ascii=False, indent=2))
        return EXIT_OK
    note = " (unconfirmed: after the period the rules cover)" if ruleset.unconfirmed else ""
    _say(f"Rules in force on {on.isoformat()}: rule set {ruleset.id}{note}")
    _say("confidence: SEED founding documents, P primary, S secondary, A our assumption\n")
    width = max(len(str(v["name"])) for v in values)
    for value in values:
        shown = value["value"]
        text = ", ".join(shown) if isinstance(shown, list) else str(shown)
        until = value["end"] or "open"
        _say(
            f"{value['name']:<{width}}  {text:<12}  {value['start']}..{until}  "
            f"[{value['confidence']}] {value['source']} {value['url']}"
        )
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
