"""The work per row of the command's lean path, counted rather than timed.

Timings on a shared machine move by a fifth from one run to the next; the number of Python
calls and of bytecode instructions the interpreter runs for a row does not. This script
reads a generated claims file (``generate_claims.py``, grouped by patient) the way
``inami-ppl assess`` reads a CSV file into a CSV file, judges it with the lean path
(``inami_ppl.claims.lane``) and counts, over a sample of rows taken after a warm-up:

- the Python calls per row (``cProfile``: functions written in Python and built-ins);
- the bytecode instructions per row, and the functions that run the most of them
  (``sys.settrace`` with opcode events).

A change that makes the engine do less shows here even when the clock cannot tell it from
noise; a change that moves work into C (a built-in called once instead of a loop) shows as
fewer instructions. It is a measure of work, not of time: compare two versions of the code
with it, and confirm with ``bench_targets.py``.

    python benchmarks/bench_work.py                      # 5,000 rows after 20,000 of warm-up
    python benchmarks/bench_work.py --rows 20000 --top 30
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import claims_file

from inami_ppl.analytics import TotalsCounter
from inami_ppl.claims.judge import row_reader
from inami_ppl.claims.lane import Lane
from inami_ppl.claims.rows import SplitRow, split_rows
from inami_ppl.rulesets import default_rules

SESSIONS = 200_000  # the generated file the sample is taken from
WARM_UP = 20_000  # rows judged first, so that the remembered values are those of a long file


def lean_lane(columns: tuple[str, ...]) -> Lane:
    """The lean path of ``inami-ppl assess FILE -o OUT.csv`` with its defaults."""
    reader = row_reader(default_rules(), accept_unconfirmed=False, date_format="%Y-%m-%d")
    return Lane(
        columns,
        reader,
        delimiter=",",
        out=(",", "\n", "."),
        lang="en",
        counter=TotalsCounter(),
    )


def split_file(handle: TextIO) -> tuple[tuple[str, ...], Iterator[SplitRow]]:
    """The columns and split rows of the generated claims file open in ``handle``."""
    columns = tuple(handle.readline().rstrip("\n").split(","))
    return columns, split_rows(handle, columns, ",")


def _judge(lane: Lane, rows: list[SplitRow]) -> None:
    for _ in lane.grouped(iter(rows)):
        pass


def opcodes(call: Callable[[], object]) -> collections.Counter[str]:
    """The bytecode instructions run by each function during ``call()``."""
    counts: collections.Counter[str] = collections.Counter()

    def trace(frame: FrameType, event: str, arg: Any) -> Any:  # noqa: ANN401  (settrace's own)
        frame.f_trace_opcodes = True
        if event == "opcode":
            code = frame.f_code
            counts[f"{Path(code.co_filename).name}:{code.co_name}"] += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=5_000, help="rows counted (5,000)")
    parser.add_argument("--top", type=int, default=15, help="functions listed (15)")
    args = parser.parse_args(argv)
    if not 0 < args.rows <= SESSIONS - WARM_UP:
        parser.error(f"--rows must be between 1 and {SESSIONS - WARM_UP:,}")
    with claims_file(SESSIONS, 1).open(newline="", encoding="utf-8") as handle:
        columns, rows = split_file(handle)
        warm_up = [next(rows) for _ in range(WARM_UP)]
        sample = [next(rows) for _ in range(args.rows)]
    # The warm-up rows fill the lane's memory of values; the sample starts a new run of
    # patients (each count below judges the same rows with the lane in the same state).
    lanes = [lean_lane(columns) for _ in range(2)]
    for lane in lanes:
        _judge(lane, warm_up)
    profile = cProfile.Profile()
    profile.enable()
    _judge(lanes[0], sample)
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    counts = opcodes(lambda: _judge(lanes[1], sample))
    n = len(sample)
    print(f"the lean path, {n:,} rows of claims-{SESSIONS}-seed1.csv after {WARM_UP:,}")
    print(f"  Python calls per row:          {calls / n:8.1f}")
    print(f"  bytecode instructions per row: {sum(counts.values()) / n:8.1f}")
    print(f"  the {args.top} functions that run the most instructions (per row):")
    for name, count in counts.most_common(args.top):
        print(f"    {count / n:8.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
