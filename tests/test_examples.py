"""The scripts in examples/ run and say what they promise."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from inami_ppl import default_rules

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


def test_the_example_amendment_file_loads_and_brings_in_its_placeholder_amounts() -> None:
    text = (ROOT / "examples" / "amendment-2025.toml").read_bytes()
    rules = default_rules().amend(text, name="amendment-2025.toml")
    in_2025 = rules.at(dt.date(2025, 6, 2))

    assert b"PLACEHOLDERS, NOT REAL AMOUNTS" in text
    assert Decimal("88.88") == in_2025.decimal("fee.individual")
    assert () == in_2025.unconfirmed_values(["fee.individual", "fee.group.other"])
    assert ("fee.individual",) == rules.at(dt.date(2026, 1, 5)).unconfirmed_values(
        ["fee.individual"]
    )
