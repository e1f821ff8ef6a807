"""The ``inami-ppl`` command: assess claims files and show the rules in force.

``inami-ppl assess FILE`` reads a claims file (CSV or JSON lines, ``-`` for standard
input) and writes every row with its decision; ``inami-ppl report FILE -o OUT`` writes an
HTML report of charts (extra ``plots``); ``inami-ppl rules --on DATE`` lists
the rules in force on a date with their sources (estimates marked);
``inami-ppl rules diff FILE...`` lists what amendment files change, value by value;
``--rules FILE`` (repeatable, applied in order) amends the bundled rules for the run;
``inami-ppl --version``. ``python -m inami_ppl`` runs the same command. ``assess --grouped``
judges a file in one process for each core (``--jobs N``), with the output of one.

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
import signal
import sys
import tempfile
from collections.abc import Sequence
from types import FrameType
from typing import Final, cast

import inami_ppl
from inami_ppl import _jobs, _streams
from inami_ppl._pipeline import Done, Rows, Settings, assess_part
from inami_ppl._report_command import report, report_options
from inami_ppl._rules_command import amended, rules, rules_option, rules_options
from inami_ppl._streams import (
    Output,
    Progress,
    StopError,
    UsageError,
    WriteError,
    is_terminal,
    open_input,
    quiet_stdout,
    release,
    say,
    warn,
)
from inami_ppl.analytics import Totals
from inami_ppl.claims import (
    ISO_DATE,
    ClaimsFileError,
    Format,
    RowError,
    guess_format,
    read_jsonl,
)
from inami_ppl.claims.readers import read_header, watch
from inami_ppl.claims.rows import split_rows
from inami_ppl.errors import InamiPplError
from inami_ppl.messages import LANGUAGES
from inami_ppl.rulesets import default_rules

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID_ROWS",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "EXIT_WRITE",
    "main",
]

EXIT_OK: Final = _streams.EXIT_OK
EXIT_INVALID_ROWS: Final = _streams.EXIT_INVALID_ROWS
EXIT_USAGE: Final = _streams.EXIT_USAGE
EXIT_WRITE: Final = _streams.EXIT_WRITE
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
# The progress line is redrawn at most this often (seconds).
_DELIMITERS: Final = {",": ",", ";": ";", "tab": "\t", "\\t": "\t"}


class _Version(argparse.Action):
    """``--version``: the package's version, read only when asked for (see ``__version__``)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        say(f"inami-ppl {inami_ppl.__version__}", sys.stdout)
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inami-ppl",
        description="Belgium's rules for reimbursed first-line psychological care.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _assess_options(commands)
    rules_options(commands)
    report_options(commands)
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
        "--jobs",
        type=_jobs_count,
        metavar="N",
        help="judge a grouped file in N processes at once (default: one for each core; "
        "1: in this process); the output, messages and totals are the same whatever N",
    )
    assess.add_argument(
        "--accept-unconfirmed",
        action="store_true",
        help="apply the last rules to sessions after the period the rules cover",
    )
    assess.add_argument("--no-progress", action="store_true", help="never show the progress line")
    rules_option(assess)


def _jobs_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        expected = "a number of processes (1 or more)"
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return count


def _terminate(signum: int, frame: FrameType | None) -> None:
    """On SIGTERM, stop as on Ctrl-C, with the exit code 143."""
    raise _TerminatedError


