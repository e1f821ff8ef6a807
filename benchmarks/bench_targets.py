"""Each target of the claims engine, its measured figure, and PASS or MISS, in one run.

Every measurement is a fresh process (``inami-ppl`` as a user runs it, or a benchmark
script), measured alone with ``os.wait4``: CPU seconds (user + system), wall-clock
seconds and peak memory (``ru_maxrss``). On the synthetic national year of
``generate_claims.py`` (grouped by patient) and a shuffled copy:

- the whole command in one process, ``inami-ppl assess --grouped --jobs 1 FILE -o OUT``
  (start, read, check, judge, write), at most 2.5 x the CPU time of a bare
  ``csv.DictReader`` pass over the same file (a process that does only that), at each
  size; the command's default (one process per core) is printed beside it, as a figure;
- ``--jobs 2`` at least 1.7 x faster than ``--jobs 1`` in wall-clock time, at the
  largest size (when the command has ``--jobs``);
- the command at least 10 x faster (CPU) than the engine that re-scans the patient's
  accepted history for every session (``bench_claims.py``'s ``naive``), at the largest
  size up to ``--naive-max``;
- peak memory under 500 MB at the largest size, grouped and shuffled (spilled);
- ``bench_growth.py`` (time per session flat in the history): its PASS and MISS lines.

The machine may be shared: each timed command runs ``--repeat`` times (3 unless told),
the runs of one repetition one after the other, and each figure is the best of its runs
(the least disturbed), except the two ratios of runs of the command: the one-process CPU
ratio and the ``--jobs 2`` speed-up. The verdict of each is the median of the ratios of the
runs of each repetition (taken side by side, in the same spell of the machine), with their
range; the ratio of the best runs is printed below it.

    python benchmarks/bench_targets.py             # 200,000 and 2,000,000 sessions
    python benchmarks/bench_targets.py --quick     # 200,000 only
    python benchmarks/bench_targets.py --sizes 100000 500000
    python benchmarks/bench_targets.py --quick --repeat 1
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import COMMAND, HERE, OUT, Child, claims_file, machine, run

CPU_RATIO = 2.5  # the command's CPU time <= 2.5 x the DictReader pass
JOBS_SPEEDUP = 1.7  # --jobs 2 at least 1.7 x faster (wall) than --jobs 1
NAIVE_SPEEDUP = 10.0  # at least 10 x faster (CPU) than re-scanning the history
MEMORY_MB = 500.0  # peak memory at the largest size, grouped and shuffled
VERDICT = {True: "PASS", False: "MISS"}


def _line(target: str, measured: str, met: bool | None, *, figure: bool = False) -> None:
    """One target's line; ``figure``: a measured figure shown beside a target, not one."""
    verdict = "" if figure else "n/a" if met is None else VERDICT[met]
    print(f"  {target:<62} {measured:<34} {verdict}".rstrip(), flush=True)


def _best(children: list[Child]) -> Child:
    """The least disturbed of several runs: the least CPU and wall time, the largest peak."""
    return Child(
        wall=min(child.wall for child in children),
        cpu=min(child.cpu for child in children),
        peak_mb=max(child.peak_mb for child in children),
        code=children[0].code,
    )


def _paired(runs: dict[str, list[Child]]) -> list[float]:
    """The command's CPU over the floor's, for each repetition (the two runs side by side)."""
    return [one.cpu / floor.cpu for one, floor in zip(runs["one"], runs["floor"], strict=True)]


def _assess(path: Path, *options: str) -> Child:
    """The command on ``path``, its output written to a file (removed after)."""
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        out = Path(folder) / "out.csv"
        child = run([COMMAND, "assess", path, "-o", out, "--no-progress", *options])
    if child.code not in (0, 1):
        raise SystemExit(f"inami-ppl assess {path.name} {' '.join(options)}: exit {child.code}")
    return child


def _script(name: str, kind: str, path: Path) -> Child:
    """``benchmarks/NAME --measure KIND FILE`` (see ``bench_claims.py``)."""
    child = run([sys.executable, HERE / name, "--measure", kind, path])
    if child.code != 0:
        raise SystemExit(f"{name} --measure {kind}: exit {child.code}")
    return child


def _has_jobs() -> bool:
    done = subprocess.run(  # noqa: S603  (our own command)
        [COMMAND, "assess", "--help"], capture_output=True, text=True, check=True
    )
    return "--jobs" in done.stdout


def _growth(quick: bool) -> None:
    script = HERE / "bench_growth.py"
    if not script.exists():
        _line("time per session flat in the history (bench_growth.py)", "n/a: no script", None)
        return
    done = subprocess.run(  # noqa: S603  (a benchmark script)
        [sys.executable, script, "--help"], capture_output=True, text=True, check=False
    )
    options = ["--quick"] if quick and "--quick" in done.stdout else []
    done = subprocess.run(  # noqa: S603  (a benchmark script)
        [sys.executable, script, *options], capture_output=True, text=True, check=False
    )
    relayed = [line for line in done.stdout.splitlines() if "PASS" in line or "MISS" in line]
    for line in relayed:
        print(f"  bench_growth.py: {line.strip()}")
    if done.returncode != 0 or not relayed:
        print(f"  bench_growth.py: exit {done.returncode}, {len(relayed)} PASS/MISS lines")


