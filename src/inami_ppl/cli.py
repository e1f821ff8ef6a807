"""The ``inami-ppl`` command: assess claims files and show the rules in force.

``inami-ppl assess FILE`` reads a claims file (CSV or JSON lines, ``-`` for standard
input) and writes every row with its decision; ``inami-ppl report FILE -o OUT`` writes an
HTML report of charts (extra ``plots``); ``inami-ppl rules --on DATE`` lists
the rules in force on a date with their sources; ``inami-ppl --version``.

Exit codes of ``assess``: 0 when every row could be read, 1 when some rows are
malformed (each is reported on standard error with its line number), 2 for a usage
error (bad arguments, a file that cannot be opened, a CSV header without a required
column).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Final

from inami_ppl import __version__
from inami_ppl.analytics import Totals, TotalsCounter
from inami_ppl.claims import (
    Claim,
    ClaimsFileError,
    Format,
    InvalidRowError,
    assess_rows,
    claim_cells,
    guess_format,
    jsonl_line,
    open_claims,
    output_header,
    read_csv,
    read_jsonl,
)
from inami_ppl.errors import InamiPplError
from inami_ppl.messages import LANGUAGES
from inami_ppl.rulesets import ruleset_for

__all__ = ["EXIT_INVALID_ROWS", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK: Final = 0
EXIT_INVALID_ROWS: Final = 1
EXIT_USAGE: Final = 2
# The progress line is redrawn at most this often (seconds).
_PROGRESS_EVERY: Final = 0.5


def _say(text: str, stream: IO[str] | None = None) -> None:
    """Write one line (to standard output unless ``stream`` says otherwise)."""
    (stream or sys.stdout).write(text + "\n")


class _UsageError(Exception):
    """A problem with the command line or the input file as a whole (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inami-ppl",
        description="Belgium's rules for reimbursed first-line psychological care.",
    )
    parser.add_argument("--version", action="version", version=f"inami-ppl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    assess = commands.add_parser(
        "assess",
        help="assess a claims file",
        description="Assess every row of a claims file (CSV or JSON lines) and write each row "
        "with its decision. Exit codes: 0 every row read, 1 some rows malformed (reported on "
        "standard error), 2 usage error.",
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
        help="the rows of each patient stand together: stream with bounded memory",
    )
    assess.add_argument(
        "--accept-unconfirmed",
        action="store_true",
        help="apply the last rules to sessions after the period the rules cover",
    )
    assess.add_argument("--no-progress", action="store_true", help="never show the progress line")

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
        "--accept-unconfirmed",
        action="store_true",
        help="apply the last rules to sessions after the period the rules cover",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: the process's arguments); return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "assess":
            return _assess(args)
        if args.command == "report":
            return _report(args)
        return _rules(args)
    except _UsageError as error:
        _say(f"inami-ppl: error: {error}", sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``inami-ppl ... | head``): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USAGE


# --------------------------------------------------------------------------------------
# assess


