"""``inami-ppl assess --jobs N`` and ``assess_file(jobs=N)``: the same result whatever N.

Most files are judged with the parts run in this process (so that many generated files
can be tried quickly); a few runs start real processes, as users do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import io
import json
import mmap
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inami_ppl import Rules, _collect, _cuts, _jobs, _pipeline, cli, default_rules
from inami_ppl.claims import assess_file
from inami_ppl.claims.rows import split_rows
from inami_ppl.errors import InvalidInputError
from support import python_prints

HEADER = "patient_id,birth_date,date,network,function,setting,note"


class _Here:
    """Stands for a process: its part is judged in this process when it is received."""

    stdout = None

    def __init__(self, task: _jobs.Task) -> None:
        self.task = task

    def poll(self) -> int:
        return 0

    def wait(self) -> int:
        return 0


@contextlib.contextmanager
def parts_here(min_bytes: int = 0) -> Iterator[None]:
    """Cut any file, and judge every part in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_cuts, "MIN_PART_BYTES", min_bytes)
        patch.setattr(_jobs, "_start", _Here)
        patch.setattr(_jobs, "_receive", lambda here: _jobs._outcome_of(_jobs._outcome(here.task)))
        yield


def assess(
    path: Path, jobs: int, *options: str, capture: pytest.CaptureFixture[str]
) -> tuple[int, bytes | None, str]:
    """Exit code, output bytes (``None``: no file) and standard error of one run."""
    out = path.with_name("out.csv")
    out.unlink(missing_ok=True)
    capture.readouterr()
    code = cli.main(
        ["assess", str(path), "--grouped", "--jobs", str(jobs), "-o", str(out), *options]
    )
    err = capture.readouterr().err
    data = out.read_bytes() if out.exists() else None
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no part left
    return code, data, err


# --- generated grouped files, judged in parts in this process -----------------------------

_ADULT = "1980-06-15"
_DATES = [f"2024-05-{day:02d}" for day in range(1, 29)]
_NOTES = ["", "plain", '"two\nlines"', '"a, b\n""quoted"""', '"', 'x"y']


