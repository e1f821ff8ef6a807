"""The scripts in examples/ run and say what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_first_decision_example_runs_and_explains_the_refusal() -> None:
    done = subprocess.run(  # noqa: S603  (our own example script)
        [sys.executable, str(ROOT / "examples" / "first_decision.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    lines = done.stdout.splitlines()
    assert 8 == sum("accepted" in line for line in lines)
    assert 2 == sum("refused" in line and "maximum of 8" in line for line in lines)
    assert any(line.startswith("next possible date: ") for line in lines)
