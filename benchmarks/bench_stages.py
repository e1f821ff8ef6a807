"""Where the time of the lean path goes: its stages timed against a ``DictReader`` pass.

The one-process target of ``bench_targets.py`` gives the whole command 2.5 x the CPU time of
a bare ``csv.DictReader`` pass over the same file. This script shows how that budget is
spent, in one process, on a generated file grouped by patient (``generate_claims.py``):
each stage adds one step of ``inami-ppl assess --grouped FILE -o OUT.csv`` to the one
before, and is timed over the whole file (CPU time, the best of ``--rounds`` rounds taken
in turn, so that a slow spell of a shared machine falls on every stage):

1. ``DictReader``: the floor, a dictionary per row;
2. ``split``: the rows split into cells (``claims.rows.split_rows``);
3. ``read``: each row read into its patient and session from remembered values
   (``Lane.read``: a value never seen is read in full once);
4. ``judge``: each patient's rows judged in date order (``assess.verdicts_in_order``);
5. ``lines``: the whole lean path (``Lane.grouped``): each patient's rows grouped and
   judged, and every output line made (into memory).

Each stage's figure is its own CPU time per row and its ratio to the ``DictReader`` pass;
the difference between two stages is the cost of the step added. Every stage runs with the
garbage collector set as the command sets it while it judges a file
(``_collect.fewer_collections``).

    python benchmarks/bench_stages.py                    # 200,000 sessions, 3 rounds
    python benchmarks/bench_stages.py --size 20000 --rounds 5
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import claims_file, machine
from bench_work import lean_lane, split_file

from inami_ppl._collect import fewer_collections
from inami_ppl.assess import verdicts_in_order
from inami_ppl.claims.rows import SplitRow
from inami_ppl.model import Patient, SessionFacts

CPU_RATIO = 2.5  # the one-process target of bench_targets.py


def _rows(path: Path) -> tuple[tuple[str, ...], Iterator[SplitRow], io.TextIOWrapper]:
    handle = path.open(newline="", encoding="utf-8")
    return (*split_file(handle), handle)


def dict_reader(path: Path) -> int:
    """The floor: ``csv.DictReader`` over the file."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def split(path: Path) -> int:
    _, rows, handle = _rows(path)
    with handle:
        return sum(1 for _ in rows)


def read(path: Path) -> int:
    columns, rows, handle = _rows(path)
    lane = lean_lane(columns)
    count = 0
    with handle:
        for position, row in enumerate(rows):
            lane.read(position, row)
            count += 1
    return count


def judge(path: Path) -> int:
    columns, rows, handle = _rows(path)
    lane = lean_lane(columns)
    rules = lane.reader.rules
    judged = 0

    def judged_run(run: list[tuple[Patient, SessionFacts]]) -> int:
        return sum(1 for _ in verdicts_in_order(run, rules, accept_unconfirmed=False))

    with handle:
        run: list[tuple[Patient, SessionFacts]] = []
        current = None
        for position, row in enumerate(rows):
            # Every row of a generated file is well formed: it has a patient and a session.
            item: Any = lane.read(position, row)
            if item.patient_id != current:
                judged += judged_run(run)
                run, current = [], item.patient_id
            run.append((item.patient, item.session))
        judged += judged_run(run)
    return judged


def lines(path: Path) -> int:
    columns, rows, handle = _rows(path)
    lane = lean_lane(columns)
    out = io.StringIO()
    with handle:
        written = 0
        for text, _ in lane.grouped(rows):
            out.write(text)
            written += 1
    return written


STAGES: dict[str, Callable[[Path], int]] = {
    "DictReader": dict_reader,
    "split": split,
    "read": read,
    "judge": judge,
    "lines": lines,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=200_000, help="sessions (200,000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, best kept (3)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.size < 1:
        parser.error("--size and --rounds must be at least 1")
    path = claims_file(args.size, 1)
    print(machine())
    print(f"{path.name}, one process, CPU time, best of {args.rounds} rounds taken in turn\n")
    best = dict.fromkeys(STAGES, float("inf"))
    rows = 0
    for _ in range(args.rounds):
        for name, stage in STAGES.items():
            with fewer_collections():  # as the command judges a file
                start = time.process_time()
                rows = stage(path)
                best[name] = min(best[name], time.process_time() - start)
    floor = best["DictReader"]
    print(f"  {'stage':<12} {'s':>7} {'us/row':>8} {'x DictReader':>13} {'step added':>11}")
    before = 0.0
    for name, seconds in best.items():
        step = "" if name == "DictReader" else f"{(seconds - before) / floor:+10.2f}x"
        print(
            f"  {name:<12} {seconds:7.2f} {seconds / rows * 1e6:8.2f}"
            f" {seconds / floor:12.2f}x {step:>11}"
        )
        before = seconds if name != "DictReader" else 0.0
    print(f"\nthe target: the whole command at most {CPU_RATIO} x (bench_targets.py)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
