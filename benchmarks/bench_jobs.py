"""How much faster ``inami-ppl assess --grouped --jobs 2`` is than ``--jobs 1``.

On a synthetic national year grouped by patient (``generate_claims.py``; 200,000 sessions
unless ``--size`` says otherwise), runs the command as a user does, once with ``--jobs 1``
and once with ``--jobs 2``, each writing to a file (``-o``), and prints the wall times,
the processor time of the command and its processes, the load of the machine before
and after, and the ratio against the target: on 2 cores, ``--jobs 2`` at least 1.7 times
faster in wall time than ``--jobs 1``, as the median of the ratios of each repetition's two
runs (taken one after the other); the ratio of the best runs is printed beside it. The two
outputs must be byte for byte the same.

With ``--twins``, each repetition also runs two ``--jobs 1`` commands at once, on the same
file: what the machine gives two processes that share nothing but the machine. Two at once
in the wall time of one would be 2 x; the figure printed (twice the wall time of one run
alone over the wall time of the two, in each repetition, and their median) is the most any
split of the work in two processes can gain here, before the cost of cutting the file,
starting a process and joining the outputs.

    python benchmarks/bench_jobs.py
    python benchmarks/bench_jobs.py --size 1000000 --repeat 3
    python benchmarks/bench_jobs.py --repeat 3 --twins
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
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


def _command(path: Path, jobs: int, out: Path) -> list[str]:
    """The command as a user runs it, with ``--jobs jobs``, writing to ``out``."""
    return [str(COMMAND), "assess", str(path), "--grouped", "--jobs", str(jobs), "-o", str(out)]


def _run(path: Path, jobs: int, out: Path) -> tuple[float, float]:
    """Wall and processor seconds of one run of the command."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(_command(path, jobs, out), capture_output=True, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"--jobs {jobs} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return wall, _children_cpu() - cpu


def _twins(path: Path) -> tuple[float, float]:
    """Wall seconds of two ``--jobs 1`` runs started together, and the most CPU of either."""
    start = time.perf_counter()
    processes = [
        subprocess.Popen(  # noqa: S603  (the command, twice)
            _command(path, 1, OUT / f"twin-{i}.csv"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in (1, 2)
    ]
    cpu = 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            sys.exit(f"a twin run failed ({process.returncode})")
        cpu = max(cpu, usage.ru_utime + usage.ru_stime)
    return time.perf_counter() - start, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200_000, help="sessions in the file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument(
        "--twins",
        action="store_true",
        help="also two --jobs 1 at once (what the machine gives)",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"claims-{args.size}.csv"
    if not path.exists():
        write(path, args.size, args.seed)
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB; {cores} cores; load {load:.2f}")
    best: dict[int, tuple[float, float]] = {}
    alone = 0.0
    twins: list[float] = []  # each repetition's 2 x (one run alone) / (two at once), wall
    pairs: list[float] = []  # each repetition's --jobs 1 wall time / --jobs 2 wall time
    for _ in range(args.repeat):
        for jobs in (1, 2):
            wall, cpu = _run(path, jobs, OUT / f"jobs-{jobs}.csv")
            alone = wall if jobs == 1 else alone
            if jobs == 2:
                pairs.append(alone / wall)
            print(f"--jobs {jobs}: {wall:7.2f} s wall, {cpu:7.2f} s processor")
            if jobs not in best or wall < best[jobs][0]:
                best[jobs] = (wall, cpu)
        if args.twins:
            wall, cpu = _twins(path)
            print(f"two --jobs 1 at once: {wall:7.2f} s wall, {cpu:7.2f} s processor (the larger)")
            twins.append(2 * alone / wall)
    same = filecmp.cmp(OUT / "jobs-1.csv", OUT / "jobs-2.csv", shallow=False)
    # The verdict: the median of the repetitions' ratios (the two runs of one repetition
    # fall in the same spell of a shared machine; the best run of each may not).
    speedup = statistics.median(pairs)
    verdict = "PASS" if speedup >= TARGET_SPEEDUP and same else "MISS"
    print(f"load after: {os.getloadavg()[0]:.2f} (1-minute average; other work slows both runs)")
    print(f"outputs byte for byte the same: {'yes' if same else 'NO'}")
    print(
        f"--jobs 2 against --jobs 1: {speedup:.2f}x faster in wall time (median of"
        f" {len(pairs)} pairs, {min(pairs):.2f}-{max(pairs):.2f}; the best runs:"
        f" {best[1][0] / best[2][0]:.2f}x) (target >= {TARGET_SPEEDUP}x on 2 cores): {verdict}"
    )
    if twins:
        print(
            f"two --jobs 1 at once against one: {statistics.median(twins):.2f}x the work in the"
            f" same wall time (median of {len(twins)}, {min(twins):.2f}-{max(twins):.2f};"
            " the most a split in two can gain here)"
        )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
