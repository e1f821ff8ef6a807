"""The HTML report: one self-contained page, every chart with its table and text alternative."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from inami_ppl import cli
from inami_ppl.claims import assess_file, assess_records
from inami_ppl.report import render_report, write_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"
COMMAND = Path(sys.executable).with_name("inami-ppl")
PNG = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """The parts of the page the tests look at, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sections: list[list[str]] = []  # per section: the tags met, in order
        self.images: list[dict[str, str | None]] = []
        self.addresses: list[str] = []
        self.meta: list[dict[str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.sections.append([])
        elif self.sections:
            self.sections[-1].append(tag)
        if tag == "img":
            self.images.append(found)
        if tag == "meta":
            self.meta.append(found)
        for name in ("src", "href", "action", "data", "poster"):
            if found.get(name):
                self.addresses.append(str(found[name]))


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(assess_file(EXAMPLE))


def test_the_page_loads_nothing_from_anywhere(page: str) -> None:
    parsed = Page(page)
    assert parsed.addresses  # the images are there...
    assert all(a.startswith("data:image/png;base64,") for a in parsed.addresses)  # ...inline
    assert "<script" not in page
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    outside_images = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert not re.search(r"(?i)\b(?:https?|ftp|file|data):|//[a-z0-9]", outside_images)


def test_at_least_five_charts_each_with_alt_text_and_a_table_under_it(page: str) -> None:
    parsed = Page(page)
    with_images = [s for s in parsed.sections if "img" in s]
    assert len(with_images) >= 5
    for tags in parsed.sections:
        assert "table" in tags
        if "img" in tags:
            assert tags.index("img") < tags.index("table")
    for image in parsed.images:
        assert image["alt"]
        assert len(str(image["alt"])) > 40  # says what the chart shows, not just its name
        data = base64.b64decode(str(image["src"]).split(",", 1)[1])
        assert data.startswith(PNG)


def test_the_page_fits_a_narrow_screen(page: str) -> None:
    viewport = [m for m in Page(page).meta if m.get("name") == "viewport"]
    assert viewport
    assert "width=device-width" in str(viewport[0]["content"])
    assert "max-width: 100%" in page  # images shrink with the screen
    assert "overflow-x: auto" in page  # wide tables scroll inside their box


def test_no_patient_id_or_birth_date_appears(page: str) -> None:
    claims = list(assess_file(EXAMPLE))
    for claim in claims:
        assert f">{claim.patient_id}<" not in page
        assert str(claim.cells["birth_date"]) not in page


def test_the_same_claims_give_the_same_page(page: str) -> None:
    assert render_report(assess_file(EXAMPLE)) == page


def test_text_from_the_file_is_escaped() -> None:
    rows = [
        {
            "patient_id": "a",
            "birth_date": "1980-06-15",
            "date": "2024-05-06",
            "network": "adults",
            "function": "support",
            "setting": "individual",
        }
    ]
    text = render_report(assess_records(rows), title="<script>alert(1)</script>")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


# --- writing the file ------------------------------------------------------------------------


def test_the_file_is_written_whole_and_replaces_an_earlier_one(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("an earlier report")
    assert write_report(assess_file(EXAMPLE), out) == out
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary left


def test_a_failed_write_leaves_the_earlier_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.html"
    out.write_text("an earlier report")

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("inami_ppl.report.os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_report(assess_file(EXAMPLE), out)
    assert out.read_text() == "an earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# --- the command -----------------------------------------------------------------------------


def test_the_command_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = subprocess.run(  # noqa: S603  (our own command)
        [str(COMMAND), "report", str(EXAMPLE), "-o", str(out)], capture_output=True, check=False
    )
    assert 0 == done.returncode, done.stderr
    assert len(Page(out.read_text("utf-8")).images) >= 5
    assert b"report written" in done.stderr


def test_malformed_rows_are_reported_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "c.jsonl"
    source.write_text(
        '{"patient_id": "a", "birth_date": "1980-06-15", "date": "2024-13-06", '
        '"network": "adults", "function": "support", "setting": "individual"}\n'
    )
    out = tmp_path / "r.html"
    assert cli.EXIT_INVALID_ROWS == cli.main(
        ["report", str(source), "-o", str(out), "--title", "T"]
    )
    assert "line 1: date" in capsys.readouterr().err
    assert "<title>T</title>" in out.read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", str(EXAMPLE), "-o", str(EXAMPLE)], "overwrite the claims file"),
        (["report", "missing.csv", "-o", "r.html"], "cannot read missing.csv"),
        (["report", str(EXAMPLE), "-o", "/no/such/folder/r.html"], "cannot write"),
    ],
)
def test_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli.EXIT_USAGE == cli.main(args)
    assert message in capsys.readouterr().err


def test_a_file_without_the_required_columns_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "c.csv"
    source.write_text("patient_id,date\na,2024-05-06\n")
    assert cli.EXIT_USAGE == cli.main(["report", str(source), "-o", str(tmp_path / "r.html")])
    assert "line 1" in capsys.readouterr().err


def test_without_the_plots_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "inami_ppl.report", None)
    assert cli.EXIT_USAGE == cli.main(["report", str(EXAMPLE), "-o", str(tmp_path / "r.html")])
    assert "inami-ppl[plots]" in capsys.readouterr().err