@st.composite
def grouped_files(draw: st.DrawFn) -> str:
    lines = [HEADER]
    patients = draw(st.integers(0, 9))
    for number in range(patients):
        for _ in range(draw(st.integers(1, 4))):
            date = draw(st.sampled_from([*_DATES, "2024-13-01"]))  # one malformed date
            setting = draw(st.sampled_from(["individual", "group"]))
            note = draw(st.sampled_from(_NOTES))
            lines.append(f"p{number},{_ADULT},{date},adults,support,{setting},{note}")
        if draw(st.booleans()) and number:  # a row of an earlier patient: not grouped
            lines.append(f"p{number - 1},{_ADULT},2024-06-03,adults,support,individual,")
    if draw(st.booleans()):
        lines.append("a row with too few cells")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=grouped_files(),
    options=st.sampled_from(
        [(), ("--summary",), ("--strict", "--summary"), ("--excel",), ("--output-format", "jsonl")]
    ),
)
def test_a_grouped_file_judged_in_parts_gives_what_one_process_gives(
    text: str, options: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder, parts_here():
        path = Path(folder) / "claims.csv"
        path.write_text(text, encoding="utf-8", newline="")
        one = assess(path, 1, *options, capture=capsys)
        assert one == assess(path, 2, *options, capture=capsys)
        assert one == assess(path, 3, *options, capture=capsys)


@st.composite
def grouped_jsonl(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    for number in range(draw(st.integers(0, 8))):
        patient: str | int = draw(st.one_of(st.just(f"p{number}"), st.just(number)))
        for _ in range(draw(st.integers(1, 3))):
            record = {
                "patient_id": patient,
                "birth_date": _ADULT,
                "date": draw(st.sampled_from([*_DATES[:5], "2024-13-01"])),
                "network": "adults",
                "function": "support",
                "setting": draw(st.sampled_from(["individual", "group"])),
                "note": draw(st.sampled_from(["", "a\nb", "\u00e9"])),
            }
            lines.append(json.dumps(record))
        lines.extend(
            draw(st.lists(st.sampled_from(["", "not json", "[1]", '{"x": 1}']), max_size=1))
        )
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + "\n".join(lines).encode() + b"\n"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=grouped_jsonl(), options=st.sampled_from([(), ("--output-format", "jsonl")]))
def test_a_grouped_json_lines_file_judged_in_parts_gives_what_one_process_gives(
    data: bytes, options: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder, parts_here():
        path = Path(folder) / "claims.jsonl"
        path.write_bytes(data)
        one = assess(path, 1, "--summary", *options, capture=capsys)
        assert one == assess(path, 2, "--summary", *options, capture=capsys)
        assert one == assess(path, 3, "--summary", *options, capture=capsys)
        claims = list(assess_file(path, grouped=True))
        assert claims == list(assess_file(path, grouped=True, jobs=3))


def test_a_json_line_gives_its_patient_when_it_is_an_object_with_one_id() -> None:
    def patient(text: str) -> str | None:
        return _cuts._json_patient(text.encode(), "utf-8")

    assert '"a"' == patient('{"Patient_ID": "a"}')
    assert "7" == patient('{"patient_id": 7}')
    for text in ("not json", "[1]", '{"x": 1}', '{"patient_id": true}', '{"patient_id": null}'):
        assert patient(text) is None


def _file(tmp_path: Path, *rows: str, name: str = "claims.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _patient(number: int, count: int = 3, note: str = "") -> list[str]:
    return [
        f"p{number},{_ADULT},{_DATES[day]},adults,support,individual,{note}" for day in range(count)
    ]


def test_a_cut_is_made_where_the_patient_changes_with_lines_numbered_from_the_file(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, *[row for n in range(6) for row in _patient(n)])
    with parts_here():
        planned = _cuts.plan(str(path), "utf-8-sig", None, tuple(HEADER.split(",")), 3)
    assert planned is not None
    _, parts = planned
    assert [part.first_line for part in parts] == [2, 8, 14]
    data = path.read_bytes()
    assert [b"p2,", b"p4,"] == [data[part.start : part.start + 3] for part in parts[1:]]


def test_a_part_that_ends_inside_a_quoted_cell_sends_the_file_to_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Lines inside the quoted cell look like rows of two other patients.
    looks = [f"p{n},{_ADULT},2024-05-02,adults,support,individual,x" for n in (8, 9)]
    inside = '"start\n' + "\n".join(looks) + '\nend"'
    path = _file(tmp_path, *_patient(1), *_patient(2, 1, inside), *_patient(3))
    data = path.read_bytes()
    source = _cuts.Source(str(path), "utf-8", ",", tuple(HEADER.split(",")))
    cut = data.index(b"p9,")
    parts = [_cuts.Part(data.index(b"p1,"), cut, 2), _cuts.Part(cut, None, 8)]
    with (
        parts_here(),
        _jobs.parts_judged(
            source, parts, _pipeline.Settings(columns=source.columns), str(tmp_path)
        ) as judged,
    ):
        assert judged is None
    with parts_here():
        assert assess(path, 1, capture=capsys) == assess(path, 4, capture=capsys)


def test_a_patient_in_two_parts_sends_the_file_to_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, *_patient(1), *_patient(2), *_patient(1), *_patient(3))
    with parts_here():
        code, data, err = assess(path, 3, capture=capsys)
        assert (code, data, err) == assess(path, 1, capture=capsys)
    assert 1 == code
    assert "patient_id: expected the rows of one patient next to each other" in err


def test_strict_stops_at_the_row_where_one_process_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = f"p4,{_ADULT},2024-13-01,adults,support,individual,"
    path = _file(tmp_path, *_patient(1), *_patient(2), *_patient(3), bad, *_patient(5))
    with parts_here():
        one = assess(path, 1, "--strict", "--summary", capture=capsys)
        assert one == assess(path, 3, "--strict", "--summary", capture=capsys)
    code, data, err = one
    assert (1, None) == (code, data)
    assert "line 11: date" in err
    assert "rows: 6" in err


def test_files_that_are_not_cut_are_judged_in_one_process(tmp_path: Path) -> None:
    path = _file(tmp_path, *_patient(1), *_patient(2))
    columns = tuple(HEADER.split(","))
    assert _cuts.plan(str(path), "utf-8", None, columns, 2) is None  # too small to pay
    with parts_here():
        assert _cuts.plan(str(path), "utf-8", None, columns, 1) is None
        assert _cuts.plan(str(path), "utf-16", None, columns, 2) is None
        assert _cuts.plan(str(tmp_path / "gone.csv"), "utf-8", None, columns, 2) is None
        assert _cuts.plan(str(tmp_path), "utf-8", None, columns, 2) is None  # a folder
        one = _file(tmp_path, *_patient(1, 9), name="one-patient.csv")
        assert _cuts.plan(str(one), "utf-8", None, columns, 2) is None  # no patient change
        old_mac = tmp_path / "cr.csv"
        old_mac.write_bytes("\r".join([HEADER, *_patient(1), *_patient(2)]).encode())
        assert _cuts.plan(str(old_mac), "utf-8", None, columns, 2) is None
        last = tmp_path / "last.csv"  # the patient changes on the last line, without its end
        last.write_text("\n".join([HEADER, *_patient(1, 9), *_patient(2, 1)]), encoding="utf-8")
        assert _cuts.plan(str(last), "utf-8", None, columns, 2) is None
        long = tmp_path / "long.csv"  # no line starts after the place of the cut
        long.write_text("\n".join([HEADER, *_patient(1, 1), "p2," + "x" * 900]), encoding="utf-8")
        assert _cuts.plan(str(long), "utf-8", None, columns, 2) is None


def test_the_first_part_gets_the_rows_judged_while_the_other_processes_start(
    tmp_path: Path,
) -> None:
    # 59 patients of one row each, every row of the same length.
    rows = [f"p{n:03d},{_ADULT},{_DATES[0]},adults,support,individual," for n in range(59)]
    path = _file(tmp_path, *rows)
    width = len(rows[0]) + 1
    columns = tuple(HEADER.split(","))
    head = 5 * width  # the bytes of 5 rows, judged while the other processes start
    with parts_here(min_bytes=4 * head):  # a start costs a quarter of the least part
        planned = _cuts.plan(str(path), "utf-8", None, columns, 3)
    assert planned is not None
    _, parts = planned
    # 5 rows more for the first part, then the 54 others in thirds.
    assert [part.first_line for part in parts] == [2, 2 + 5 + 18, 2 + 5 + 36]
    with parts_here():  # no start to make up for: thirds of the 59 rows
        planned = _cuts.plan(str(path), "utf-8", None, columns, 3)
    assert planned is not None
    assert [part.first_line for part in planned[1]] == [2, 22, 42]


def test_a_cut_is_looked_for_near_its_place_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, *_patient(1, 9), *_patient(2, 9))
    columns = tuple(HEADER.split(","))
    with parts_here():
        assert _cuts.plan(str(path), "utf-8", None, columns, 3) is not None
        monkeypatch.setattr(_cuts, "_SEARCH_LINES", 1)  # thirds: in the middle of a patient
        assert _cuts.plan(str(path), "utf-8", None, columns, 3) is None


def test_lines_are_counted_as_a_text_reader_counts_them() -> None:
    text = b"a\r\nb\rc\nd\r\n\r\ne\n"
    with tempfile.TemporaryFile() as raw:
        raw.write(text)
        raw.flush()
        with mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as data:
            expected = len(io.StringIO(text.decode(), newline="").readlines())
            for block in (1, 2, 3, 4, 100):
                assert expected == _cuts._count_lines(data, 0, len(text), block)


def test_bytes_that_are_not_utf8_are_reported_with_one_hint_whatever_the_parts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [row for n in range(6) for row in _patient(n, 2)]
    path = tmp_path / "latin.csv"
    path.write_bytes("\n".join([HEADER, *rows]).encode().replace(b"p3,", b"p\xe93,") + b"\n")
    with parts_here():
        one = assess(path, 1, capture=capsys)
        assert one == assess(path, 3, capture=capsys)
    assert 1 == one[2].count("hint: the file is not UTF-8")


def test_standard_input_and_files_without_a_cut_run_in_one_process(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join([HEADER, *_patient(1), *_patient(2)]) + "\n"
    monkeypatch.setattr(_cuts, "MIN_PART_BYTES", 0)
    monkeypatch.setattr(_jobs, "_start", None)  # starting a process would fail
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert 0 == cli.main(["assess", "-", "--grouped", "--jobs", "3"])
    assert capsysbinary.readouterr().out.count(b"\n") == 7
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text('{"patient_id": "a"}\n', encoding="utf-8")
    assert 1 == cli.main(["assess", str(jsonl), "--grouped", "--jobs", "3"])
    assert 2 == cli.main(["assess", str(jsonl), "--date-format", "", "--jobs", "3"])


def test_jobs_must_be_a_number_of_processes(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "two"):
        with pytest.raises(SystemExit):
            cli.main(["assess", "x.csv", "--jobs", bad])
        assert "--jobs: expected a number of processes (1 or more)" in capsys.readouterr().err
    for value in (0, 1.5, True, "2"):
        with pytest.raises(InvalidInputError, match="jobs"):
            list(assess_file(io.StringIO(HEADER), jobs=value))  # type: ignore[arg-type]
    assert _jobs.cores() >= 1


def test_cores_are_those_this_process_may_run_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    assert len(os.sched_getaffinity(0)) == _jobs.cores()
    monkeypatch.setattr(os, "process_cpu_count", lambda: 5, raising=False)
    assert 5 == _jobs.cores()
    monkeypatch.setattr(os, "process_cpu_count", lambda: None, raising=False)
    assert 1 == _jobs.cores()


# --- real processes ---------------------------------------------------------------------


def test_parts_in_processes_give_the_bytes_of_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    note = '"a note\nover two lines"'
    bad = f"p5,{_ADULT},2024-02-30,adults,support,individual,"
    rows = [row for n in range(12) for row in _patient(n, 2, note if n == 4 else "")]
    path = _file(tmp_path, *rows[:10], bad, *rows[10:])
    monkeypatch.setattr(_cuts, "MIN_PART_BYTES", 0)
    one = assess(path, 1, "--summary", capture=capsys)
    assert one == assess(path, 3, "--summary", capture=capsys)
    assert 1 == one[0]
    assert "line 14: date" in one[2]  # after two cells over two lines
    planned = _cuts.plan(str(path), "utf-8", None, tuple(HEADER.split(",")), 3)
    assert planned is not None
    assert 3 == len(planned[1])


# The tests of copies run in a new interpreter: a copy is made only by a process of one thread,
# and this one may run others (a library's, once loaded); Python 3.12 warns when a process
# of several threads is copied.
_COPIES = """
import sys, threading, time
from inami_ppl import _cuts, _jobs, cli

_cuts.MIN_PART_BYTES = 0
used = []
copy, fresh = _jobs._Copy, _jobs._fresh
_jobs._Copy = lambda task: used.append("copy") or copy(task)
_jobs._fresh = lambda task: used.append("fresh") or fresh(task)
path = sys.argv[1]


def output(jobs):
    out = path + f".{len(used)}.out"
    code = cli.main(["assess", path, "--grouped", "--jobs", str(jobs), "-o", out, "--summary"])
    with open(out, "rb") as data:
        return code, data.read()


one = output(1)
alone = _jobs.copies()
with_copies = output(3)
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
shared = _jobs.copies()
with_fresh = output(3)
stop.set()
other.join()
# The system lets the thread go a moment after ``join`` returns.
deadline = time.monotonic() + 30
while not _jobs.copies() and time.monotonic() < deadline:
    time.sleep(0.01)
print(alone, shared, _jobs.copies(), used, one == with_copies == with_fresh, one[0])
"""


def test_the_other_parts_run_in_copies_of_a_process_of_one_thread_else_in_fresh_ones(
    tmp_path: Path,
) -> None:
    path = _file(tmp_path, *[row for n in range(9) for row in _patient(n)])
    out = python_prints(_COPIES.replace("sys.argv[1]", repr(str(path))))
    # A copy could inherit a lock that another thread holds: fresh interpreters then.
    assert "True False True ['copy', 'copy', 'fresh', 'fresh'] True 0\n" == out


def test_the_first_part_is_cut_larger_only_when_the_other_processes_start_slowly(
    tmp_path: Path,
) -> None:
    rows = [f"p{n:03d},{_ADULT},{_DATES[0]},adults,support,individual," for n in range(59)]
    path = _file(tmp_path, *rows)
    columns = tuple(HEADER.split(","))
    with parts_here(min_bytes=4 * 5 * (len(rows[0]) + 1)):
        slow = _cuts.plan(str(path), "utf-8", None, columns, 3)
        quick = _cuts.plan(str(path), "utf-8", None, columns, 3, slow_start=False)
    assert slow is not None
    assert quick is not None
    assert [2, 25, 43] == [part.first_line for part in slow[1]]
    assert [2, 22, 42] == [part.first_line for part in quick[1]]


_STOPPED = """
import os, signal, time
from inami_ppl import _jobs

_jobs._outcome = lambda task: os._exit(7)  # as the copy runs it
dead = _jobs._Copy(None)
while dead.poll() is None:
    time.sleep(0.01)
try:
    _jobs._receive(dead)
except _jobs.PartError as error:
    print(dead.returncode, error, dead.poll() == dead.wait())
_jobs._outcome = lambda task: time.sleep(60)
running = _jobs._Copy(None)
before = running.poll()
running.terminate()
print(before, running.wait() == running.wait() == running.poll() == -signal.SIGTERM)
running.stdout.close()
"""


def test_a_copy_that_dies_is_reported_and_one_still_running_is_stopped() -> None:
    assert "7 a process stopped (exit code 7) True\nNone True\n" == python_prints(_STOPPED)


def _no_fork() -> int:
    raise OSError(errno.EAGAIN, "Resource temporarily unavailable")


def test_a_copy_that_cannot_be_made_fails_the_run_and_leaves_no_descriptor_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, *[row for n in range(6) for row in _patient(n)])
    monkeypatch.setattr(_cuts, "MIN_PART_BYTES", 0)
    monkeypatch.setattr(_jobs, "copies", lambda: True)
    monkeypatch.setattr(os, "fork", _no_fork)
    descriptors = sorted(p.name for p in Path("/proc/self/fd").iterdir())
    code, data, err = assess(path, 2, capture=capsys)
    assert (3, None) == (code, data)
    assert "Resource temporarily unavailable" in err
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", None)  # nothing to flush before the copy
        with pytest.raises(_jobs.PartError, match="Resource temporarily unavailable"):
            _jobs._Copy(None)  # type: ignore[arg-type]
    assert descriptors == sorted(p.name for p in Path("/proc/self/fd").iterdir())


def test_assess_file_in_parts_gives_the_claims_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, *[row for n in range(8) for row in _patient(n)])
    monkeypatch.setattr(_cuts, "MIN_PART_BYTES", 0)
    seen: list[int] = []
    claims = list(assess_file(path, grouped=True, jobs=2, progress=lambda p: seen.append(p.rows)))
    assert claims == list(assess_file(path, grouped=True))
    assert [24] == seen
    assert claims == list(assess_file(path, grouped=True, jobs=2, delimiter=","))
    with parts_here():
        monkeypatch.setattr(_jobs, "_BATCH", 2)
        assert claims == list(assess_file(path, grouped=True, jobs=3))
        alone = _file(tmp_path, *_patient(1), name="alone.csv")
        assert list(
            assess_file(alone, grouped=True, jobs=2, progress=lambda p: seen.append(p.rows))
        )
        assert 3 == seen[-1]
        split = _file(tmp_path, *_patient(1), *_patient(2), *_patient(1), name="split.csv")
        assert list(assess_file(split, grouped=True)) == list(
            assess_file(split, grouped=True, jobs=3)
        )


