"""Spark on one machine against the command, on the same synthetic claims file.

Both read the same CSV file (made by ``generate_claims.py`` when missing) and write every
row with its decision:

- ``command``: ``inami-ppl assess --grouped FILE -o OUT.csv`` (one process; the file is
  grouped by patient, as the performance page measures it);
- ``spark``: ``assess_spark`` on a ``local[N]`` session, written as CSV files to a folder
  (session start timed apart: a cluster pays it once, not per job).

The Spark figure is printed as a ratio to the command's, in wall-clock seconds and in CPU
seconds (user and system, of every process that did the work: for Spark the driver, the JVM
and its Python workers). On a machine shared with other work, the CPU seconds are the
figure to compare: they hardly depend on what else runs.

    python benchmarks/bench_spark.py --sessions 2000000 --cores 2
    python benchmarks/bench_spark.py --sessions 20000       # a quick look
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import generate_claims  # noqa: E402  (found through the path above)


def children_cpu() -> float:
    """CPU seconds of the finished child processes of this one."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(root: int) -> float:
    """CPU seconds of process ``root`` and its live descendants, with their reaped children."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(x) for x in fields[11:15]) / ticks  # utime stime cutime cstime
    tree = {root}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    return sum(times.get(pid, 0.0) for pid in tree)


def timed_command(path: Path, out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds for the command to assess ``path`` into ``out``."""
    command = Path(sys.executable).with_name("inami-ppl")
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(  # noqa: S603  (our own command)
        [str(command), "assess", "--grouped", str(path), "-o", str(out), "--no-progress"],
        check=True,
    )
    return time.perf_counter() - start, children_cpu() - cpu


def timed_spark(path: Path, out: Path, cores: int) -> tuple[float, float, float, int]:
    """Seconds to start the session, then wall-clock and CPU seconds to assess ``path``."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession  # noqa: PLC0415  (timed)

    from inami_ppl.spark import assess_spark  # noqa: PLC0415

    start = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", str(cores * 4))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    jvm = spark.sparkContext._gateway.proc.pid  # type: ignore[union-attr]
    start, cpu = time.perf_counter(), tree_cpu(jvm) + time.process_time()
    assess_spark(spark.read.csv(str(path), header=True)).write.csv(str(out), header=True)
    assessed = time.perf_counter() - start
    cpu = tree_cpu(jvm) + time.process_time() - cpu
    spark.stop()
    rows = sum(sum(1 for _ in part.open(encoding="utf-8")) - 1 for part in out.glob("part-*.csv"))
    return started, assessed, cpu, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2_000_000)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)
    path = OUT / f"claims-{args.sessions}.csv"
    if not path.exists() or path.stat().st_size == 0:
        generate_claims.write(path, args.sessions, 1)
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    command, command_cpu = timed_command(path, OUT / f"command-{args.sessions}.csv")
    print(f"command: {args.sessions:,} sessions in {command:.1f} s ({command_cpu:.1f} s CPU)")
    started, assessed, cpu, rows = timed_spark(path, OUT / f"spark-{args.sessions}", args.cores)
    if rows != args.sessions:
        raise SystemExit(f"spark wrote {rows} rows for {args.sessions} sessions")
    print(f"spark local[{args.cores}]: session started in {started:.1f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"spark local[{args.cores}]: {rows:,} sessions in {assessed:.1f} s "
        f"= {assessed / command:.2f} x the command; {cpu:.1f} s CPU "
        f"= {cpu / command_cpu:.2f} x the command's CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