def _open_input(name: str) -> io.TextIOWrapper:
    if name == "-":
        return io.TextIOWrapper(
            sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
    try:
        return open_claims(name)
    except OSError as error:
        raise _UsageError(f"cannot read {name}: {error.strerror}") from None


def _open_output(name: str | None) -> io.TextIOWrapper:
    if name is None or name == "-":
        return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        return open(name, "w", encoding="utf-8", newline="")  # noqa: PTH123  (closed by the caller)
    except OSError as error:
        raise _UsageError(f"cannot write {name}: {error.strerror}") from None


def _release(stream: io.TextIOWrapper, name: str | None) -> None:
    """Close a file; only let go of the wrapper around standard input or output."""
    if name is None or name == "-":
        if stream.writable():
            stream.flush()
        stream.detach()
    else:
        stream.close()


class _Progress:
    """A line on standard error showing the rows done, redrawn twice a second at most."""

    def __init__(self, stream: IO[str], *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.rows = 0
        self.shown = time.monotonic()

    def step(self) -> None:
        self.rows += 1
        if self.enabled and self.rows % 1024 == 0:
            now = time.monotonic()
            if now - self.shown >= _PROGRESS_EVERY:
                self.shown = now
                self.stream.write(f"\r{self.rows:,} rows assessed")
                self.stream.flush()

    def done(self) -> None:
        if self.enabled and self.rows >= 1024:
            self.stream.write(f"\r{self.rows:,} rows assessed\n")
            self.stream.flush()


def _assess(args: argparse.Namespace) -> int:
    name: str = args.file
    in_format: Format = args.input_format or ("csv" if name == "-" else guess_format(name))
    out_format: Format = args.output_format or in_format
    stream = _open_input(name)
    try:
        try:
            columns, rows = (read_jsonl if in_format == "jsonl" else read_csv)(stream)
        except ClaimsFileError as error:
            raise _UsageError(f"{name}: line 1: {error}") from None
        claims = assess_rows(
            rows,
            grouped=args.grouped,
            strict=args.strict,
            accept_unconfirmed=args.accept_unconfirmed,
        )
        out = _open_output(args.output)
        try:
            counted = _write(claims, out, columns, out_format, args)
        finally:
            _release(out, args.output)
    finally:
        _release(stream, name)
    totals, invalid = counted
    if args.summary:
        _print_summary(totals)
    return EXIT_INVALID_ROWS if invalid else EXIT_OK


def _write(
    claims: Iterator[Claim],
    out: IO[str],
    columns: Sequence[str],
    out_format: Format,
    args: argparse.Namespace,
) -> tuple[Totals, int]:
    """Write each claim as it comes; report malformed rows; return the totals."""
    counter = TotalsCounter()
    progress = _Progress(sys.stderr, enabled=not args.no_progress and sys.stderr.isatty())
    invalid = 0
    writer = csv.writer(out, lineterminator="\n")
    if out_format == "csv":
        writer.writerow(output_header(columns))
    try:
        for claim in claims:
            counter.add(claim)
            progress.step()
            if claim.error is not None:
                invalid += 1
                _say(f"inami-ppl: {claim.error.message}", sys.stderr)
            if out_format == "csv":
                writer.writerow(claim_cells(claim, columns, lang=args.lang))
            else:
                out.write(jsonl_line(claim, lang=args.lang))
    except InvalidRowError as error:
        _say(f"inami-ppl: {error} (stopped: --strict)", sys.stderr)
        invalid += 1
    progress.done()
    return counter.totals(), invalid


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
# report


def _report(args: argparse.Namespace) -> int:
    try:
        from inami_ppl.report import write_report  # noqa: PLC0415  (pandas and matplotlib)
    except ImportError as error:
        raise _UsageError(
            f"the report needs the plots extra: pip install 'inami-ppl[plots]' ({error})"
        ) from None
    name: str = args.file
    if Path(args.output).resolve() == Path(name).resolve():
        raise _UsageError("-o: the report would overwrite the claims file")
    stream = _open_input(name)
    try:
        try:
            _, rows = (read_jsonl if guess_format(name) == "jsonl" else read_csv)(stream)
        except ClaimsFileError as error:
            raise _UsageError(f"{name}: line 1: {error}") from None
        claims = list(assess_rows(rows, accept_unconfirmed=args.accept_unconfirmed))
    finally:
        _release(stream, name)
    invalid = [claim.error for claim in claims if claim.error is not None]
    for bad in invalid:
        _say(f"inami-ppl: {bad.message}", sys.stderr)
    try:
        write_report(claims, args.output, title=args.title)
    except (OSError, InamiPplError) as error:
        raise _UsageError(f"cannot write {args.output}: {error}") from None
    _say(f"inami-ppl: report written to {args.output}", sys.stderr)
    return EXIT_INVALID_ROWS if invalid else EXIT_OK


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
