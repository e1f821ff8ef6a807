"""Every fenced Python example in README.md and docs/ runs (so that no example can rot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# The pages written by hand; those the documentation build writes from the tables
# (docs/_generated) hold no examples and exist only after a build.
PAGES = sorted(
    [
        ROOT / "README.md",
        *(
            page
            for page in (ROOT / "docs").glob("**/*.md")
            if not {"_generated", "_build"} & set(page.relative_to(ROOT / "docs").parts)
        ),
    ]
)


def test_there_are_pages_with_examples() -> None:
    assert any(FENCE.search(page.read_text("utf-8")) for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_of_a_page_run_in_order(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(FENCE.findall(page.read_text("utf-8")), start=1):
        code = compile(block, f"{page.name} example {number}", "exec")
        exec(code, namespace)  # noqa: S102  (our own documentation examples)
    capsys.readouterr()
