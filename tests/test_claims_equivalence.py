"""The command writes, byte for byte, what the general claims path writes with the reference engine.

``reference.claims`` computes the output of ``inami-ppl assess`` the straightforward way:
``read_csv``, ``assess_rows`` judging with the frozen reference engine, ``write_csv``.
Whatever the command does to be fast, its output file, its messages on standard error
and its exit code must be those, on a generated national sample grouped and shuffled,
with spoilt rows, in every language, for Excel, with the summary. The long run over a
national year is ``scripts/compare_engines.py``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import random
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import inami_ppl.claims.judge
from inami_ppl import cli
from inami_ppl.assess import judge_in_order as library_judge
from reference.claims import SEAM, Reference, reference_engine, reference_result
from support import FIXTURE_TABLE

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_500
# Spoilt files are smaller: what matters there is the odd rows, not the number of rows.
SPOILT_ROWS = 400


def _generator() -> ModuleType:
    path = ROOT / "benchmarks" / "generate_claims.py"
    spec = importlib.util.spec_from_file_location("generate_claims", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR: Any = _generator()
HEADER: bytes = GENERATOR.csv_line([name.encode() for name in GENERATOR.COLUMNS])
ROW_CELLS: list[list[bytes]] = [[cell.encode() for cell in row] for row in GENERATOR.rows(ROWS, 3)]
GROUPED: list[bytes] = [GENERATOR.csv_line(cells) for cells in ROW_CELLS]
SHUFFLED: list[bytes] = random.Random(4).sample(GROUPED, len(GROUPED))
OPTIONS: dict[str, tuple[str, ...]] = {
    "grouped": ("--grouped",),
    "excel": ("--excel",),
    "summary": ("--summary",),
}


def command(data: bytes, *args: str, suffix: str = ".csv") -> Reference:
    """What ``inami-ppl assess`` (in this process) writes for the file ``data``."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"claims{suffix}"
        source.write_bytes(data)
        out = Path(folder) / f"out{suffix}"
        errors = io.StringIO()
        argv = ["assess", str(source), "-o", str(out), "--no-progress"]
        with contextlib.redirect_stderr(errors):
            code = cli.main([*argv, "--rules", str(FIXTURE_TABLE), *args])
        return Reference(out.read_bytes(), errors.getvalue().splitlines(), code)


def both(data: bytes, *, lang: str = "en", **options: bool) -> tuple[Reference, Reference]:
    """The command's result and the reference's for ``data`` under ``options``."""
    args = [flag for name, on in options.items() if on for flag in OPTIONS[name]]
    ours = command(data, *args, "--lang", lang)
    theirs = reference_result(data, rules=[FIXTURE_TABLE], lang=lang, **options)
    return ours, theirs


def assert_same(ours: Reference, theirs: Reference) -> None:
    # Line numbers first: a difference is then shown where it starts, not as two blobs.
    our_lines = ours.output.splitlines(keepends=True)
    their_lines = theirs.output.splitlines(keepends=True)
    differing = [i for i, (a, b) in enumerate(zip(our_lines, their_lines, strict=False)) if a != b][
        :5
    ]
    assert not differing, f"output lines {differing} differ"
    assert len(our_lines) == len(their_lines)
    assert ours == theirs


def decided(result: Reference) -> set[str]:
    """The decisions (accepted, and each first reason) of an English CSV output."""
    return {line.split(b",")[14].decode() for line in result.output.splitlines()[1:]}


@pytest.mark.parametrize("grouped", [True, False])
def test_a_generated_file_gives_the_references_bytes(grouped: bool) -> None:
    ours, theirs = both(HEADER + b"".join(GROUPED), grouped=grouped)
    assert_same(ours, theirs)
    assert 0 == ours.exit_code
    assert ROWS + 1 == len(ours.output.splitlines())
    # A sample that means something: sessions accepted and refused for several reasons.
    assert {"", "day.limit", "quota.exceeded", "video.first_in_person"} <= decided(ours)


