"""The one-process target counted in machine instructions, which the machine's noise cannot move.

``bench_targets.py`` times the command against a bare ``csv.DictReader`` pass; on a shared
machine the ratio of two timings moves by a third from one run to the next. This script
runs the same two processes under valgrind's callgrind, which counts the instructions the
processor runs for them (the same count every run, whatever else the machine does), and
prints their ratio beside the target:

- ``floor``: a process that only reads the file with ``csv.DictReader``
  (``bench_claims.py --measure floor``, the floor of ``bench_targets.py``);
- ``start``: the command on a file without rows (the interpreter, the package and the rules
  loaded, the output written), a share of every run of the command;
- ``command``: ``inami-ppl assess --grouped --jobs 1 FILE -o OUT``, as ``bench_targets.py``
  runs it.

An instruction is not a unit of time: a run that waits on memory more than another takes
longer for the same count. The ratio is a measure of work, to be read with the timed one.
Under callgrind a process runs about 50 times slower: 200,000 sessions take some ten
minutes (``--size 20000``: one). It needs valgrind (Debian's package ``valgrind``).

    python benchmarks/bench_instructions.py                  # 200,000 sessions
    python benchmarks/bench_instructions.py --size 20000
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import COMMAND, HERE, claims_file, machine
from bench_targets import CPU_RATIO

_VALGRIND = shutil.which("valgrind") or "valgrind"
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(command: Sequence[str], folder: Path) -> int:
    """The instructions ``command`` runs, counted by callgrind (its own output discarded)."""
    done = subprocess.run(  # noqa: S603  (valgrind, then a command of this benchmark)
        [
            _VALGRIND,
            "--tool=callgrind",
            f"--callgrind-out-file={folder / 'callgrind.out'}",
            *command,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = _COLLECTED.search(done.stderr)
    if found is None:
        msg = f"callgrind printed no count for {command[0]}"
        raise RuntimeError(msg)
    return int(found.group(1))


def _command(path: Path, folder: Path) -> list[str]:
    """The one-process command of the target on ``path``."""
    out = str(folder / "out.csv")
    return [str(COMMAND), "assess", "--grouped", "--jobs", "1", str(path), "-o", out]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=200_000, help="sessions (200,000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be at least 1")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    path = claims_file(args.size, args.seed)
    print(machine())
    print(f"{path.name}, one process each, instructions counted by callgrind\n")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        counts = {
            "floor": instructions(
                [sys.executable, str(HERE / "bench_claims.py"), "--measure", "floor", str(path)],
                folder,
            ),
            "start": instructions(_command(claims_file(0, args.seed), folder), folder),
            "command": instructions(_command(path, folder), folder),
        }
    floor = counts["floor"]
    for name, count in counts.items():
        print(
            f"  {name:<8} {count / 1e9:8.2f} G instructions"
            f" {count / args.size:10,.0f} a session {count / floor:7.2f} x floor"
        )
    ratio = counts["command"] / floor
    verdict = "PASS" if ratio <= CPU_RATIO else "MISS"
    print(
        f"\ncommand <= {CPU_RATIO} x DictReader pass, in instructions,"
        f" {args.size:,} grouped: {ratio:.2f} x {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
