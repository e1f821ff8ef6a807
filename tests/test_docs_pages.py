"""The documentation pages written from the package list every value, code and message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import inami_ppl
from inami_ppl import Confidence, default_rules
from inami_ppl.messages import LANGUAGES, REASON_CODES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import inami_docs  # noqa: E402  (the docs extension, found through the path above)


def rows(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith("- **`")]


@pytest.mark.parametrize("ruleset", ["2021", "2024"])
def test_a_rule_set_page_lists_every_value_in_force_during_the_rule_set(ruleset: str) -> None:
    page = inami_docs.ruleset_page(ruleset)
    rules = default_rules()
    in_force = {
        (value.name, value.start)
        for day in rules.change_dates()
        if rules.at(day).id == ruleset
        for value in rules.at(day).values()
    }
    listed = rows(page)
    assert len(in_force) == len(listed)
    for value in inami_docs.ruleset_values(ruleset):
        line = next(
            row
            for row in listed
            if row.startswith(f"- **`{value.name}`**") and value.start.isoformat() in row
        )
        assert inami_docs._shown(value) in line
        assert f"`{value.source.confidence.value}`" in line
        assert value.source.key in line
        assert (value.source.url in line) == value.source.url.startswith("https://")


def test_the_two_rule_set_pages_together_list_every_value_of_the_tables() -> None:
    names = {(v.name, v.start) for r in ("2021", "2024") for v in inami_docs.ruleset_values(r)}
    assert {(v.name, v.start) for v in default_rules().values()} == names


def test_the_assumptions_page_lists_exactly_the_values_marked_a() -> None:
    listed = rows(inami_docs.assumptions_page())
    assumed = [v for v in default_rules().values() if v.source.confidence is Confidence.ASSUMPTION]
    assert len(assumed) == len(listed)
    for value in assumed:
        assert any(row.startswith(f"- **`{value.name}`**") for row in listed)


def test_the_reason_codes_page_has_every_code_in_every_language() -> None:
    page = inami_docs.reason_codes_page()
    for code in REASON_CODES:
        assert f"## `{code}`" in page
        for lang in LANGUAGES:
            assert inami_docs.sample_message(code, lang) in page
            assert "{" not in inami_docs.sample_message(code, lang)


def test_the_sources_page_lists_every_source_key_with_its_url() -> None:
    page = inami_docs.sources_page()
    for key, url in default_rules().sources.items():
        assert f"- `{key}`: " in page
        assert url in page


def test_a_value_block_says_when_the_value_is_an_estimate() -> None:
    fees = [v for v in default_rules().values() if v.name == "fee.individual"]
    blocks = [inami_docs._block(v) for v in fees]
    assert [v.estimate for v in fees] == ["**estimate**" in b for b in blocks]
    assert all("(fee, individual session)" in b for b in blocks)


def test_the_api_page_documents_every_public_name() -> None:
    page = inami_docs.api_page()
    for name in inami_ppl.__all__:
        if name != "__version__":
            assert f"inami_ppl.{name}\n" in page
    for module in inami_docs.MODULES:
        assert f".. automodule:: {module}" in page


def test_pages_are_written_once_and_left_alone_when_unchanged(tmp_path: Path) -> None:
    written = inami_docs.write_pages(tmp_path)
    assert sorted(p.name for p in written) == sorted(inami_docs.PAGES)
    times = {p: p.stat().st_mtime_ns for p in written}
    inami_docs.write_pages(tmp_path)
    assert times == {p: p.stat().st_mtime_ns for p in written}


def test_the_extension_writes_the_pages_when_the_build_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connected: list[tuple[str, object]] = []

    class App:
        def connect(self, event: str, handler: object) -> None:
            connected.append((event, handler))

    monkeypatch.setattr(inami_docs, "GENERATED", tmp_path)
    monkeypatch.setattr(inami_docs.write_pages, "__defaults__", (tmp_path,))
    info = inami_docs.setup(App())
    assert info["parallel_read_safe"] is True
    [(event, handler)] = connected
    assert event == "builder-inited"
    handler(App())  # type: ignore[operator]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(inami_docs.PAGES)