def test_a_part_that_fails_fails_the_run_with_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, *[row for n in range(6) for row in _patient(n)])
    monkeypatch.setattr(_cuts, "MIN_PART_BYTES", 0)
    made: list[str] = []
    temp = _jobs._temp

    def gone_after_the_first(folder: str, suffix: str, files: list[Path]) -> str:
        if len(made) == 2:
            return str(tmp_path / "gone" / "part")
        made.append(temp(folder, suffix, files))
        return made[-1]

    monkeypatch.setattr(_jobs, "_temp", gone_after_the_first)
    code, data, err = assess(path, 2, capture=capsys)
    assert (3, None) == (code, data)
    assert "cannot write" in err
    assert "No such file or directory" in err
    monkeypatch.setattr(_jobs, "_temp", lambda folder, suffix, files: str(tmp_path / "gone" / "x"))
    assert (3, None) == assess(path, 2, capture=capsys)[:2]  # the first part, here


def test_a_process_that_dies_is_reported_with_its_exit_code() -> None:
    died = subprocess.Popen([sys.executable, "-c", "raise SystemExit(7)"], stdout=subprocess.PIPE)
    with pytest.raises(_jobs.PartError, match="exit code 7"):
        _jobs._receive(died)
    assert ("failed", "AttributeError") == _jobs._outcome(None)  # type: ignore[arg-type]


