"""A stop (Ctrl-C, SIGTERM) at the worst moment of writing leaves no stray file behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inami_ppl import _jobs
from inami_ppl._streams import Output


def test_a_stop_right_after_the_temporary_file_is_made_still_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def made_then_stopped(path: str, flags: int, mode: int = 0o777) -> int:
        real(path, flags, mode)
        raise KeyboardInterrupt  # Ctrl-C the moment the file exists, before its handle is kept

    monkeypatch.setattr(os, "open", made_then_stopped)
    output = Output(str(tmp_path / "out.csv"))
    with pytest.raises(KeyboardInterrupt):
        output.open()
    output.release()  # what the command does on its way out
    assert [] == list(tmp_path.iterdir())


def test_a_stop_after_the_rename_leaves_the_finished_file(tmp_path: Path) -> None:
    output = Output(str(tmp_path / "out.csv"))
    output.open()
    output.write("a,b\n")
    output.commit()
    output.release()
    assert ["out.csv"] == [p.name for p in tmp_path.iterdir()]
    assert "a,b\n" == (tmp_path / "out.csv").read_text()


def test_a_part_file_of_a_parallel_run_is_named_before_it_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def made_then_stopped(path: str, flags: int, mode: int = 0o777) -> int:
        real(path, flags, mode)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", made_then_stopped)
    made: list[Path] = []
    with pytest.raises(KeyboardInterrupt):
        _jobs._temp(str(tmp_path), ".out", made)
    assert [path.name for path in tmp_path.iterdir()] == [path.name for path in made]
