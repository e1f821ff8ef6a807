"""Run the tests and the wheel's smoke test under every other supported Python found here.

The main environment (``.venv``) runs the whole suite under the Python that made it; this
script finds the other supported versions (3.12 and 3.13; on ``PATH`` as ``python3.12``, or
under ``pyenv``), and for each one:

1. makes ``.venv-3.X`` with the project installed in editable mode, the ``pandas`` and
   ``plots`` extras and the ``test`` dependency group;
2. runs the rule, claims, command, pandas and report tests there (without coverage: the main
   run measures it);
3. installs the wheel of ``dist/`` (written by ``scripts/release_check.py``) into an empty
   environment of that Python and runs the smoke test.

A version that is not on the machine is reported and skipped, except in CI (``CI`` set),
where it fails the run. Run from the repository root: ``python scripts/other_pythons.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from release_check import DIST, ROOT, run, smoke

VERSIONS = ("3.12", "3.13")
# The tests of the rules, the claims files, the command, the pandas tables and the report
# (the Spark tests and the documentation examples run in the main environment only).
TESTS = (
    "tests/test_periods.py",
    "tests/test_eligibility.py",
    "tests/test_quotas.py",
    "tests/test_tariffs.py",
    "tests/test_conditions.py",
    "tests/test_travel.py",
    "tests/test_share_reasons.py",
    "tests/test_booking.py",
    "tests/test_assess.py",
    "tests/test_decision.py",
    "tests/test_model.py",
    "tests/test_rulesets.py",
    "tests/test_rule_data.py",
    "tests/test_published_values.py",
    "tests/test_messages.py",
    "tests/test_api_trust.py",
    "tests/test_claims.py",
    "tests/test_claims_package.py",
    "tests/test_claims_files.py",
    "tests/test_claims_edges.py",
    "tests/test_claims_spill.py",
    "tests/test_claims_corruption.py",
    "tests/test_claims_rows.py",
    "tests/test_claims_lane.py",
    "tests/test_cli.py",
    "tests/test_cli_safety.py",
    "tests/test_analytics.py",
    "tests/test_frames.py",
    "tests/test_frames_typed.py",
    "tests/test_reliability.py",
    "tests/test_plots.py",
    "tests/test_report.py",
    "tests/test_packaging.py",
)


def find(version: str) -> Path | None:
    """The interpreter of ``version``: ``pythonX.Y`` on ``PATH``, else the newest under pyenv."""
    candidates: list[Path] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(Path(on_path))
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(
        root.glob(f"versions/{version}.*/bin/python{version}"),
        key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()],
        reverse=True,
    )
    for candidate in candidates:
        probe = subprocess.run(  # noqa: S603  (an interpreter found above)
            [str(candidate), "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(
            tuple(int(x) for x in version.split("."))
        ):
            return candidate
    return None


def check(version: str, python: Path, wheel: Path) -> None:
    """Make the environment of one version, run the tests there and the wheel's smoke test."""
    env = ROOT / f".venv-{version}"
    run(python, "-m", "venv", "--clear", env)
    env_python = env / "bin" / "python"
    run(env_python, "-m", "pip", "install", "--quiet", "--upgrade", "pip>=25.1")
    run(env_python, "-m", "pip", "install", "--quiet", "-e", ".[pandas,plots]", "--group", "test")
    args = ("-m", "pytest", "-q", "--no-cov", "-p", "no:cacheprovider", *TESTS)
    print(f"+ {env_python} {' '.join(args)}", flush=True)
    done = subprocess.run([str(env_python), *args], cwd=ROOT, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"tests failed under Python {version}")
    smoke(wheel, python)


def main() -> int:
    wheels = sorted(DIST.glob("*.whl"))
    if not wheels:
        raise SystemExit("no wheel in dist/: run scripts/release_check.py first")
    missing = []
    for version in VERSIONS:
        python = find(version)
        if python is None:
            missing.append(version)
            print(f"Python {version}: not found on this machine, skipped")
            continue
        print(f"Python {version}: {python}", flush=True)
        check(version, python, wheels[-1])
    if missing and os.environ.get("CI"):
        raise SystemExit(f"supported Pythons missing in CI: {', '.join(missing)}")
    checked = [v for v in VERSIONS if v not in missing]
    print(f"other Pythons passed: {', '.join(checked) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