def test_sigterm_stops_the_parts_and_leaves_no_file(tmp_path: Path) -> None:
    rows = [row for n in range(3000) for row in _patient(n, 5)]
    path = _file(tmp_path, *rows)
    out = tmp_path / "out.csv"
    script = (
        "import sys; from inami_ppl import _cuts, _jobs, _pipeline, cli; _cuts.MIN_PART_BYTES = 0; "
        "sys.exit(cli.main(sys.argv[1:]))"
    )
    command = [sys.executable, "-c", script, "assess", str(path), "--grouped", "-o", str(out)]
    run = subprocess.Popen(  # noqa: S603
        [*command, "--jobs", "2"], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".inami-ppl-part.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert 143 == run.returncode, err
    assert b"terminated: no output file written" in err
    assert ["claims.csv"] == sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize("threshold", [700, 0])
@pytest.mark.parametrize("out_format", ["csv", "jsonl"])
def test_the_collector_runs_less_often_while_a_file_is_judged_then_as_before(
    threshold: int, out_format: Literal["csv", "jsonl"]
) -> None:
    before = gc.get_threshold()
    columns = ("patient_id", "birth_date", "date", "network", "function", "setting")
    lines = ["a,1980-01-01,2024-05-02,adults,support,individual\n"]
    settings = _pipeline.Settings(columns=columns, out_format=out_format)
    seen: list[int] = []
    try:
        gc.set_threshold(threshold, *before[1:])
        done = _pipeline.assess_part(
            split_rows(lines, columns, ","),
            settings,
            lambda _: seen.append(gc.get_threshold()[0]),
            lambda _: None,
        )
        after = gc.get_threshold()[0]
    finally:
        gc.set_threshold(*before)
    assert 1 == done.counter.totals().accepted
    assert [threshold and _collect.COLLECT_AFTER] == seen  # off stays off
    assert threshold == after


def test_the_lean_path_uses_the_rules_given_counts_bad_rows_and_writes_in_batches() -> None:
    # Rows judged by rules whose fee differs from the bundled one that day: the lean path
    # writes what the general path writes with them, reports and counts each malformed
    # row, and hands its lines to ``write`` a batch at a time.
    bundled = default_rules().at(dt.date(2025, 5, 2)).require("fee.individual").value
    amended = default_rules().with_overrides(
        {"fee.individual": str(Decimal(str(bundled)) + 1)}, start=dt.date(2025, 1, 1)
    )
    columns = ("patient_id", "birth_date", "date", "network", "function", "setting")
    lines = [f"p{i},1980-01-01,2025-05-02,adults,support,individual\n" for i in range(600)]
    for at in (10, 300, 590):
        lines[at] = f"p{at},1980-01-01,2025-13-01,adults,support,individual\n"

    def lean(rules: Rules) -> tuple[list[str], list[object], _pipeline.Done]:
        settings = _pipeline.Settings(columns=columns, grouped=True, rules=rules)
        written: list[str] = []
        reported: list[object] = []
        rows = split_rows(lines, columns, ",")
        done = _pipeline.assess_part(
            rows, settings, written.append, reported.append, patients=set()
        )
        return written, reported, done

    settings = _pipeline.Settings(columns=columns, grouped=True, rules=amended)
    line = settings.line()
    general: list[str] = []
    general_reported: list[object] = []
    rows = split_rows(lines, columns, ",")
    _pipeline.judge(
        rows, settings, lambda claim: general.append(line(claim)), general_reported.append
    )
    written, reported, done = lean(amended)
    assert "".join(general) == "".join(written)
    assert "".join(lean(default_rules())[0]) != "".join(written)  # the rules given are used
    assert general_reported == reported
    assert 3 == len(reported) == done.invalid
    assert done.stopped is None
    assert frozenset(f"p{i}" for i in range(600)) == done.patients
    batch = _pipeline._WRITE_AFTER
    assert [batch, batch, 600 - 2 * batch] == [text.count("\n") for text in written]
