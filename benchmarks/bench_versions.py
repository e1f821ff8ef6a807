"""The one-process command of two versions of the package, timed in turns on one file.

On a shared machine the CPU time of one command moves by a third from run to run, in
spells: two versions timed in separate runs differ by that noise as much as by their code.
This script takes the package's source at a git revision (``--against``, by default the
last commit) and runs ``python -m inami_ppl assess --grouped --jobs 1 FILE -o OUT`` with it
and with the working tree's source in turns, ``--runs`` times each, the order swapped
from one pair to the next. Each run is a fresh process measured alone (CPU seconds, user
and system, with ``os.wait4``). It prints each pair, the median of the paired ratios (the
working tree's CPU time over the other's: below 1.00, the working tree is faster) with
their range, and whether the two versions wrote the same bytes.

    python benchmarks/bench_versions.py --against 1f45463       # 200,000 sessions, 8 pairs
    python benchmarks/bench_versions.py --against main~10 --size 20000 --runs 5
"""

from __future__ import annotations

import argparse
import filecmp
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import claims_file, machine, run

ROOT = Path(__file__).resolve().parent.parent


def _source(revision: str, into: Path) -> Path:
    """The package's source at ``revision``, written under ``into``; its ``src`` folder."""
    archive = subprocess.run(  # noqa: S603  (git, with a revision the user named)
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _cpu(source: Path, path: Path, out: Path) -> float:
    """CPU seconds of the one-process command with the package taken from ``source``."""
    argv = [sys.executable, "-m", "inami_ppl", "assess", "--grouped", "--jobs", "1"]
    argv += ["--no-progress", str(path), "-o", str(out)]
    child = run(argv, env=dict(os.environ, PYTHONPATH=str(source)))
    if child.code not in (0, 1):
        raise SystemExit(f"the command with {source} ended with exit {child.code}")
    return child.cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", default="HEAD", help="git revision to compare with (HEAD)")
    parser.add_argument("--size", type=int, default=200_000, help="sessions (200,000)")
    parser.add_argument("--runs", type=int, default=8, help="runs of each version (8)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated file (1)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    path = claims_file(args.size, args.seed)
    print(machine())
    print(f"{path.name}: the working tree against {args.against}, {args.runs} pairs in turns\n")
    with tempfile.TemporaryDirectory() as folder:
        versions = {"other": _source(args.against, Path(folder) / "other"), "this": ROOT / "src"}
        outs = {name: Path(folder) / f"{name}.csv" for name in versions}
        ratios = []
        print(f"  {'pair':>4}  {args.against[:12]:>12}  {'working tree':>12}  ratio")
        for i in range(args.runs):
            order = ("other", "this") if i % 2 == 0 else ("this", "other")
            cpu = {name: _cpu(versions[name], path, outs[name]) for name in order}
            ratios.append(cpu["this"] / cpu["other"])
            print(f"  {i + 1:>4}  {cpu['other']:>11.2f}s  {cpu['this']:>11.2f}s  {ratios[-1]:.2f}")
        same = filecmp.cmp(outs["other"], outs["this"], shallow=False)
    print(
        f"\nworking tree / {args.against}: median {statistics.median(ratios):.2f}"
        f" (from {min(ratios):.2f} to {max(ratios):.2f});"
        f" output: {'the same bytes' if same else 'DIFFERENT'}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
