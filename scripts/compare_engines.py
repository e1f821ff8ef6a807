"""Compare ``inami-ppl assess`` with the reference engine on a national year, byte for byte.

Generates a synthetic national year (``benchmarks/generate_claims.py``), runs the command
on it (the library, in a fresh process, as a user does) and computes what it should write
with the straightforward claims path judged by the frozen reference engine
(``tests/reference/claims.py``), then compares the two output files and the two streams
of messages line by line. It prints the number of rows, both times and the verdict, and
exits with 1 on any difference (naming the first differing line numbers, never a cell:
the rows hold patient ids and birth dates).

    python scripts/compare_engines.py                            # 2,000,000 sessions, grouped
    python scripts/compare_engines.py --sessions 200000 --shuffle --fuzz 0.001
    python scripts/compare_engines.py --sessions 200000 --lang nl --excel --summary

Both sides stream: the files are compared as they are read, never held in memory.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

from _common import COMMAND, run  # noqa: E402  (found through sys.path)
from generate_claims import write  # noqa: E402

from reference.claims import reference_run  # noqa: E402

# How many differing line numbers are shown.
SHOWN = 5


def _differences(ours: Path, theirs: Path) -> tuple[int, int, int, list[int]]:
    """Lines in each file, how many differ, and the first differing line numbers (from 1)."""
    count = 0
    first: list[int] = []
    lines = [0, 0]
    with ours.open("rb") as left, theirs.open("rb") as right:
        for number, (a, b) in enumerate(itertools.zip_longest(left, right), start=1):
            lines[0] += a is not None
            lines[1] += b is not None
            if a != b:
                count += 1
                if len(first) < SHOWN:
                    first.append(number)
    return lines[0], lines[1], count, first


def _same(what: str, ours: Path, theirs: Path) -> bool:
    our_lines, their_lines, count, first = _differences(ours, theirs)
    if not count:
        print(f"  {what}: the same {our_lines:,} lines")
        return True
    shown = ", ".join(f"{number:,}" for number in first)
    print(
        f"  {what}: {count:,} lines differ (first: {shown}); "
        f"{our_lines:,} lines from the command, {their_lines:,} from the reference"
    )
    return False


def _options(args: argparse.Namespace) -> Iterator[str]:
    """The command's options for ``args``."""
    if args.grouped:
        yield "--grouped"
    yield from ("--lang", args.lang)
    if args.excel:
        yield "--excel"
    if args.summary:
        yield "--summary"
    for name in args.rules:
        yield from ("--rules", name)


def compare(args: argparse.Namespace, folder: Path) -> bool:
    """Generate, run both, compare; print as it goes; whether everything is the same."""
    source = folder / "claims.csv"
    start = time.perf_counter()
    write(source, args.sessions, args.seed, shuffle=args.shuffle, fuzz=args.fuzz)
    order = "shuffled" if args.shuffle else "grouped by patient"
    print(
        f"{args.sessions:,} sessions ({order}, seed {args.seed}, {args.fuzz:.2%} spoilt), "
        f"written in {time.perf_counter() - start:.1f} s"
    )
    options = list(_options(args))
    print(f"options: {' '.join(options)}")
    ours, our_errors = folder / "command.out", folder / "command.err"
    with our_errors.open("wb") as errors:
        argv: list[str | os.PathLike[str]] = [
            COMMAND,
            "assess",
            source,
            "-o",
            ours,
            "--no-progress",
            *options,
        ]
        child = run(argv, stderr=errors)
    print(f"  command:   {child.wall:8.1f} s wall {child.cpu:8.1f} s CPU  exit {child.code}")
    theirs, their_errors = folder / "reference.out", folder / "reference.err"
    wall, cpu = time.perf_counter(), time.process_time()
    with (
        theirs.open("wb") as output,
        their_errors.open("w", encoding="utf-8", errors="backslashreplace") as errors,
    ):
        code = reference_run(
            source,
            output,
            errors,
            grouped=args.grouped,
            lang=args.lang,
            excel=args.excel,
            summary=args.summary,
            rules=args.rules,
        )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  reference: {wall:8.1f} s wall {cpu:8.1f} s CPU  exit {code}")
    same = child.code == code
    if not same:
        print(f"  exit codes differ: {child.code} from the command, {code} from the reference")
    same &= _same("output", ours, theirs)
    return _same("standard error", our_errors, their_errors) and same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shuffle", action="store_true", help="the rows in a random order")
    parser.add_argument(
        "--fuzz", type=float, default=0.0, metavar="RATE", help="spoil this share of the rows"
    )
    parser.add_argument(
        "--grouped",
        action=argparse.BooleanOptionalAction,
        help="run with --grouped (default: unless --shuffle)",
    )
    parser.add_argument("--lang", default="en", choices=("en", "fr", "nl", "de"))
    parser.add_argument("--excel", action="store_true")
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--rules", action="append", default=[], metavar="FILE")
    parser.add_argument(
        "--workdir", type=Path, help="keep the files here (default: a temporary folder)"
    )
    args = parser.parse_args(argv)
    if args.grouped is None:
        args.grouped = not args.shuffle
    if not COMMAND.exists():
        raise SystemExit(f"{COMMAND}: not found (install the package in this environment)")
    version = subprocess.run(  # noqa: S603  (our own command)
        [COMMAND, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"{version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        same = compare(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory() as folder:
            same = compare(args, Path(folder))
    print("verdict: the same bytes" if same else "verdict: DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
