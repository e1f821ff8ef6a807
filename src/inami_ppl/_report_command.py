"""The ``report`` subcommand: an HTML page of charts of a claims file (extra ``plots``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from inami_ppl._rules_command import amended, rules_option
from inami_ppl._streams import EXIT_INVALID_ROWS, EXIT_OK, UsageError, open_input, release, warn
from inami_ppl.claims import ClaimsFileError, assess_rows, guess_format, read_csv, read_jsonl
from inami_ppl.errors import InamiPplError
from inami_ppl.rulesets import default_rules

__all__ = ["report", "report_options"]


def report_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    rules_option(report)


def report(args: argparse.Namespace) -> int:
    try:
        from inami_ppl.report import write_report  # noqa: PLC0415  (pandas and matplotlib)
    except ImportError as error:
        raise UsageError(
            f"the report needs the plots extra: pip install 'inami-ppl[plots]' ({error})"
        ) from None
    name: str = args.file
    if Path(args.output).resolve() == Path(name).resolve():
        raise UsageError("-o: the report would overwrite the claims file")
    rules = amended(default_rules(), args.rules)
    stream = open_input(args)
    try:
        try:
            _, rows = (read_jsonl if guess_format(name) == "jsonl" else read_csv)(stream)
        except ClaimsFileError as error:
            raise UsageError(f"{name}: line 1: {error}") from None
        claims = list(assess_rows(rows, rules=rules, accept_unconfirmed=args.accept_unconfirmed))
    finally:
        release(stream, name)
    invalid = [claim.error for claim in claims if claim.error is not None]
    for bad in invalid:
        warn(bad.message)
    try:
        write_report(claims, args.output, title=args.title, rules=rules)
    except (OSError, InamiPplError) as error:
        raise UsageError(f"cannot write {args.output}: {error}") from None
    warn(f"report written to {args.output}")
    return EXIT_INVALID_ROWS if invalid else EXIT_OK
