"""Edges of the claims reader, the writers and the command's streams, each on its own."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from inami_ppl import InvalidInputError, _streams, cli
from inami_ppl.claims import (
    ClaimsFileError,
    ReadProgress,
    assess_file,
    assess_records,
    read_csv,
    read_jsonl,
)
from inami_ppl.errors import shown
from test_cli import COMMAND, EXAMPLE, GOOD, HEADER

RECORD = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10**5000, "int"), ([[[[1]]]], "[[[[1]]]]")],
    ids=["huge-int", "nested-list"],
)
def test_json_cells_too_large_or_nested_are_described_not_written(
    value: object, expected: str | None
) -> None:
    [claim] = assess_records([{**RECORD, "network": value}])
    assert claim.error is not None
    assert expected == claim.error.value


def test_a_json_cell_nested_too_deep_to_write_is_described_by_its_type() -> None:
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    [claim] = assess_records([{**RECORD, "network": nested}])
    assert claim.error is not None
    assert "list" == claim.error.value


def test_a_date_not_in_the_format_given_names_the_format() -> None:
    rows = [{**RECORD, "date": "2024-05-06"}]
    [claim] = assess_records(rows, date_format="%d/%m/%Y")
    assert claim.error is not None
    assert "date: expected a date in the form %d/%m/%Y" in claim.error.message


def test_a_header_with_an_unclosed_quote_is_an_error() -> None:
    with pytest.raises(ClaimsFileError, match="unclosed quote"):
        read_csv(io.StringIO('"patient_id,birth_date\n'))


def test_a_delimiter_that_is_not_one_of_the_three_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="delimiter"):
        read_csv(io.StringIO(HEADER + "\n"), delimiter="|")


def test_a_row_over_two_lines_with_the_wrong_cells_is_reported_on_both() -> None:
    text = f'{HEADER}\np1,"a\nb",x\n{GOOD}\n'
    claims = list(assess_file(io.StringIO(text)))
    assert [2, 3, 4] == [c.line for c in claims]
    assert [False, False, True] == [c.error is None for c in claims]


def test_an_empty_json_lines_file_has_the_standard_columns_and_no_rows() -> None:
    columns, rows = read_jsonl(io.StringIO(""))
    assert "patient_id" == columns[0]
    assert [] == list(rows)


def test_json_lines_whose_first_line_is_not_an_object_have_the_standard_columns() -> None:
    columns, rows = read_jsonl(io.StringIO('[1]\n{"patient_id": "a", "extra": 1}\n'))
    assert "extra" not in columns
    assert 2 == len(list(rows))


def test_an_unknown_encoding_is_an_error() -> None:
    with pytest.raises(InvalidInputError, match="encoding"):
        list(assess_file(EXAMPLE, encoding="klingon"))


def test_progress_of_an_empty_regular_file_has_no_fraction(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    seen: list[ReadProgress] = []
    assert [] == list(assess_file(path, progress=seen.append))
    assert [None] == [p.fraction for p in seen]


def test_claims_and_cells_have_a_readable_form() -> None:
    [claim] = assess_records([RECORD])
    assert repr(claim).startswith("Claim(line=1, cells=Cells({'patient_id': 'p1'")
    assert claim.cells != cast("object", 3)


def test_long_values_are_cut_in_messages() -> None:
    text = shown("network", "x" * 500)
    assert text.endswith("xx...")
    assert 80 == len(text)


# --- the command's streams, in process ---------------------------------------------------------


def test_assess_to_an_in_process_text_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert 0 == cli.main(["assess", str(EXAMPLE)])
    assert out.getvalue().startswith("patient_id,")


def test_an_in_process_standard_input_with_an_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(f"{HEADER}\n{GOOD}\n".encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    out = tmp_path / "out.csv"
    out.write_text("the previous run\n")
    assert 0 == cli.main(["assess", "-", "-o", str(out)])
    assert 2 == len(out.read_text().splitlines())


def test_an_output_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cli.EXIT_USAGE == cli.main(["assess", str(EXAMPLE), "-o", str(blocker / "out.csv")])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _BrokenTerminal(_Terminal):
    def write(self, text: str) -> int:
        raise OSError("gone")


def test_progress_without_a_size_shows_rows_and_stops_when_the_terminal_breaks() -> None:
    terminal = _Terminal()
    progress = _streams.Progress(terminal, enabled=True)
    progress.start -= 10
    progress.shown -= 10
    progress(ReadProgress(rows=2048, bytes_read=None, total_bytes=None))
    assert "2,048 rows read" in terminal.getvalue()
    progress(ReadProgress(rows=4096, bytes_read=None, total_bytes=None))  # too soon
    assert 1 == terminal.getvalue().count("rows read")
    progress(ReadProgress(rows=0, bytes_read=None, total_bytes=None))
    broken = _streams.Progress(_BrokenTerminal(), enabled=True)
    broken.shown -= 10
    broken(ReadProgress(rows=1, bytes_read=1, total_bytes=100))
    assert not broken.enabled


@pytest.mark.parametrize(("seconds", "text"), [(5.2, "5 s"), (75, "1 min 15 s")])
def test_time_left_is_told_in_minutes_and_seconds(seconds: float, text: str) -> None:
    assert text == _streams._duration(seconds)


def test_a_closed_standard_error_is_no_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert not _streams.is_terminal(closed)
    assert not _streams.is_terminal(None)


def test_a_full_standard_error_still_writes_every_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"{HEADER}\n{GOOD}\np2,1980-06-15,2024-13-06,adults,support,individual\n")
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(  # noqa: S603  (our own command)
            [str(COMMAND), "assess", str(path)], stdout=subprocess.PIPE, stderr=full, check=False
        )
    assert 1 == done.returncode
    assert 3 == len(done.stdout.splitlines())


class _NoFileno(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError


def test_a_closed_pipe_without_a_file_descriptor_returns_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdout", _NoFileno())
    assert cli.EXIT_WRITE == cli.main(["rules", "--on", "2024-05-02"])
