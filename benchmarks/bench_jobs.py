"""How much faster ``inami-ppl assess --grouped --jobs 2`` is than ``--jobs 1``.

On a synthetic national year grouped by patient (``generate_claims.py``; 200,000 sessions
unless ``--size`` says otherwise), runs the command as a user does, once with ``--jobs 1``
and once with ``--jobs 2``, each writing to a file (``-o``), and prints the wall times,
the processor time of the command and its processes, the load of the machine before
and after, and the ratio against the target: on 2 cores, ``--jobs 2`` at least 1.7 times
faster in wall time than ``--jobs 1``. The two outputs must be byte for byte the same.

    python benchmarks/bench_jobs.py
    python benchmarks/bench_jobs.py --size 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from generate_claims import write  # noqa: E402  (a sibling script, found through sys.path)

TARGET_SPEEDUP = 1.7  # --jobs 2 on 2 cores against --jobs 1, wall time
COMMAND = Path(sys.executable).with_name("inami-ppl")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(path: Path, jobs: int, out: Path) -> tuple[float, float]:
    """Wall and processor seconds of one run of the command."""
    command = [str(COMMAND), "assess", str(path), "--grouped", "--jobs", str(jobs)]
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([*command, "-o", str(out)], capture_output=True, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"--jobs {jobs} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return wall, _children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200_000, help="sessions in the file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"claims-{args.size}.csv"
    if not path.exists():
        write(path, args.size, args.seed)
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB; {cores} cores; load {load:.2f}")
    best: dict[int, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for jobs in (1, 2):
            wall, cpu = _run(path, jobs, OUT / f"jobs-{jobs}.csv")
            print(f"--jobs {jobs}: {wall:7.2f} s wall, {cpu:7.2f} s processor")
            if jobs not in best or wall < best[jobs][0]:
                best[jobs] = (wall, cpu)
    same = filecmp.cmp(OUT / "jobs-1.csv", OUT / "jobs-2.csv", shallow=False)
    speedup = best[1][0] / best[2][0]
    verdict = "PASS" if speedup >= TARGET_SPEEDUP and same else "MISS"
    print(f"load after: {os.getloadavg()[0]:.2f} (1-minute average; other work slows both runs)")
    print(f"outputs byte for byte the same: {'yes' if same else 'NO'}")
    print(
        f"--jobs 2 against --jobs 1: {speedup:.2f}x faster in wall time "
        f"(target >= {TARGET_SPEEDUP}x on 2 cores): {verdict}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
