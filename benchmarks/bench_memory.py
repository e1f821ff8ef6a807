"""Peak memory of claims files at a national size: grouped, in any order, and as a frame.

Each measurement runs in a fresh process, so that its peak memory (``ru_maxrss``) is its
own. On the synthetic national year of ``generate_claims.py`` (grouped by patient), and a
copy of it with the rows shuffled (the order an export by date or by provider gives):

- ``grouped``: ``inami-ppl assess --grouped FILE -o /dev/null``, the grouped file;
- ``ungrouped``: ``inami-ppl assess FILE -o /dev/null`` on the shuffled file (rows spilled
  to temporary files sorted by patient);
- ``frame read``: ``pandas.read_csv`` of the file alone (text columns), the floor of the next;
- ``assess_frame``: ``read_csv`` then ``assess_frame`` on it.

    python benchmarks/bench_memory.py                 # 2,000,000 sessions (about 10 minutes)
    python benchmarks/bench_memory.py --size 100000   # a quick run
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import claims_file, machine, measure, report

# Targets (MB of peak memory at 2M sessions).
TARGETS = {"grouped": 500.0, "ungrouped": 500.0, "assess_frame": 1500.0}


def _command(path: Path, *, grouped: bool) -> int:
    from inami_ppl.cli import main  # noqa: PLC0415

    args = ["assess", str(path), "-o", os.devnull, "--no-progress"]
    return main([*args, "--grouped"] if grouped else args)


def _frame(path: Path, *, assess: bool) -> int:
    import pandas as pd  # noqa: PLC0415

    from inami_ppl.frames import assess_frame  # noqa: PLC0415

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if assess:
        frame = assess_frame(frame)
    return len(frame)


MEASURES = {
    "grouped": lambda path: _command(path, grouped=True),
    "ungrouped": lambda path: _command(path, grouped=False),
    "frame read": lambda path: _frame(path, assess=False),
    "assess_frame": lambda path: _frame(path, assess=True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Peak memory of claims files.")
    parser.add_argument("--size", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        report(MEASURES[args.measure[0]], Path(args.measure[1]))
        return 0
    grouped = claims_file(args.size, args.seed)
    shuffled = claims_file(args.size, args.seed, shuffle=True)
    print(machine())
    print(f"{args.size:,} sessions; one fresh process per measurement\n")
    print(f"{'measure':>14}  {'input':>9}  {'seconds':>8}  {'peak MB':>8}  {'target MB':>9}  ratio")
    for kind, path in (
        ("grouped", grouped),
        ("ungrouped", shuffled),
        ("frame read", shuffled),
        ("assess_frame", shuffled),
    ):
        figures = measure(__file__, kind, path)
        target = TARGETS.get(kind)
        shown = f"{target:9.0f}  {figures['peak_mb'] / target:5.2f}" if target else f"{'-':>9}  -"
        order = "grouped" if path == grouped else "shuffled"
        print(
            f"{kind:>14}  {order:>9}  {figures['seconds']:8.1f}  "
            f"{figures['peak_mb']:8.0f}  {shown}",
            flush=True,
        )
    print("\nratio: peak memory / target (at most 1.00 meets the target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
