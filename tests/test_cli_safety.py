"""The command never loses, truncates or half-writes a file, whatever stops it.

Run as a user runs it (a subprocess): the output onto the input, a real Ctrl-C and
SIGTERM, a full disk, a closed pipe, closed standard streams.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_cli import COMMAND, EXAMPLE, GOOD, HEADER, claims_file, rows_of, run


def big_file(tmp_path: Path, rows: int = 60_000) -> Path:
    lines = [
        f"p{i % 9000},1980-06-15,2024-{1 + i % 12:02d}-{1 + i % 28:02d},adults,support,individual"
        for i in range(rows)
    ]
    return claims_file(tmp_path, *lines, name="big.csv")


def test_output_onto_the_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    path = big_file(tmp_path, 500)
    before = path.read_bytes()
    done = run("assess", str(path), "-o", str(path))
    assert 2 == done.returncode
    assert "would overwrite the input" in done.stderr.decode()
    assert before == path.read_bytes()


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "relative"])
def test_output_onto_the_input_through_a_link_is_refused(tmp_path: Path, kind: str) -> None:
    path = big_file(tmp_path, 500)
    before = path.read_bytes()
    other = tmp_path / "sub" / "alias.csv"
    other.parent.mkdir()
    if kind == "symlink":
        other.symlink_to(path)
    elif kind == "hardlink":
        other.hardlink_to(path)
    else:
        other = tmp_path / "sub" / ".." / path.name
    done = run("assess", str(path), "-o", str(other))
    assert 2 == done.returncode
    assert before == path.read_bytes()


def test_output_onto_standard_input_s_file_is_refused(tmp_path: Path) -> None:
    path = big_file(tmp_path, 50)
    before = path.read_bytes()
    with path.open("rb") as stdin:
        done = subprocess.run(  # noqa: S603  (our own command)
            [str(COMMAND), "assess", "-", "-o", str(path)],
            stdin=stdin,
            capture_output=True,
            check=False,
        )
    assert 2 == done.returncode
    assert before == path.read_bytes()


def test_output_through_a_link_writes_the_linked_file_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "decisions.csv"
    target.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    done = run("assess", str(EXAMPLE), "-o", str(link))
    assert 0 == done.returncode
    assert link.is_symlink()
    assert target.read_text().startswith("patient_id,")
    assert [] == list(tmp_path.glob(".*.part"))


def test_an_existing_output_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    out.chmod(0o640)
    assert 0 == run("assess", str(EXAMPLE), "-o", str(out)).returncode
    assert 0o640 == out.stat().st_mode & 0o777


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(tmp_path: Path, out: Path) -> subprocess.Popen[bytes]:
    path = big_file(tmp_path)
    process = subprocess.Popen(  # noqa: S603  (our own command)
        [str(COMMAND), "assess", str(path), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A command started in the background (``pytest &``) inherits an ignored SIGINT,
        # which Python then keeps ignoring: the run is given the default, as from a terminal.
        preexec_fn=_interruptible,  # noqa: PLW1509  (no threads start before the tests)
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(f".{out.name}.*.part")):  # the run has started writing
        assert time.monotonic() < deadline
        assert process.poll() is None
        time.sleep(0.01)
    return process


@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_stopped_run_leaves_no_output_file_and_says_so(
    tmp_path: Path, signum: int, code: int, word: str
) -> None:
    out = tmp_path / "out.csv"
    process = _start(tmp_path, out)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert code == process.returncode
    assert [f"inami-ppl: {word}: no output file written"] == stderr.decode().splitlines()
    assert not out.exists()
    assert [] == list(tmp_path.glob(".*.part"))


def test_a_stopped_run_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("the previous run\n")
    process = _start(tmp_path, out)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert 130 == process.returncode
    assert "the previous run\n" == out.read_text()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_its_own_exit_code() -> None:
    done = run("assess", str(EXAMPLE), "-o", "/dev/full")
    assert 3 == done.returncode
    assert ["inami-ppl: error: cannot write /dev/full: No space left on device"] == (
        done.stderr.decode().splitlines()
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_standard_output_is_one_line_and_its_own_exit_code() -> None:
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run(  # noqa: S603  (our own command)
            [str(COMMAND), "assess", str(EXAMPLE)], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert 3 == done.returncode
    assert [
        "inami-ppl: error: cannot write standard output: No space left on device"
    ] == done.stderr.decode().splitlines()


def test_a_closed_pipe_stops_assess_quietly(tmp_path: Path) -> None:
    path = big_file(tmp_path, 20_000)
    process = subprocess.Popen(  # noqa: S603  (our own command)
        [str(COMMAND), "assess", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith(b"patient_id,")
    process.stdout.close()  # as `| head -1` does
    _, stderr = process.communicate(timeout=60)
    assert 3 == process.returncode
    assert b"" == stderr


@pytest.mark.parametrize(
    ("redirect", "code", "message"),
    [
        ("<&-", 2, "inami-ppl: error: standard input is closed"),
        (">&-", 3, "inami-ppl: error: cannot write standard output: it is closed"),
    ],
)
def test_closed_standard_streams_are_one_line_and_an_exit_code(
    redirect: str, code: int, message: str
) -> None:
    done = subprocess.run(  # noqa: S603  (our own command through a shell, fixed text)
        ["/bin/sh", "-c", f'"$0" assess - {redirect} < "$1"', str(COMMAND), str(EXAMPLE)]
        if redirect == ">&-"
        else ["/bin/sh", "-c", f'"$0" assess - {redirect}', str(COMMAND)],
        capture_output=True,
        check=False,
    )
    assert code == done.returncode
    assert [message] == done.stderr.decode().splitlines()


def test_a_closed_standard_error_still_writes_every_row(tmp_path: Path) -> None:
    path = claims_file(tmp_path, GOOD, "p2,1980-06-15,2024-13-06,adults,support,individual")
    done = subprocess.run(  # noqa: S603  (our own command through a shell, fixed text)
        ["/bin/sh", "-c", '"$0" assess "$1" 2>&-', str(COMMAND), str(path)],
        capture_output=True,
        check=False,
    )
    assert 1 == done.returncode
    assert 2 == len(rows_of(done.stdout))


def test_the_package_runs_as_the_command(tmp_path: Path) -> None:
    path = claims_file(tmp_path, GOOD)
    done = subprocess.run(  # noqa: S603  (the interpreter running the package)
        [sys.executable, "-m", "inami_ppl", "assess", str(path)],
        capture_output=True,
        check=False,
        env={**os.environ},
    )
    assert 0 == done.returncode
    assert done.stdout.decode().startswith(HEADER + ",allowed,")


def test_excel_output_is_csv_only() -> None:
    done = run("assess", str(EXAMPLE), "--excel", "--output-format", "jsonl")
    assert 2 == done.returncode
    assert "--excel: writes CSV only" in done.stderr.decode()


def test_strict_stop_leaves_no_output_file(tmp_path: Path) -> None:
    path = claims_file(tmp_path, GOOD, "p2,1980-06-15,2024-13-06,adults,support,individual")
    out = tmp_path / "out.csv"
    done = run("assess", str(path), "--strict", "-o", str(out))
    assert 1 == done.returncode
    assert "no output file written" in done.stderr.decode()
    assert not out.exists()
    assert [] == list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--encoding", "klingon"], "--encoding: unknown encoding 'klingon'"),
        (["--date-format", ""], "date_format"),
    ],
)
def test_bad_reading_options_are_usage_errors(args: list[str], message: str) -> None:
    done = run("assess", str(EXAMPLE), *args)
    assert 2 == done.returncode
    assert message in done.stderr.decode()
