"""The ``inami-ppl`` command, run as a user runs it: a separate process, files and pipes.

Each behaviour is checked once through a subprocess (the installed console script)
and, where the branch needs it, in-process through ``main`` (so that coverage sees it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

import inami_ppl
from inami_ppl import _streams, cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"
COMMAND = Path(sys.executable).with_name("inami-ppl")
HEADER = "patient_id,birth_date,date,network,function,setting"
GOOD = "p1,1980-06-15,2024-05-06,adults,support,individual"
SAME_DAY_GROUP = "p1,1980-06-15,2024-05-06,adults,support,group"


def run(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [str(COMMAND), *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        env=env,
    )


def rows_of(output: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output.decode("utf-8"))))


def claims_file(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --- the bundled example, as the README runs it -------------------------------------------


def test_assessing_the_example_file_gives_every_row_its_expected_decision() -> None:
    done = run("assess", str(EXAMPLE), "--summary")
    assert 0 == done.returncode, done.stderr
    rows = rows_of(done.stdout)
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        expected = list(csv.DictReader(stream))
    assert len(expected) == len(rows)
    accepted = [r for r in rows if r["allowed"] == "true"]
    refused = [r for r in rows if r["allowed"] == "false"]
    assert len(accepted) == sum(1 for r in expected if r["expected"] == "accepted")
    assert len(accepted) + len(refused) == len(rows)
    assert Counter(r["reasons"] for r in refused) == Counter(
        r["expected"] for r in expected if r["expected"] != "accepted"
    )
    total = sum(Decimal(r["patient_share"]) for r in accepted)
    assert total == sum(Decimal(r["expected_share"]) for r in expected if r["expected_share"])
    summary = done.stderr.decode()
    assert f"accepted: {len(accepted)}" in summary
    assert f"patient share: {total} EUR" in summary


def test_the_readme_main_command_runs_the_example() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("<!-- main-command -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert "inami-ppl assess examples/claims.csv" in block


# --- formats, standard input, output file ---------------------------------------------------


def test_standard_input_and_output() -> None:
    done = run("assess", "-", stdin=f"{HEADER}\n{GOOD}\n{SAME_DAY_GROUP}\n".encode())
    assert 0 == done.returncode
    assert [("true", ""), ("false", "day.limit")] == [
        (r["allowed"], r["reasons"]) for r in rows_of(done.stdout)
    ]


def test_json_lines_in_and_out(tmp_path: Path) -> None:
    record = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({**record, "setting": "group"}) + "\n")
    done = run("assess", str(path), "--lang", "de")
    assert 0 == done.returncode
    first, second = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert (True, "0.00") == (first["allowed"], first["patient_share"])
    assert ["day.limit"] == second["reasons"]
    assert second["messages"][0].startswith("Nur eine erstattete Sitzung pro Tag")


def test_json_lines_from_standard_input_to_csv_in_a_file(tmp_path: Path) -> None:
    record = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    out = tmp_path / "out.csv"
    done = run(
        "assess",
        "-",
        "--input-format",
        "jsonl",
        "--output-format",
        "csv",
        "-o",
        str(out),
        stdin=(json.dumps(record) + "\n").encode(),
    )
    assert (0, b"") == (done.returncode, done.stdout)
    [row] = rows_of(out.read_bytes())
    assert ("true", "81.74") == (row["allowed"], row["practitioner_fee"])


def test_grouped_streaming_gives_the_same_output(tmp_path: Path) -> None:
    plain = run("assess", str(EXAMPLE))
    grouped = run("assess", str(EXAMPLE), "--grouped")
    assert (0, 0) == (plain.returncode, grouped.returncode)
    assert plain.stdout == grouped.stdout


def test_output_is_the_same_bytes_run_after_run() -> None:
    assert run("assess", str(EXAMPLE)).stdout == run("assess", str(EXAMPLE)).stdout


# --- exit codes and malformed rows ------------------------------------------------------------


def test_malformed_rows_are_reported_with_line_numbers_and_none_is_lost(tmp_path: Path) -> None:
    path = claims_file(
        tmp_path,
        GOOD,
        "p2,1980-06-15,2024-13-01,adults,support,individual",
        "",
        "p3,1980-06-15,2024-05-06,adults,support",
        "p4,1980-06-15,2024-05-06,kids,support,individual",
        "p5,1980-06-15,2024-05-06,adults,support,individual",
    )
    done = run("assess", str(path))
    assert 1 == done.returncode
    rows = rows_of(done.stdout)
    assert ["2", "3", "5", "6", "7"] == [r["line"] for r in rows]
    assert ["true", "", "", "", "true"] == [r["allowed"] for r in rows]
    errors = done.stderr.decode().splitlines()
    assert [
        "inami-ppl: line 3: date: expected an ISO date (YYYY-MM-DD), got '2024-13-01'",
        "inami-ppl: line 5: row: expected 6 cells, as in the header, got '5 cells'",
        "inami-ppl: line 6: network: expected one of 'children_adolescents', 'adults', got 'kids'",
    ] == errors


def test_strict_stops_at_the_first_malformed_row(tmp_path: Path) -> None:
    path = claims_file(tmp_path, "p2,1980-06-15,2024-13-01,adults,support,individual", GOOD)
    done = run("assess", str(path), "--strict")
    assert 1 == done.returncode
    assert "line 2: date" in done.stderr.decode()
    assert "--strict" in done.stderr.decode()
    assert [] == rows_of(done.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assess", "missing.csv"], "cannot read missing.csv"),
        (["assess"], "the following arguments are required: FILE"),
        (["assess", "-", "--lang", "it"], "invalid choice: 'it'"),
        (["rules", "--on", "2024-13-01"], "--on: expected a date YYYY-MM-DD"),
        (["rules", "--on", "2021-08-31"], "a date on or after 2021-09-01"),
        (["rules", "--on", "2028-01-01"], "accept_unconfirmed"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: COMMAND"),
    ],
)
def test_usage_errors_exit_with_2(args: list[str], message: str) -> None:
    done = run(*args)
    assert 2 == done.returncode
    assert message in done.stderr.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: header: expected a header row"),
        ("patient_id,date\n", "line 1: header: expected a column 'birth_date'"),
    ],
)
def test_a_file_without_a_usable_header_exits_with_2(text: str, message: str) -> None:
    done = run("assess", "-", stdin=text.encode())
    assert 2 == done.returncode
    assert message in done.stderr.decode()
    assert b"" == done.stdout


def test_an_output_that_cannot_be_written_exits_with_2(tmp_path: Path) -> None:
    done = run("assess", str(EXAMPLE), "-o", str(tmp_path / "no" / "such" / "dir.csv"))
    assert 2 == done.returncode
    assert "cannot write" in done.stderr.decode()


def test_a_header_only_file_exits_with_0_and_writes_the_header() -> None:
    done = run("assess", "-", stdin=f"{HEADER}\n".encode())
    assert 0 == done.returncode
    assert done.stdout.decode().startswith(HEADER + ",allowed,reasons")


def test_formula_cells_are_neutralised_in_the_output(tmp_path: Path) -> None:
    path = claims_file(
        tmp_path, '"=HYPERLINK(""http://x"")",1980-06-15,2024-05-06,adults,support,individual'
    )
    done = run("assess", str(path))
    [row] = rows_of(done.stdout)
    assert row["patient_id"].startswith("'=")


def test_errors_name_lines_and_fields_never_patients_or_birth_dates(tmp_path: Path) -> None:
    path = claims_file(
        tmp_path,
        "SECRET-ID,1999-02-30,2024-05-06,adults,support,individual",
        "SECRET-ID,2030-01-01,2024-05-06,adults,support,individual",
    )
    done = run("assess", str(path), "--summary")
    assert 1 == done.returncode
    stderr = done.stderr.decode()
    assert "line 2: birth_date" in stderr
    assert "line 3: birth_date" in stderr
    assert "SECRET" not in stderr
    assert "1999-02-30" not in stderr
    assert "2030" not in stderr


# --- rules and version ----------------------------------------------------------------------


def test_rules_lists_every_value_in_force_with_source_and_confidence() -> None:
    done = run("rules", "--on", "2024-05-02")
    assert 0 == done.returncode
    text = done.stdout.decode()
    assert "rule set 2024" in text
    fee = next(line for line in text.splitlines() if line.startswith("fee.individual "))
    assert "81.74" in fee
    assert "2024-01-01..2024-12-31" in fee
    assert "[A] inami-ppl-2021 https://www.inami.fgov.be/" in fee  # the start date is ours
    names = [v.name for v in inami_ppl.ruleset_for(dt.date(2024, 5, 2)).values()]
    listed = [line.split()[0] for line in text.splitlines()[3:]]
    assert names == listed


def test_rules_as_json_has_the_values_of_ruleset_for() -> None:
    done = run("rules", "--on", "2023-05-02", "--json")
    data = json.loads(done.stdout)
    expected = [v.as_dict() for v in inami_ppl.ruleset_for(dt.date(2023, 5, 2)).values()]
    assert ("2021", False, expected) == (data["ruleset"], data["unconfirmed"], data["values"])


def test_rules_after_the_covered_period_on_request_are_marked_unconfirmed() -> None:
    done = run("rules", "--on", "2028-01-01", "--accept-unconfirmed")
    assert 0 == done.returncode
    assert "unconfirmed" in done.stdout.decode().splitlines()[0]


def test_version() -> None:
    done = run("--version")
    assert 0 == done.returncode
    assert f"inami-ppl {inami_ppl.__version__}" == done.stdout.decode().strip()


# --- in-process: progress, pipes ----------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_and_not_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [f"p{i},1980-06-15,2024-05-06,adults,support,individual" for i in range(3000)]
    path = claims_file(tmp_path, *rows)
    out = tmp_path / "out.csv"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(_streams, "PROGRESS_EVERY", 0.0)
    assert 0 == cli.main(["assess", str(path), "-o", str(out)])
    assert re.search(r"\r\d\d% read, ", terminal.getvalue())  # a share, from the bytes read
    assert " rows/s, 0 s left" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r3,000 rows assessed" + " " * 24 + "\n")
    seldom = _Terminal()
    monkeypatch.setattr(sys, "stderr", seldom)
    monkeypatch.setattr(_streams, "PROGRESS_EVERY", 3600.0)
    assert 0 == cli.main(["assess", str(path), "-o", str(out)])
    assert "\r3,000 rows assessed" + " " * 24 + "\n" == seldom.getvalue()
    quiet = _Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert 0 == cli.main(["assess", str(path), "-o", str(out), "--no-progress"])
    assert "" == quiet.getvalue()


def test_in_process_standard_streams_are_left_open(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(f"{HEADER}\n{GOOD}\n".encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert 0 == cli.main(["assess", "-", "--summary"])
    captured = capsysbinary.readouterr()
    assert b",true," in captured.out
    assert b"accepted: 1" in captured.err
    assert not stdin.buffer.closed


def test_a_closed_pipe_stops_the_command_quietly() -> None:
    reader = subprocess.Popen(  # noqa: S603  (our own command)
        [str(COMMAND), "rules", "--on", "2024-05-02"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None
    reader.stdout.close()
    _, stderr = reader.communicate(timeout=60)
    assert b"Traceback" not in stderr


def test_the_module_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inami_ppl.cli", "--version"],
        capture_output=True,
        check=False,
        env={**os.environ},
    )
    assert 0 == done.returncode


class _ClosedPipe(io.StringIO):
    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target.open("w")

    def write(self, text: str) -> int:
        raise BrokenPipeError

    def fileno(self) -> int:
        return self.target.fileno()


def test_a_closed_pipe_in_process_returns_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipe = _ClosedPipe(tmp_path / "sink")
    monkeypatch.setattr(sys, "stdout", pipe)
    try:
        assert cli.EXIT_WRITE == cli.main(["rules", "--on", "2024-05-02"])
    finally:
        pipe.target.close()


def test_the_command_runs_in_a_thread_other_than_the_main_one(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with ThreadPoolExecutor(max_workers=1) as pool:
        code = pool.submit(cli.main, ["assess", str(EXAMPLE), "-o", str(out)]).result()
    assert 0 == code
    assert out.read_text().startswith("patient_id,")


# --- amendment files, estimates, billing codes ---------------------------------------------

AMENDMENT = ROOT / "examples" / "amendment-2025.toml"
IN_2025 = "p1,1980-06-15,2025-06-02,adults,support,individual"


def test_a_2025_session_is_unconfirmed_in_the_output_and_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = claims_file(tmp_path, GOOD, IN_2025)

    assert 0 == cli.main(["assess", str(path), "--summary", "--no-progress"])
    out, err = capsys.readouterr()
    may, june = rows_of(out.encode())
    assert ("false", "") == (may["unconfirmed"], may["unconfirmed_values"])
    assert ("true", "fee.individual") == (june["unconfirmed"], june["unconfirmed_values"])
    assert "" == june["billing_code"]
    assert "unconfirmed (used an estimate or rules after the covered period): 1" in err
    assert "  fee.individual: 1" in err


def test_assess_with_rules_applies_the_amendment_and_cites_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = claims_file(tmp_path, IN_2025, name="c.jsonl")
    path.write_text(json.dumps(dict(zip(HEADER.split(","), IN_2025.split(","), strict=True))))

    assert 0 == cli.main(["assess", str(path), "--rules", str(AMENDMENT), "--no-progress"])
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert ("88.88", False, []) == (
        row["practitioner_fee"],
        row["unconfirmed"],
        row["unconfirmed_values"],
    )
    assert "EXAMPLE-IND" == row["billing_code"]


def test_rules_files_apply_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    later = tmp_path / "later.toml"
    later.write_text(
        AMENDMENT.read_text("utf-8").replace('value = "88.88"', 'value = "90.00"'), "utf-8"
    )
    args = ["rules", "--on", "2025-06-02", "--rules", str(AMENDMENT), "--rules", str(later)]

    assert 0 == cli.main(args)
    fee = next(line for line in capsys.readouterr().out.splitlines() if "fee.individual" in line)
    assert "90.00" in fee
    assert not fee.endswith("estimate")


def test_rules_marks_the_estimates(capsys: pytest.CaptureFixture[str]) -> None:
    assert 0 == cli.main(["rules", "--on", "2025-06-02"])
    lines = capsys.readouterr().out.splitlines()
    assert next(line for line in lines if line.startswith("fee.individual ")).endswith("estimate")
    assert not next(line for line in lines if line.startswith("share.group ")).endswith("estimate")


@pytest.mark.parametrize("command", ["assess", "rules"])
def test_a_malformed_amendment_is_a_usage_error_naming_file_row_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(AMENDMENT.read_text("utf-8").replace('"88.88"', '"-5"'), "utf-8")
    args = [command, str(claims_file(tmp_path, GOOD))] if command == "assess" else [command]

    assert 2 == cli.main(
        [*args, "--rules", str(bad), *(["--on", "2025-01-01"] * (command == "rules"))]
    )
    err = capsys.readouterr().err
    assert f"--rules: {bad}: parameter[0].value: expected" in err
    assert "Traceback" not in err


def test_a_missing_amendment_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert 2 == cli.main(["rules", "--on", "2025-01-01", "--rules", str(tmp_path / "none.toml")])
    assert "none.toml" in capsys.readouterr().err


def test_a_malformed_amendment_from_the_installed_command_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[[parameter]]\nname = "fee.individual"\n', "utf-8")
    done = run("assess", str(claims_file(tmp_path, GOOD)), "--rules", str(bad))
    assert 2 == done.returncode
    assert b"bad.toml: parameter[0].confidence: expected a value, got 'missing'" in done.stderr


def test_rules_diff_lists_what_an_amendment_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert 0 == cli.main(["rules", "diff", str(AMENDMENT)])
    lines = capsys.readouterr().out.splitlines()
    assert "- fee.individual 2025-01-01..open = 81.74 [A] inami-ppl-2021 estimate" in lines
    assert "+ fee.individual 2025-01-01..2025-12-31 = 88.88 [P] example-circular-2025" in lines


def test_rules_diff_of_a_file_that_changes_nothing_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("format = 1\n", "utf-8")
    assert 0 == cli.main(["rules", "diff", str(empty)])
    assert "no change\n" == capsys.readouterr().out


def test_rules_needs_a_date_or_diff(capsys: pytest.CaptureFixture[str]) -> None:
    assert 2 == cli.main(["rules"])
    assert "--on DATE" in capsys.readouterr().err