@pytest.mark.parametrize(
    ("grouped", "lang", "excel", "summary"),
    [
        (False, "nl", True, False),
        (False, "de", False, True),
        # Grouped but not: every row after a patient's split is reported.
        (True, "nl", False, True),
    ],
)
def test_a_shuffled_file_gives_the_references_bytes(
    grouped: bool, lang: str, excel: bool, summary: bool
) -> None:
    ours, theirs = both(
        HEADER + b"".join(SHUFFLED), grouped=grouped, lang=lang, excel=excel, summary=summary
    )
    assert_same(ours, theirs)
    assert (1 if grouped else 0) == ours.exit_code


def test_a_file_spilled_to_temporary_files_gives_the_references_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Beyond this many rows held, an ungrouped file is dealt into temporary files.
    monkeypatch.setattr(inami_ppl.claims.spill, "SPILL_AFTER", 200)
    assert_same(*both(HEADER + b"".join(SHUFFLED), summary=True))


def test_json_lines_give_the_references_bytes() -> None:
    names = [name.encode() for name in GENERATOR.COLUMNS]
    records = [
        {key.decode(): value.decode() for key, value in zip(names, cells, strict=True)}
        for cells in ROW_CELLS[:500]
    ]
    records[5]["date"] = "2024-02-30"
    data = "".join(json.dumps(record) + "\n" for record in records).encode()
    ours = command(data, "--lang", "fr", suffix=".jsonl")
    theirs = reference_result(data, rules=[FIXTURE_TABLE], lang="fr", jsonl=True)
    assert_same(ours, theirs)
    assert 1 == ours.exit_code


@st.composite
def spoilt_files(draw: st.DrawFn) -> bytes:
    """The generated sample, grouped or shuffled, with some rows spoilt."""
    lines = list(draw(st.sampled_from([GROUPED, SHUFFLED])))[:SPOILT_ROWS]
    spoils = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(lines) - 1),
                st.integers(0, GENERATOR.CORRUPTIONS - 1),
                st.integers(0, len(GENERATOR.COLUMNS) - 1),
            ),
            min_size=1,
            max_size=12,
        )
    )
    for row, kind, column in spoils:
        lines[row] = GENERATOR.corrupt(lines[row].rstrip(b"\n").split(b","), kind, column)
    return HEADER + b"".join(lines)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=spoilt_files(),
    grouped=st.booleans(),
    lang=st.sampled_from(["en", "nl", "fr", "de"]),
    excel=st.booleans(),
    summary=st.booleans(),
)
def test_spoilt_rows_give_the_references_bytes_and_messages(
    data: bytes, grouped: bool, lang: str, excel: bool, summary: bool
) -> None:
    assert_same(*both(data, grouped=grouped, lang=lang, excel=excel, summary=summary))


def test_spoilt_rows_are_reported_by_both() -> None:
    # Every kind of spoilt row at least once, each in its own patient's rows.
    lines = GROUPED[:1_000]
    for kind in range(GENERATOR.CORRUPTIONS - 1):  # the last: a quote never closed
        row = 30 * kind + 7
        lines[row] = GENERATOR.corrupt(ROW_CELLS[row], kind, kind)
    ours, theirs = both(HEADER + b"".join(lines), summary=True)
    assert_same(ours, theirs)
    assert 1 == ours.exit_code
    assert any("valid UTF-8 text" in line for line in ours.stderr)
    assert any(line.startswith("inami-ppl: hint:") for line in ours.stderr)


def test_the_reference_engine_judges_within_and_only_within() -> None:
    library = vars(inami_ppl.claims.judge)[SEAM]
    assert library is library_judge
    records = [dict(zip(GENERATOR.COLUMNS, row, strict=True)) for row in GENERATOR.rows(100, 3)]
    with reference_engine() as count:
        assert vars(inami_ppl.claims.judge)[SEAM] is not library
        claims = list(inami_ppl.claims.assess_records(records))
        assert 100 == count.decisions == sum(c.assessment is not None for c in claims)
    assert vars(inami_ppl.claims.judge)[SEAM] is library
