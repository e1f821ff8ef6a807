"""Determinism and invariants: same input, same bytes; nothing mutated; no hidden state.

The golden files under ``tests/golden/`` are the command's output for the bundled example.
When a change alters them on purpose, rewrite them with ``pytest --update-golden`` and
review the diff like code.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import locale
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl import Patient, Session, assess, assess_history, default_rules, remaining
from inami_ppl.claims import COLUMNS, assess_file, assess_records, write_csv
from strategies import histories, patients

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"
GOLDEN = ROOT / "tests" / "golden"
COMMAND = Path(sys.executable).with_name("inami-ppl")
# The installed command reads the bundled tables; amended by the whole frozen fixture table
# it applies exactly the fixture's values, so the golden files do not change with the data.
FIXTURE = ["--rules", str(ROOT / "tests" / "fixtures" / "rules.toml")]
GOLDEN_RUNS = {
    "claims.out.csv": ["assess", str(EXAMPLE), *FIXTURE],
    "claims.out.fr.jsonl": [
        "assess",
        str(EXAMPLE),
        "--output-format",
        "jsonl",
        "--lang",
        "fr",
        *FIXTURE,
    ],
}


def _run(args: list[str], env: dict[str, str] | None = None) -> bytes:
    done = subprocess.run(  # noqa: S603  (our own command)
        [str(COMMAND), *args], capture_output=True, check=True, env=env
    )
    return done.stdout


@pytest.mark.parametrize("name", sorted(GOLDEN_RUNS))
def test_the_example_gives_the_golden_output_byte_for_byte(
    name: str, request: pytest.FixtureRequest
) -> None:
    output = _run(GOLDEN_RUNS[name])
    if request.config.getoption("--update-golden"):
        (GOLDEN / name).write_bytes(output)
    assert (GOLDEN / name).read_bytes() == output


@pytest.mark.parametrize(
    "env",
    [
        {"TZ": "Pacific/Kiritimati", "LC_ALL": "C"},
        {"TZ": "America/Adak", "LC_ALL": "C.UTF-8", "LANG": "fr_BE.UTF-8"},
        {"TZ": "UTC", "LANGUAGE": "nl", "LC_TIME": "POSIX"},
    ],
    ids=["tz+14-C", "tz-10-fr", "utc-nl"],
)
def test_output_does_not_depend_on_time_zone_or_locale(env: dict[str, str]) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
    assert (GOLDEN / "claims.out.csv").read_bytes() == _run(
        GOLDEN_RUNS["claims.out.csv"], {**base, **env}
    )


def test_decisions_do_not_depend_on_the_process_locale() -> None:
    claims = list(assess_file(EXAMPLE))
    expected = io.StringIO()
    write_csv(claims, expected, lang="de")
    saved = locale.setlocale(locale.LC_ALL)
    try:
        for name in ("C", "C.UTF-8", "POSIX"):
            locale.setlocale(locale.LC_ALL, name)
            out = io.StringIO()
            write_csv(assess_file(EXAMPLE), out, lang="de")
            assert expected.getvalue() == out.getvalue(), name
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def test_concurrent_threads_give_the_sequential_results() -> None:
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    by_patient: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_patient.setdefault(row["patient_id"], []).append(row)
    work = [list(assess_records(group)) for group in by_patient.values()]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda g: list(assess_records(g)), by_patient.values()))
    assert work == parallel


@settings(max_examples=40, deadline=None, database=None)
@given(patients().flatmap(lambda p: st.tuples(st.just(p), histories(p, max_size=12))))
def test_inputs_are_never_mutated(case: tuple[Patient, list[Session]]) -> None:
    patient, sessions = case
    history = list(sessions)
    before = list(history)
    if history:
        assess(patient, history, history[-1])
        remaining(patient, history, history[-1].date, history[-1].network)
    assess_history(patient, history)
    assert before == history
    records = [
        {
            "patient_id": "p",
            "birth_date": patient.birth_date.isoformat(),
            "date": s.date.isoformat(),
            "network": s.network.value,
            "function": s.function.value,
            "setting": s.setting.value,
        }
        for s in sessions
    ]
    kept = copy.deepcopy(records)
    list(assess_records(records))
    assert kept == records


def test_results_are_immutable() -> None:
    [claim] = assess_records(
        [
            {
                "patient_id": "p",
                "birth_date": "1980-01-01",
                "date": "2024-05-02",
                "network": "adults",
                "function": "support",
                "setting": "individual",
            }
        ]
    )
    assert claim.assessment is not None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        claim.assessment.allowed = False  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        claim.line = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        claim.cells["date"] = "2024-05-03"  # type: ignore[index]
    rules = default_rules()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rules.coverage_end = dt.date(2030, 1, 1)  # type: ignore[misc]


# --- random claims files with corrupted rows: no row lost --------------------------------

_GOOD = [
    "p{n},1980-06-15,false,2024-05-{d:02d},adults,support,individual,practice,false,false,psy",
    "p{n},2010-02-01,true,2023-03-{d:02d},children_adolescents,first_line,group,,,,",
    "p{n},1970-01-01,0,2022-10-{d:02d},adults,specialized,individual,video,1,1,",
]
_CORRUPTIONS: list[Callable[[str], str]] = [
    lambda r: r.replace("adults", "adultz"),
    lambda r: r.replace("-05-", "-15-").replace("-03-", "-13-").replace("-10-", "-20-"),
    lambda r: r.rsplit(",", 1)[0],
    lambda r: r + ",extra",
    lambda r: r.replace("false", "maybe", 1),
    lambda r: ",,,,,,,,,,",
    lambda r: "\u00e9" + r,
    lambda r: r.replace("1980-06-15", "2099-01-01"),
]


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_GOOD) - 1),
            st.integers(1, 28),
            st.integers(0, 5),
            st.one_of(st.none(), st.integers(0, len(_CORRUPTIONS) - 1)),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_corrupted_claims_files_keep_every_row(
    spec: list[tuple[int, int, int, int | None]], grouped: bool
) -> None:
    lines = []
    for kind, day, patient, corruption in spec:
        text = _GOOD[kind].format(n=patient, d=day)
        lines.append(text if corruption is None else _CORRUPTIONS[corruption](text))
    data = ",".join(COLUMNS) + "\n" + "\n".join(lines) + "\n"
    claims = list(assess_file(io.StringIO(data), grouped=grouped))
    assert len(lines) == len(claims)
    assert list(range(2, len(lines) + 2)) == [c.line for c in claims]
    for claim in claims:
        assert (claim.assessment is None) != (claim.error is None)
