"""What the claims benchmarks share: the generated files, fresh processes and their figures.

Every measurement runs in a fresh process, so that its peak memory (``ru_maxrss``) is its
own. On Linux a child process starts with the peak memory of its parent as its own
(``ru_maxrss`` survives fork and exec): the files are therefore written by yet another
process, and the measuring process stays small.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
# The command as a user runs it (installed with the package, beside this Python).
COMMAND = Path(sys.executable).with_name("inami-ppl")


class Child(NamedTuple):
    """A finished child process: wall-clock and CPU seconds, peak memory, exit code."""

    wall: float
    cpu: float
    peak_mb: float
    code: int


def run(
    argv: Sequence[str | os.PathLike[str]],
    stderr: IO[bytes] | None = None,
    env: Mapping[str, str] | None = None,
) -> Child:
    """Run ``argv`` and measure it alone, with ``wait4``.

    Its standard output is thrown away; its standard error goes to ``stderr`` if given;
    ``env``, if given, is its whole environment.
    """
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr, env=env)  # noqa: S603  (our own scripts)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Child(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        code=process.returncode,
    )


def peak_mb() -> float:
    """The peak memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def claims_file(sessions: int, seed: int, *, shuffle: bool = False) -> Path:
    """The generated file of ``sessions`` rows, kept in ``benchmarks/out`` once written."""
    path = OUT / f"claims-{sessions}-seed{seed}{'-shuffled' if shuffle else ''}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        order = ["--shuffle"] if shuffle else []
        subprocess.run(  # noqa: S603  (the generator, in a fresh process)
            [
                sys.executable,
                str(HERE / "generate_claims.py"),
                *("--sessions", str(sessions), "--seed", str(seed), *order),
                *("-o", str(partial)),
            ],
            check=True,
        )
        partial.replace(path)
    return path


def measure(script: str, kind: str, path: Path) -> dict[str, float]:
    """Run ``script --measure KIND FILE`` in a fresh process; its figures (see below)."""
    done = subprocess.run(  # noqa: S603  (a benchmark script, in a fresh process)
        [sys.executable, script, "--measure", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def report(work: Callable[[Path], int], path: Path) -> None:
    """Run ``work`` on ``path``; print its rows, seconds and peak memory as JSON (``measure``)."""
    start = time.perf_counter()
    rows = work(path)
    seconds = time.perf_counter() - start
    sys.stdout.write(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb()}))


def machine() -> str:
    """The Python, the platform and the processor, for the first lines of a report."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # not Linux
        pass
    return (
        f"Python {platform.python_version()} on {platform.platform()}\n{os.cpu_count()} CPUs: {cpu}"
    )
