"""The claims package: one job per module, one definition of the output columns."""

from __future__ import annotations

import inspect
import io
import json
import re
from pathlib import Path

import inami_ppl.claims
from inami_ppl import frames
from inami_ppl.claims import (
    OUTPUT,
    OUTPUT_COLUMNS,
    assess_records,
    claim_cells,
    claim_json,
    output_header,
    write_csv,
)
from inami_ppl.claims.columns import money

PACKAGE = Path(inami_ppl.claims.__file__).parent
SOURCE = PACKAGE.parent
RECORD = {
    "patient_id": "a",
    "birth_date": "1990-01-01",
    "date": "2024-05-06",
    "network": "adults",
    "function": "support",
    "setting": "individual",
}


def test_each_module_of_the_package_holds_one_job() -> None:
    modules = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert [
        "__init__",
        "cells",
        "columns",
        "judge",
        "lane",
        "memo",
        "readers",
        "rows",
        "schema",
        "spill",
        "writers",
    ] == modules
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name


def test_output_column_names_are_spelled_in_one_place_only() -> None:
    users = {path.name: path.read_text() for path in [*PACKAGE.glob("*.py"), SOURCE / "cli.py"]}
    users["assess_frame"] = inspect.getsource(frames.assess_frame)
    for name in ("allowed", "reasons", "patient_share", "insurer_share", "messages"):
        spelled = [user for user, text in users.items() if f'"{name}"' in text]
        assert ["columns.py"] == spelled, name


def test_csv_json_and_header_follow_the_one_definition() -> None:
    [claim] = assess_records([RECORD])
    header = output_header(list(RECORD))
    assert list(OUTPUT_COLUMNS) == header[len(RECORD) :]
    cells = claim_cells(claim, list(RECORD))
    as_json = claim_json(claim)
    assert list(OUTPUT_COLUMNS) == list(as_json)[len(RECORD) :]
    assert len(header) == len(cells)
    for column, cell in zip(OUTPUT, cells[len(RECORD) :], strict=True):
        value = column.get(claim, "en")
        shown = as_json[column.name]
        if column.kind == "money":
            assert money(value) == cell == shown  # type: ignore[arg-type]
        elif column.kind == "bool":
            assert (json.dumps(value), value) == (cell, shown)


def test_amounts_are_written_the_same_way_in_csv_and_json() -> None:
    [claim] = assess_records([RECORD])
    out = io.StringIO()
    write_csv([claim], out, list(RECORD))
    fee = str(claim.assessment.practitioner_fee)  # type: ignore[union-attr]
    assert re.search(rf",{re.escape(fee)},", out.getvalue())
    assert fee == claim_json(claim)["practitioner_fee"]
