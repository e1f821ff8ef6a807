"""Shared pytest options, and the frozen rule table every test reads by default.

The tests of mechanisms must not change when next year's amounts are added to the
bundled table: ``default_rules()`` reads ``tests/fixtures/rules.toml`` during the
tests. The bundled values are pinned in one place, ``test_published_values.py``.
"""

from __future__ import annotations

import pytest

from inami_ppl import rulesets
from support import FIXTURE_TABLE

# The reference engine is code to compare with, not tests (its doctests are the library's).
collect_ignore = ["reference"]


def pytest_configure(config: pytest.Config) -> None:
    rulesets._bundled_table = FIXTURE_TABLE.read_bytes
    rulesets.default_rules.cache_clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden output files from the current code (review the diff!)",
    )
