"""The ``inami-ppl`` command: assess claims files and show the rules in force.

``inami-ppl assess FILE`` reads a claims file (CSV or JSON lines, ``-`` for standard
input) and writes every row with its decision; ``inami-ppl report FILE -o OUT`` writes an
HTML report of charts (extra ``plots``); ``inami-ppl rules --on DATE`` lists
the rules in force on a date with their sources (estimates marked);
``inami-ppl rules diff FILE...`` lists what amendment files change, value by value;
``--rules FILE`` (repeatable, applied in order) amends the bundled rules for the run;
``inami-ppl --version``. ``python -m inami_ppl`` runs the same command.

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
import datetime as dt
import io
import json
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Final

from inami_ppl import __version__, _streams
from inami_ppl._streams import (
    Output,
    Progress,
    StopError,
    UsageError,
    is_terminal,
    quiet_stdout,
    say,
    warn,
)
from inami_ppl.analytics import Totals, TotalsCounter
from inami_ppl.claims import (
    ISO_DATE,
    Claim,
    ClaimsFileError,
    Format,
    InvalidRowError,
    assess_rows,
    guess_format,
    read_csv,
    read_jsonl,
)
from inami_ppl.claims.readers import watch
from inami_ppl.claims.writers import claim_cells, csv_line, jsonl_line, output_header
from inami_ppl.errors import InamiPplError
from inami_ppl.messages import LANGUAGES
from inami_ppl.rulesets import Rules, default_rules

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
EXIT_USAGE: Final = _streams.EXIT_USAGE
EXIT_WRITE: Final = _streams.EXIT_WRITE
EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
# The progress line is redrawn at most this often (seconds).
_DELIMITERS: Final = {",": ",", ";": ";", "tab": "\t", "\\t": "\t"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inami-ppl",
        description="Belgium's rules for reimbursed first-line psychological care.",
    )
    parser.add_argument("--version", action="version", version=f"inami-ppl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _assess_options(commands)
    _rules_options(commands)
    _report_options(commands)
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
    _rules_option(assess)


def _rules_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = commands.add_parser(
        "rules",
        help="show the rules in force on a date",
        description="List every rule value in force on a date with its validity, source "
        "and confidence mark (SEED, P primary, S secondary, A our assumption).",
    )
    rules.add_argument("--on", metavar="DATE", help="the date, YYYY-MM-DD")
    rules.add_argument("--json", action="store_true", help="write JSON instead of a table")
    rules.add_argument(
        "--accept-unconfirmed",
        action="store_true",
        help="after the covered period, show the last rules (marked unconfirmed)",
    )
    _rules_option(rules)
    diff = rules.add_subparsers(dest="rules_command", metavar="diff").add_parser(
        "diff",
        help="list what amendment files change",
        description="List, value by value with their periods, the rows that amendment files "
        "remove (-) and add (+), applied in order to the bundled rules (and to any --rules "
        "given before 'diff').",
    )
    diff.add_argument("amendments", nargs="+", metavar="FILE", help="an amendment file (TOML)")


def _terminate(signum: int, frame: FrameType | None) -> None:
    """On SIGTERM, stop as on Ctrl-C, with the exit code 143."""
    raise _TerminatedError


class _TerminatedError(KeyboardInterrupt):
    """SIGTERM arrived."""


def _rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE",
        help="amend the bundled rules with this file (TOML, the tables' format); repeatable, "
        "applied in order",
    )


def _amended(rules: Rules, files: Sequence[str]) -> Rules:
    """``rules`` amended by each file in turn; a file that cannot be used is a usage error."""
    for name in files:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise UsageError(f"--rules: {name}: {error.strerror or error}") from None
        try:
            rules = rules.amend(data, name=name)
        except InamiPplError as error:
            raise UsageError(f"--rules: {error}") from None
    return rules


def _report_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="write an HTML report of a claims file (extra: plots)",
        description="Assess a claims file and write one self-contained HTML page of charts, "
        "each with its table (needs pip install 'inami-ppl[plots]'). Exit codes as for assess.",
    )
    report.add_argument("file", metavar="FILE", help="the claims file (CSV or JSON lines)")
    report.add_argument("-o", "--output", metavar="OUT", required=True, help="the HTML file")
    report.add_argument("--title", default="Claims report", help="the page title")
    report.add_argument(
        "--encoding",
        default="utf-8-sig",
        help="encoding of FILE (default: UTF-8, with or without a byte-order mark)",
    )
    report.add_argument(
        "--accept-unconfirmed",
        action="store_true",
        help="apply the last rules to sessions after the period the rules cover",
    )
    _rules_option(report)


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
            return _report(args)
        return _rules(args)
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


def _open_input(args: argparse.Namespace) -> io.TextIOWrapper:
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


def _assess(args: argparse.Namespace) -> int:
    name: str = args.file
    in_format: Format = args.input_format or ("csv" if name == "-" else guess_format(name))
    out_format: Format = args.output_format or in_format
    if args.excel and out_format != "csv":
        raise UsageError("--excel: writes CSV only (not with --output-format jsonl)")
    rules = _amended(default_rules(), args.rules)
    stream = _open_input(args)
    output = Output(args.output)
    try:
        output.check(stream)
        try:
            if in_format == "jsonl":
                columns, rows = read_jsonl(stream)
            else:
                columns, rows = read_csv(stream, delimiter=_DELIMITERS.get(args.delimiter or ""))
        except ClaimsFileError as error:
            raise UsageError(f"{name}: line 1: {error}") from None
        stderr = sys.stderr
        progress = Progress(stderr, enabled=not args.no_progress and is_terminal(stderr))
        try:
            claims = assess_rows(
                watch(rows, stream, progress),
                grouped=args.grouped,
                strict=args.strict,
                rules=rules,
                accept_unconfirmed=args.accept_unconfirmed,
                date_format=args.date_format,
            )
        except InamiPplError as error:
            raise UsageError(str(error)) from None
        output.open()
        totals, invalid, stopped = _write(claims, output, columns, out_format, args)
        progress.done(totals.sessions + totals.invalid)
        if stopped and output.name is not None:
            warn(f"no output file written: {output.shown} is left as it was")
        else:
            output.commit()
    finally:
        output.release()
        _release(stream, name)
    if args.summary:
        _print_summary(totals)
    return EXIT_INVALID_ROWS if invalid else EXIT_OK


def _release(stream: io.TextIOWrapper, name: str) -> None:
    """Close the input; only let go of the wrapper around standard input."""
    if name == "-":
        stream.detach()
    else:
        stream.close()


def _write(
    claims: Iterator[Claim],
    output: Output,
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
                warn(error.message)
                if hint and error.expected == "valid UTF-8 text":
                    hint = False
                    warn("hint: the file is not UTF-8; if Excel saved it, try --encoding cp1252")
            output.write(line(claim))
    except InvalidRowError as error:
        warn(f"{error} (stopped: --strict)")
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
        f"unconfirmed (used an estimate or rules after the covered period): {totals.unconfirmed}",
        *(f"  {name}: {count}" for name, count in totals.unconfirmed_values),
    ]
    say("\n".join(lines), sys.stderr)


# --------------------------------------------------------------------------------------
# report


def _report(args: argparse.Namespace) -> int:
    try:
        from inami_ppl.report import write_report  # noqa: PLC0415  (pandas and matplotlib)
    except ImportError as error:
        raise UsageError(
            f"the report needs the plots extra: pip install 'inami-ppl[plots]' ({error})"
        ) from None
    name: str = args.file
    if Path(args.output).resolve() == Path(name).resolve():
        raise UsageError("-o: the report would overwrite the claims file")
    rules = _amended(default_rules(), args.rules)
    stream = _open_input(args)
    try:
        try:
            _, rows = (read_jsonl if guess_format(name) == "jsonl" else read_csv)(stream)
        except ClaimsFileError as error:
            raise UsageError(f"{name}: line 1: {error}") from None
        claims = list(assess_rows(rows, rules=rules, accept_unconfirmed=args.accept_unconfirmed))
    finally:
        _release(stream, name)
    invalid = [claim.error for claim in claims if claim.error is not None]
    for bad in invalid:
        warn(bad.message)
    try:
        write_report(claims, args.output, title=args.title, rules=rules)
    except (OSError, InamiPplError) as error:
        raise UsageError(f"cannot write {args.output}: {error}") from None
    warn(f"report written to {args.output}")
    return EXIT_INVALID_ROWS if invalid else EXIT_OK


# --------------------------------------------------------------------------------------
# rules


def _rules(args: argparse.Namespace) -> int:
    rules = _amended(default_rules(), args.rules)
    if args.rules_command == "diff":
        changes = rules.diff(_amended(rules, args.amendments))
        for change in changes:
            say(change.line())
        if not changes:
            say("no change")
        return EXIT_OK
    if args.on is None:
        raise UsageError("rules: expected --on DATE or 'diff FILE'")
    try:
        on = dt.date.fromisoformat(args.on)
    except ValueError:
        raise UsageError(f"--on: expected a date YYYY-MM-DD, got {args.on!r}") from None
    try:
        ruleset = rules.at(on, accept_unconfirmed=args.accept_unconfirmed)
    except InamiPplError as error:
        raise UsageError(f"--on: {error}") from None
    values = [value.as_dict() for value in ruleset.values()]
    if args.json:
        document = {
            "on": on.isoformat(),
            "ruleset": ruleset.id,
            "unconfirmed": ruleset.unconfirmed,
            "values": values,
        }
        say(json.dumps(document, ensure_ascii=False, indent=2))
        return EXIT_OK
    note = " (unconfirmed: after the period the rules cover)" if ruleset.unconfirmed else ""
    say(f"Rules in force on {on.isoformat()}: rule set {ruleset.id}{note}")
    say(
        "confidence: SEED founding documents, P primary, S secondary, A our assumption; "
        "estimate: a value nobody confirmed (the last known amount)\n"
    )
    width = max(len(str(v["name"])) for v in values)
    for value in values:
        shown = value["value"]
        text = ", ".join(shown) if isinstance(shown, list) else str(shown)
        until = value["end"] or "open"
        say(
            f"{value['name']:<{width}}  {text:<12}  {value['start']}..{until}  "
            f"[{value['confidence']}] {value['source']} {value['url']}"
            + (" estimate" if value["estimate"] else "")
        )
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
