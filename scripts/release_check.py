"""Build the distributions, check them, and try the wheel in an empty environment.

1. ``python -m build`` writes the sdist and the wheel to ``dist/`` (emptied first);
2. ``twine check --strict`` checks their metadata (the README renders on PyPI);
3. the sdist must hold the tests and the docs, the wheel the rule tables, the four message
   catalogues and ``py.typed``;
4. the wheel is installed into a new, empty virtual environment, where a smoke test imports
   the package, makes one decision and runs ``inami-ppl --version``.

Run from the repository root with the project's environment: ``python scripts/release_check.py``.
Any failure exits non-zero.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
SMOKE = """
import datetime as dt
from decimal import Decimal
import inami_ppl
from inami_ppl import Patient, Session, assess
session = Session(date=dt.date(2024, 5, 6), network="adults", function="support",
                  setting="individual")
decision = assess(Patient(birth_date=dt.date(1980, 1, 1)), [], session)
assert decision.allowed and decision.practitioner_fee == Decimal("81.74"), decision
assert inami_ppl.__file__ and "site-packages" in inami_ppl.__file__, inami_ppl.__file__
print("smoke test: one decision from", inami_ppl.__file__)
"""
SDIST_MUST = ("tests/test_claims.py", "docs/index.md", "docs/conf.py", "CHANGELOG.md")
WHEEL_MUST = (
    "inami_ppl/data/rules.toml",
    "inami_ppl/messages/fr.json",
    "inami_ppl/messages/nl.json",
    "inami_ppl/messages/de.json",
    "inami_ppl/messages/en.json",
    "inami_ppl/py.typed",
)


def run(*args: str | Path, cwd: Path = ROOT) -> str:
    """Run a command, echo it, fail loudly; return its standard output."""
    shown = " ".join(str(a) if "\n" not in str(a) else "<script>" for a in args)
    print("+", shown, flush=True)
    done = subprocess.run(  # noqa: S603  (fixed commands of this script)
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"release check failed: {args[0]} exited {done.returncode}")
    return done.stdout


def check_contents(sdist: Path, wheel: Path) -> None:
    """The sdist holds tests and docs; the wheel holds the tables and catalogues."""
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = [name for name in SDIST_MUST if name not in names]
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = set(archive.namelist())
    missing += [name for name in WHEEL_MUST if name not in wheel_names]
    if missing:
        raise SystemExit(f"release check failed: missing from the distributions: {missing}")
    print(f"contents: sdist has {len(names)} files, wheel {len(wheel_names)}; all expected found")


def smoke(wheel: Path, interpreter: str | Path = sys.executable) -> None:
    """Install the wheel into an empty environment of ``interpreter`` and use it there."""
    with tempfile.TemporaryDirectory(prefix="inami-ppl-smoke-") as folder:
        env = Path(folder) / "venv"
        run(interpreter, "-m", "venv", "--clear", env)
        python = env / "bin" / "python"
        run(python, "-m", "pip", "install", "--quiet", wheel)
        print(run(python, "-c", SMOKE, cwd=Path(folder)).strip())
        version = run(env / "bin" / "inami-ppl", "--version", cwd=Path(folder)).strip()
        print("command:", version)
        if not version.startswith("inami-ppl "):
            raise SystemExit(f"release check failed: unexpected --version output {version!r}")


def main() -> int:
    shutil.rmtree(DIST, ignore_errors=True)
    run(sys.executable, "-m", "build", "--outdir", DIST, ROOT)
    sdist = next(DIST.glob("*.tar.gz"))
    wheel = next(DIST.glob("*.whl"))
    run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    check_contents(sdist, wheel)
    smoke(wheel)
    print("release check passed:", sdist.name, wheel.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
