"""What the package index shows: links that work there, project addresses, the extras."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import inami_ppl
from support import python_prints

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
README = (ROOT / "README.md").read_text("utf-8")


def test_every_readme_link_is_absolute() -> None:
    links = re.findall(r"\]\(([^)]+)\)", README)
    assert links
    assert all(link.startswith("https://") for link in links), links


def test_the_project_names_its_documentation_source_issues_and_changelog() -> None:
    urls = PROJECT["project"]["urls"]
    assert {"Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_users_see_only_the_pandas_plots_and_spark_extras() -> None:
    assert set(PROJECT["project"]["optional-dependencies"]) == {"pandas", "plots", "spark"}
    assert {"test", "docs", "release", "mutation"} <= set(PROJECT["dependency-groups"])


def test_the_readme_test_command_installs_the_groups_with_a_recent_pip() -> None:
    block = README.split("<!-- test-command -->", 1)[1].split("```sh\n", 1)[1].split("```")[0]
    upgrade = block.index("--upgrade 'pip>=25.1'")
    assert upgrade < block.index("--group test") < block.index("-m pytest")
    assert "scripts/other_pythons.py" in block
    before = README.split("<!-- test-command -->", 1)[0]
    assert re.search(r"takes about \d+ minutes", before)
    assert "3.12 and 3.13" in README.split("<!-- test-command -->", 1)[1]


def test_the_core_never_imports_matplotlib_pandas_or_pyspark() -> None:
    code = (
        "import sys\n"
        "import inami_ppl, inami_ppl.claims, inami_ppl.analytics, inami_ppl.cli\n"
        "loaded = {'matplotlib', 'pandas', 'pyspark', 'numpy'} & set(sys.modules)\n"
        "print(sorted(loaded))\n"
    )
    assert "[]\n" == python_prints(code)


def test_the_version_is_read_when_asked_for_not_when_the_package_loads() -> None:
    code = (
        "import inami_ppl, inami_ppl.cli\n"
        "before = inami_ppl._version.cache_info().misses\n"
        "same = inami_ppl.__version__ == inami_ppl._version()\n"
        "print(before, same, inami_ppl._version.cache_info().misses)\n"
    )
    assert "0 True 1\n" == python_prints(code)
    with pytest.raises(AttributeError, match="no attribute 'version'"):
        inami_ppl.version  # noqa: B018  # type: ignore[attr-defined]