def _command(
    path: Path, size: int, repeat: int, *, jobs: bool, two: bool
) -> tuple[Child, list[tuple[Child, Child]]]:
    """The one-process CPU target at one size; the runs of ``--jobs 1`` and 2 (if ``two``).

    The second value pairs each repetition's ``--jobs 1`` run with its ``--jobs 2`` run.
    """
    # The runs of one repetition follow each other, so that a slow spell of the
    # machine falls on all of them; each figure is the best of its runs.
    runs: dict[str, list[Child]] = {"floor": [], "one": [], "default": [], "two": []}
    for _ in range(repeat):
        runs["floor"].append(_script("bench_claims.py", "floor", path))
        runs["one"].append(_assess(path, "--grouped", *(["--jobs", "1"] if jobs else [])))
        if jobs:
            runs["default"].append(_assess(path, "--grouped"))
            if two:
                runs["two"].append(_assess(path, "--grouped", "--jobs", "2"))
    floor, one = _best(runs["floor"]), _best(runs["one"])
    # The verdict takes the median of the ratios of runs taken side by side: the best run
    # of each may come from two different spells of a shared machine. Both are shown.
    pairs = _paired(runs)
    ratio = statistics.median(pairs)
    shown = (
        f"{ratio:.2f} x"
        if len(pairs) == 1
        else (f"{ratio:.2f} x (median of {len(pairs)} pairs, {min(pairs):.2f}-{max(pairs):.2f})")
    )
    _line(
        f"command CPU <= {CPU_RATIO} x DictReader pass, {size:,} grouped, one process",
        shown,
        ratio <= CPU_RATIO,
    )
    _line(
        "  (the best runs of each)",
        f"{one.cpu / floor.cpu:.2f} x ({one.cpu:.1f} s / {floor.cpu:.2f} s)",
        None,
        figure=True,
    )
    if jobs:
        default = _best(runs["default"])
        _line(
            f"  (the default, a process per core: CPU of all of them, {size:,})",
            f"{default.cpu / floor.cpu:.2f} x ({default.cpu:.1f} s / {floor.cpu:.2f} s)",
            None,
            figure=True,
        )
    return one, list(zip(runs["one"], runs["two"], strict=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 2_000_000])
    parser.add_argument("--quick", action="store_true", help="200,000 sessions only")
    parser.add_argument("--naive-max", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each timed command, best kept (3)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = sorted([200_000] if args.quick else args.sizes)
    largest = sizes[-1]
    print(machine())
    print(
        "each figure: the best of --repeat runs (the one-process ratio and --jobs 2: the"
        " median of their pairs), each a fresh process measured alone (os.wait4);"
        " CPU = user + system;"
        f" {args.repeat} runs\n"
    )
    start = _assess(claims_file(0, args.seed), "--grouped")
    print(f"start-up of the command (a file without rows): {start.cpu:.2f} s CPU\n")
    print("targets:")
    jobs = _has_jobs()
    command: dict[int, Child] = {}
    both: list[tuple[Child, Child]] = []
    for size in sizes:
        command[size], found = _command(
            claims_file(size, args.seed), size, args.repeat, jobs=jobs, two=size == largest
        )
        both = found or both
    if both:
        # As for the one-process ratio, the verdict is the median of the repetitions' ratios
        # (the runs of one repetition side by side); the best runs of each are shown below.
        speedups = [one.wall / two.wall for one, two in both]
        speedup = statistics.median(speedups)
        shown = f"{speedup:.2f} x"
        if len(speedups) > 1:
            shown += f" (median of {len(speedups)}, {min(speedups):.2f}-{max(speedups):.2f})"
        _line(
            f"--jobs 2 >= {JOBS_SPEEDUP} x faster than --jobs 1 (wall), {largest:,}",
            shown,
            speedup >= JOBS_SPEEDUP,
        )
        one, two = _best([one for one, _ in both]), _best([two for _, two in both])
        _line(
            "  (the best runs of each)",
            f"{one.wall / two.wall:.2f} x ({one.wall:.1f} s / {two.wall:.1f} s)",
            None,
            figure=True,
        )
    else:
        _line(f"--jobs 2 >= {JOBS_SPEEDUP} x faster than --jobs 1 (wall)", "n/a: no --jobs", None)
    naive_size = max((size for size in sizes if size <= args.naive_max), default=None)
    if naive_size is None:
        _line(
            f"{NAIVE_SPEEDUP:.0f} x faster than re-scanning the history", "n/a: --naive-max", None
        )
    else:
        naive = _script("bench_claims.py", "naive", claims_file(naive_size, args.seed))
        speedup = naive.cpu / command[naive_size].cpu
        _line(
            f">= {NAIVE_SPEEDUP:.0f} x faster (CPU) than re-scanning the history, {naive_size:,}",
            f"{speedup:.2f} x ({naive.cpu:.1f} s / {command[naive_size].cpu:.1f} s)",
            speedup >= NAIVE_SPEEDUP,
        )
    shuffled = _assess(claims_file(largest, args.seed, shuffle=True))
    for order, child in (("grouped (--grouped)", command[largest]), ("shuffled", shuffled)):
        _line(
            f"peak memory < {MEMORY_MB:.0f} MB, {largest:,} {order}",
            f"{child.peak_mb:.0f} MB ({child.wall:.1f} s wall)",
            child.peak_mb < MEMORY_MB,
        )
    _growth(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