class _TerminatedError(KeyboardInterrupt):
    """SIGTERM arrived."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: the process's arguments); return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: SIGTERM keeps its handler
        previous = None
    try:
        if args.command == "assess":
            return _assess(args)
        if args.command == "report":
            return report(args)
        return rules(args)
    except StopError as error:
        warn(f"error: {error}")
        return error.code
    except BrokenPipeError:
        # The reader went away (``inami-ppl ... | head``): stop quietly, as Unix tools do.
        quiet_stdout()
        return EXIT_WRITE
    except KeyboardInterrupt as stop:
        terminated = isinstance(stop, _TerminatedError)
        what = "terminated" if terminated else "interrupted"
        warn(f"{what}: no output file written{_partial(args)}")
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _partial(args: argparse.Namespace) -> str:
    to_stdout = args.command == "assess" and args.output in (None, "-")
    return " (standard output holds part of the rows)" if to_stdout else ""


# --------------------------------------------------------------------------------------
# assess


def _assess(args: argparse.Namespace) -> int:
    name: str = args.file
    in_format: Format = args.input_format or ("csv" if name == "-" else guess_format(name))
    out_format: Format = args.output_format or in_format
    if args.excel and out_format != "csv":
        raise UsageError("--excel: writes CSV only (not with --output-format jsonl)")
    rules = amended(default_rules(), args.rules)
    stream = open_input(args)
    output = Output(args.output)
    try:
        output.check(stream)
        delimiter = ","  # JSON lines: the delimiter of nothing
        rows: Rows
        try:
            if in_format == "jsonl":
                columns, rows = read_jsonl(stream)
            else:
                given = _DELIMITERS.get(args.delimiter or "")
                columns, delimiter = read_header(stream, delimiter=given)
                rows = split_rows(stream, columns, delimiter)
        except ClaimsFileError as error:
            raise UsageError(f"{name}: line 1: {error}") from None
        settings = Settings(
            columns=columns,
            in_format=in_format,
            delimiter=delimiter,
            out_format=out_format,
            lang=args.lang,
            excel=args.excel,
            grouped=args.grouped,
            strict=args.strict,
            accept_unconfirmed=args.accept_unconfirmed,
            date_format=args.date_format,
            rules=rules,  # passed to the parts' processes as they are here
        )
        try:
            settings.claims(())  # check the settings before anything is written
        except InamiPplError as error:
            raise UsageError(str(error)) from None
        stderr = sys.stderr
        progress = Progress(stderr, enabled=not args.no_progress and is_terminal(stderr))
        output.open()
        reporter = _Reporter(hint=args.encoding == "utf-8-sig")
        done = _in_parts(args, in_format, settings, output, reporter)
        if done is None:
            output.write(settings.header())
            watched = cast("Rows", watch(iter(rows), stream, progress))
            done = assess_part(watched, settings, output.write, reporter.row)
        if done.stopped is not None:
            warn(done.stopped)
        totals = done.counter.totals()
        progress.done(totals.sessions + totals.invalid)
        if done.stopped is not None and output.name is not None:
            warn(f"no output file written: {output.shown} is left as it was")
        else:
            output.commit()
    finally:
        output.release()
        release(stream, name)
    if args.summary:
        _print_summary(totals)
    return EXIT_INVALID_ROWS if done.invalid else EXIT_OK


class _Reporter:
    """Reports malformed rows on standard error, with a hint at the first one not in UTF-8."""

    def __init__(self, *, hint: bool) -> None:
        self.hint = hint

    def __call__(self, message: str, not_utf8: bool) -> None:
        warn(message)
        if self.hint and not_utf8:
            self.hint = False
            warn("hint: the file is not UTF-8; if Excel saved it, try --encoding cp1252")

    def row(self, error: RowError) -> None:
        self(error.message, error.expected == "valid UTF-8 text")


def _in_parts(
    args: argparse.Namespace,
    in_format: Format,
    settings: Settings,
    output: Output,
    reporter: _Reporter,
) -> Done | None:
    """Judge a grouped file in parts, in several processes; ``None`` to run in this one."""
    jobs: int = args.jobs or _jobs.cores()
    if jobs < 2 or not args.grouped or args.file == "-":
        return None
    delimiter = _DELIMITERS.get(args.delimiter or "")
    columns = settings.columns
    planned = _jobs.parts_of(args.file, args.encoding, delimiter, columns, jobs, kind=in_format)
    if planned is None:
        return None
    folder = str(output.temp.parent) if output.temp else tempfile.gettempdir()
    try:
        with _jobs.parts_judged(*planned, settings, folder) as judged:
            if judged is None:
                return None
            output.write(settings.header())
            for task, _ in judged:
                for message, not_utf8 in _jobs.messages(task):
                    reporter(message, not_utf8)
                for chunk in _jobs.output_chunks(task):
                    output.write(chunk)
            counter, invalid = _jobs.merged(judged)
            return Done(counter, invalid, None)
    except _jobs.PartError as error:
        raise WriteError(f"cannot write {output.shown}: {error}") from None


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
        f"unconfirmed (used an estimate or rules after the covered period): {totals.unconfirmed}",
        *(f"  {name}: {count}" for name, count in totals.unconfirmed_values),
    ]
    say("\n".join(lines), sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
