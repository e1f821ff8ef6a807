"""The ``rules`` subcommand and the ``--rules`` option that amends the rules for a run."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from inami_ppl._streams import EXIT_OK, UsageError, say
from inami_ppl.errors import InamiPplError
from inami_ppl.rulesets import Rules, default_rules

__all__ = ["amended", "rules", "rules_option", "rules_options"]


def rules_options(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    rules_option(rules)
    diff = rules.add_subparsers(dest="rules_command", metavar="diff").add_parser(
        "diff",
        help="list what amendment files change",
        description="List, value by value with their periods, the rows that amendment files "
        "remove (-) and add (+), applied in order to the bundled rules (and to any --rules "
        "given before 'diff').",
    )
    diff.add_argument("amendments", nargs="+", metavar="FILE", help="an amendment file (TOML)")


def rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE",
        help="amend the bundled rules with this file (TOML, the tables' format); repeatable, "
        "applied in order",
    )


def amended(rules: Rules, files: Sequence[str]) -> Rules:
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


def rules(args: argparse.Namespace) -> int:
    rules = amended(default_rules(), args.rules)
    if args.rules_command == "diff":
        changes = rules.diff(amended(rules, args.amendments))
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
