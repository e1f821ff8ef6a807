"""The published values of the bundled rule tables, pinned in one place.

Every other test reads the frozen fixture table (see conftest.py), so that adding next
year's amounts to the bundled table makes this test fail, and only for the rows that
changed: review the new rows against their sources, then update the rows below.
One row per value and period: name, first day, last day (None: open), value, mark,
whether the value is an estimate.
"""

# Asserts put the expected value first, which SIM300 calls a "Yoda condition".

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest

from inami_ppl import RuleValue, load_rules

BUNDLED = load_rules(resources.files("inami_ppl").joinpath("data/rules.toml").read_bytes())

Row = tuple[str, str, str | None, object, str, bool]

PUBLISHED: list[Row] = [
    ("coverage.start", "2021-09-01", "2027-12-31", "2021-09-01", "A", False),
    ("coverage.end", "2021-09-01", "2027-12-31", "2027-12-31", "A", False),
    ("ruleset", "2021-09-01", "2024-03-31", "2021", "SEED", False),
    ("window.policy", "2021-09-01", "2024-03-31", "trailing", "A", False),
    ("window.months", "2021-09-01", "2024-03-31", 12, "A", False),
    ("function.first_line.requires_assessment", "2021-09-01", "2024-03-31", False, "SEED", False),
    ("function.specialized.requires_assessment", "2021-09-01", "2024-03-31", True, "SEED", False),
    ("limit.first_line_individual.adults", "2021-09-01", "2024-03-31", 8, "SEED", False),
    (
        "limit.first_line_individual.children_adolescents",
        "2021-09-01",
        "2024-03-31",
        10,
        "SEED",
        False,
    ),
    ("limit.first_line_group.adults", "2021-09-01", "2024-03-31", 5, "A", False),
    ("limit.first_line_group.children_adolescents", "2021-09-01", "2024-03-31", 8, "A", False),
    ("limit.first_line_total.adults", "2021-09-01", "2024-03-31", 13, "A", False),
    ("limit.first_line_total.children_adolescents", "2021-09-01", "2024-03-31", 18, "A", False),
    ("limit.specialized_individual.adults", "2021-09-01", "2024-03-31", 20, "SEED", False),
    (
        "limit.specialized_individual.children_adolescents",
        "2021-09-01",
        "2024-03-31",
        20,
        "SEED",
        False,
    ),
    ("limit.specialized_group.adults", "2021-09-01", "2024-03-31", 12, "SEED", False),
    ("limit.specialized_group.children_adolescents", "2021-09-01", "2024-03-31", 15, "SEED", False),
    ("target.specialized_individual_average.adults", "2021-09-01", "2024-03-31", 8, "SEED", False),
    (
        "target.specialized_individual_average.children_adolescents",
        "2021-09-01",
        "2024-03-31",
        10,
        "SEED",
        False,
    ),
    (
        "combination.first_line/individual.excluded_by",
        "2021-09-01",
        "2024-03-31",
        "specialized/individual",
        "A",
        False,
    ),
    (
        "combination.specialized/individual.excluded_by",
        "2021-09-01",
        "2024-03-31",
        "first_line/individual",
        "A",
        False,
    ),
    (
        "combination.first_line/group.excluded_by",
        "2021-09-01",
        "2024-03-31",
        "specialized/group",
        "A",
        False,
    ),
    (
        "combination.specialized/group.excluded_by",
        "2021-09-01",
        "2024-03-31",
        "first_line/group",
        "A",
        False,
    ),
    ("age.adults.min", "2021-09-01", None, 15, "SEED", False),
    ("age.children_adolescents.max", "2021-09-01", None, 23, "SEED", False),
    ("day.context_exempt", "2021-09-01", "2024-03-31", True, "S", False),
    ("day.max_sessions", "2021-09-01", "2024-03-31", 1, "S", False),
    ("fee.group.other", "2021-09-01", "2021-12-31", "126.00", "A", False),
    ("fee.group.physician", "2021-09-01", "2021-12-31", "200.00", "A", False),
    ("fee.group.psychologist", "2021-09-01", "2021-12-31", "200.00", "A", False),
    ("fee.individual", "2021-09-01", "2021-12-31", "75.00", "S", False),
    ("network.forced_switch_allowed", "2021-09-01", "2024-03-31", True, "A", False),
    ("network.one_per_window", "2021-09-01", "2024-03-31", True, "S", False),
    ("share.community", "2021-09-01", None, "0.00", "S", False),
    ("share.first_individual_free", "2021-09-01", None, True, "A", False),
    ("share.group", "2021-09-01", None, "2.50", "SEED", False),
    ("share.individual", "2021-09-01", None, "11.00", "SEED", False),
    ("share.individual_preferential", "2021-09-01", None, "4.00", "SEED", False),
    ("video.first_in_person", "2021-09-01", "2024-03-31", True, "P", False),
    ("fee.group.other", "2022-01-01", "2023-12-31", "126.00", "A", True),
    ("fee.group.physician", "2022-01-01", "2023-12-31", "200.00", "A", True),
    ("fee.group.psychologist", "2022-01-01", "2023-12-31", "200.00", "A", True),
    ("fee.individual", "2022-01-01", "2023-12-31", "75.00", "A", True),
    ("fee.group.other", "2024-01-01", "2024-12-31", "137.34", "A", False),
    ("fee.group.physician", "2024-01-01", "2024-12-31", "217.99", "A", False),
    ("fee.group.psychologist", "2024-01-01", "2024-12-31", "217.99", "A", False),
    ("fee.individual", "2024-01-01", "2024-12-31", "81.74", "A", False),
    ("share.youth_free_max_age", "2024-02-01", None, 23, "SEED", False),
    ("ruleset", "2024-04-01", "2027-12-31", "2024", "P", False),
    ("window.policy", "2024-04-01", "2027-12-31", "trailing", "A", False),
    ("window.months", "2024-04-01", "2027-12-31", 12, "A", False),
    ("function.community.requires_assessment", "2024-04-01", "2027-12-31", False, "P", False),
    ("function.support.requires_assessment", "2024-04-01", "2027-12-31", False, "P", False),
    ("function.treatment.requires_assessment", "2024-04-01", "2027-12-31", True, "S", False),
    (
        "function.co_consultation.requires_assessment",
        "2024-04-01",
        "2027-12-31",
        False,
        "SEED",
        False,
    ),
    ("limit.support_individual.adults", "2024-04-01", "2027-12-31", 8, "S", False),
    ("limit.support_individual.children_adolescents", "2024-04-01", "2027-12-31", 10, "S", False),
    ("limit.individual_total.adults", "2024-04-01", "2027-12-31", 20, "A", False),
    ("limit.individual_total.children_adolescents", "2024-04-01", "2027-12-31", 20, "A", False),
    ("target.treatment_individual_average.adults", "2024-04-01", "2027-12-31", 8, "A", False),
    (
        "target.treatment_individual_average.children_adolescents",
        "2024-04-01",
        "2027-12-31",
        10,
        "A",
        False,
    ),
    (
        "combination.support/individual.excluded_by",
        "2024-04-01",
        "2027-12-31",
        "treatment/individual",
        "A",
        False,
    ),
    (
        "counts_as.first_line/individual",
        "2024-04-01",
        "2027-12-31",
        "support/individual",
        "A",
        False,
    ),
    (
        "counts_as.specialized/individual",
        "2024-04-01",
        "2027-12-31",
        "treatment/individual",
        "A",
        False,
    ),
    ("day.context_exempt", "2024-04-01", None, True, "S", False),
    ("day.max_sessions", "2024-04-01", None, 1, "S", False),
    ("network.forced_switch_allowed", "2024-04-01", None, True, "A", False),
    ("network.one_per_window", "2024-04-01", None, True, "A", False),
    ("video.first_in_person", "2024-04-01", None, True, "A", False),
    ("fee.group.other", "2025-01-01", None, "137.34", "A", True),
    ("fee.group.physician", "2025-01-01", None, "217.99", "A", True),
    ("fee.group.psychologist", "2025-01-01", None, "217.99", "A", True),
    ("fee.individual", "2025-01-01", None, "81.74", "A", True),
]


def row(value: RuleValue) -> Row:
    shown = value.as_dict()["value"]
    if isinstance(shown, list):
        shown = ";".join(shown)
    end = None if value.end is None else value.end.isoformat()
    mark = value.source.confidence.value
    return (value.name, value.start.isoformat(), end, shown, mark, value.estimate)


@pytest.mark.parametrize("expected", PUBLISHED, ids=lambda r: f"{r[0]}@{r[1]}")
def test_a_published_value_is_in_the_bundled_tables(expected: Row) -> None:
    assert expected in [row(v) for v in BUNDLED.values()]


def test_the_bundled_tables_hold_no_value_that_is_not_listed_here() -> None:
    assert [] == [row(v) for v in BUNDLED.values() if row(v) not in PUBLISHED]


def test_the_bundled_tables_were_reviewed_within_the_last_year() -> None:
    # The one test that reads today's date: a reminder to check the yearly indexation.
    today = dt.date.today()  # noqa: DTZ011  (local date is fine for a yearly reminder)

    assert (today - BUNDLED.reviewed_on).days <= 366, (
        f"data/rules.toml was last reviewed on {BUNDLED.reviewed_on}: check the amounts "
        "(indexation), the estimates and the coverage end, then update reviewed_on"
    )
