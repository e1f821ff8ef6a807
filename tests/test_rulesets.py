"""The rule tables: strict loading, lookup by date, provenance, and what-if overrides.

``RULES.md`` §1 (rule sets and their dates), §5, §6, §8, §9 (the amounts and limits),
§11 (malformed tables and overrides are errors); ``DESIGN.md`` principle 2 (rules are
data with provenance, loaded strictly).
"""

# Asserts put the expected value first (STYLE.md), which SIM300 calls a "Yoda condition".

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from inami_ppl import (
    Confidence,
    Function,
    InamiPplError,
    InvalidInputError,
    Kind,
    Network,
    OutOfCoverageError,
    RuleDataError,
    Rules,
    Ruleset,
    RuleValue,
    Setting,
    default_rules,
    load_rules,
    ruleset_for,
)
from support import FIXTURE_TABLE

D = dt.date
Location = tuple[str | int, ...]  # keys and list indexes leading to a value of a table
# Mechanism tests read the frozen fixture table, never the bundled one (whose values change).
RULES_TOML = FIXTURE_TABLE
BUNDLED: dict[str, Any] = tomllib.loads(RULES_TOML.read_text("utf-8"))

FIRST_COVERED = D(2021, 9, 1)
LAST_COVERED = D(2027, 12, 31)
# RULES.md §1, §8 (youth free from 2024-02-01), §9 (fees: raised 2022-01-01, indexed
# 2024-01-01 [A], estimates from 2025-01-01).
CHANGE_DATES = (
    D(2021, 9, 1),
    D(2022, 1, 1),
    D(2024, 1, 1),
    D(2024, 2, 1),
    D(2024, 4, 1),
    D(2025, 1, 1),
)

FL_I = Kind(Function.FIRST_LINE, Setting.INDIVIDUAL)
FL_G = Kind(Function.FIRST_LINE, Setting.GROUP)
SP_I = Kind(Function.SPECIALIZED, Setting.INDIVIDUAL)
SP_G = Kind(Function.SPECIALIZED, Setting.GROUP)
SUPPORT_I = Kind(Function.SUPPORT, Setting.INDIVIDUAL)
TREATMENT_I = Kind(Function.TREATMENT, Setting.INDIVIDUAL)


# --------------------------------------------------------------------------------------
# Helpers: the bundled table, copied and changed in one place for each rejection test.


@pytest.fixture
def table() -> dict[str, Any]:
    """A fresh deep copy of the bundled table, free to mutate."""
    return copy.deepcopy(BUNDLED)


def parameter_index(table: dict[str, Any], name: str, start: dt.date) -> int:
    return next(
        i for i, p in enumerate(table["parameter"]) if p["name"] == name and p["start"] == start
    )


def parameter_row(table: dict[str, Any], name: str, start: dt.date) -> dict[str, Any]:
    row: dict[str, Any] = table["parameter"][parameter_index(table, name, start)]
    return row


def assert_rejected(table: dict[str, Any], path: str) -> RuleDataError:
    """Loading ``table`` raises a ``RuleDataError`` whose message starts with ``path``."""
    with pytest.raises(RuleDataError) as info:
        Rules.from_mapping(table)
    return assert_names_path(info.value, path)


def assert_names_path(error: RuleDataError, path: str) -> RuleDataError:
    assert isinstance(error, InamiPplError)
    assert isinstance(error, ValueError)
    assert path == error.field
    assert str(error).startswith(f"{path}: ")
    return error


def value_on(on: dt.date, name: str) -> object:
    """The value named ``name`` in force on ``on`` (as listed by ``Ruleset.values``)."""
    found = [v.value for v in ruleset_for(on).values() if v.name == name]
    assert len(found) == 1, f"{name} on {on}: {found}"
    return found[0]


def test_the_unchanged_bundled_table_is_accepted(table: dict[str, Any]) -> None:
    # Guards every rejection test below: only the mutation can make them fail.
    rules = Rules.from_mapping(table)

    assert CHANGE_DATES == rules.change_dates()


def test_load_rules_reads_the_bundled_toml_bytes() -> None:
    rules = load_rules(RULES_TOML.read_bytes())

    assert Decimal("81.74") == rules.at(D(2024, 5, 2)).decimal("fee.individual")
    assert CHANGE_DATES == rules.change_dates()


# --------------------------------------------------------------------------------------
# Strict loading (DESIGN.md principle 2): each malformed table is a RuleDataError naming
# the path of the bad value.


def test_unknown_top_level_key_is_rejected(table: dict[str, Any]) -> None:
    table["colour"] = "blue"

    assert_rejected(table, "rules.colour")


def test_unknown_key_in_a_ruleset_is_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][0]["colour"] = "blue"

    assert_rejected(table, "ruleset[0].colour")


def test_unknown_key_in_a_limit_row_is_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][0]["limit"][0]["colour"] = "blue"

    assert_rejected(table, "ruleset[0].limit[0].colour")


def test_unknown_key_in_a_parameter_row_is_rejected(table: dict[str, Any]) -> None:
    table["parameter"][3]["colour"] = "blue"

    assert_rejected(table, "parameter[3].colour")


@pytest.mark.parametrize(
    ("section", "path"),
    [
        ("coverage", "coverage.colour"),
        ("window", "window.colour"),
    ],
)
def test_unknown_key_in_coverage_or_window_is_rejected(
    table: dict[str, Any], section: str, path: str
) -> None:
    table[section]["colour"] = "blue"

    assert_rejected(table, path)


def test_missing_source_of_a_parameter_is_rejected(table: dict[str, Any]) -> None:
    del table["parameter"][2]["source"]

    assert_rejected(table, "parameter[2].source")


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("coverage",), "coverage.source"),
        (("ruleset", 1), "ruleset[1].source"),
        (("ruleset", 0, "limit", 2), "ruleset[0].limit[2].source"),
        (("ruleset", 1, "counts_as", 0), "ruleset[1].counts_as[0].source"),
    ],
    ids=["coverage", "ruleset", "limit", "counts_as"],
)
def test_missing_source_anywhere_is_rejected(
    table: dict[str, Any], location: Location, path: str
) -> None:
    row: Any = table
    for step in location:
        row = row[step]
    del row["source"]

    assert_rejected(table, path)


def test_missing_confidence_mark_is_rejected(table: dict[str, Any]) -> None:
    del table["ruleset"][0]["function"][1]["confidence"]

    assert_rejected(table, "ruleset[0].function[1].confidence")


def test_source_key_not_in_sources_is_rejected(table: dict[str, Any]) -> None:
    table["parameter"][0]["source"] = "my-blog"

    error = assert_rejected(table, "parameter[0].source")
    assert "'my-blog'" in str(error)


@pytest.mark.parametrize("mark", ["B", "seed", "", 1, None])
def test_unknown_confidence_mark_is_rejected(table: dict[str, Any], mark: object) -> None:
    table["parameter"][0]["confidence"] = mark

    error = assert_rejected(table, "parameter[0].confidence")
    assert repr(mark) in str(error)


def test_negative_amount_is_rejected(table: dict[str, Any]) -> None:
    index = parameter_index(table, "share.individual", FIRST_COVERED)
    table["parameter"][index]["value"] = "-11.00"

    error = assert_rejected(table, f"parameter[{index}].value")
    assert "'-11.00'" in str(error)


@pytest.mark.parametrize(
    "amount", ["NaN", "Infinity", "-Infinity", "sNaN", math.nan, math.inf], ids=repr
)
def test_non_finite_amount_in_the_table_is_rejected(table: dict[str, Any], amount: object) -> None:
    index = parameter_index(table, "fee.individual", D(2024, 1, 1))
    table["parameter"][index]["value"] = amount

    assert_rejected(table, f"parameter[{index}].value")


def test_non_finite_amount_written_in_toml_is_rejected() -> None:
    text = RULES_TOML.read_bytes().replace(b'value = "11.00"', b"value = nan")
    assert b"value = nan" in text

    with pytest.raises(RuleDataError) as info:
        load_rules(text)

    index = parameter_index(BUNDLED, "share.individual", FIRST_COVERED)
    assert_names_path(info.value, f"parameter[{index}].value")


# Wrong types: (what, where in the table, the bad value, the path the error names).
WRONG_TYPES: list[tuple[str, Location, object, str]] = [
    (
        "string where a count is expected (limit maximum)",
        ("ruleset", 0, "limit", 0, "max", "adults"),
        "8",
        "ruleset[0].limit[0].max.adults",
    ),
    (
        "bool where a count is expected (limit maximum)",
        ("ruleset", 0, "limit", 0, "max", "adults"),
        True,
        "ruleset[0].limit[0].max.adults",
    ),
    (
        "negative count (limit maximum)",
        ("ruleset", 0, "limit", 0, "max", "adults"),
        -1,
        "ruleset[0].limit[0].max.adults",
    ),
    (
        "float where a count is expected (target average)",
        ("ruleset", 0, "target", 0, "average", "adults"),
        8.5,
        "ruleset[0].target[0].average.adults",
    ),
    (
        "bool where an int parameter is expected",
        ("parameter", 1, "value"),
        True,
        "parameter[1].value",
    ),
    (
        "string where an int parameter is expected",
        ("parameter", 1, "value"),
        "15",
        "parameter[1].value",
    ),
    ("bool where the window months are expected", ("window", "months"), True, "window.months"),
    (
        "string where a yes/no parameter is expected",
        ("parameter", 2, "value"),
        "true",
        "parameter[2].value",
    ),
    (
        "int where a yes/no parameter is expected",
        ("parameter", 2, "value"),
        1,
        "parameter[2].value",
    ),
    ("bool where an amount is expected", ("parameter", 15, "value"), True, "parameter[15].value"),
    (
        "list where an amount is expected",
        ("parameter", 15, "value"),
        ["11.00"],
        "parameter[15].value",
    ),
    (
        "amount too large to hold in cents",
        ("parameter", 15, "value"),
        "1e30",
        "parameter[15].value",
    ),
    (
        "text that is not a number as an amount",
        ("parameter", 15, "value"),
        "eleven",
        "parameter[15].value",
    ),
    (
        "string where a parameter start date is expected",
        ("parameter", 0, "start"),
        "2021-09-01",
        "parameter[0].start",
    ),
    (
        "datetime where a parameter start date is expected",
        ("parameter", 0, "start"),
        dt.datetime(2021, 9, 1),  # noqa: DTZ001  (a naive datetime is the bad value under test)
        "parameter[0].start",
    ),
    (
        "string where a rule set end date is expected",
        ("ruleset", 0, "until"),
        "2024-03-31",
        "ruleset[0].until",
    ),
    ("string where the review date is expected", ("reviewed_on",), "2026-11-23", "reviewed_on"),
    ("int where the coverage end is expected", ("coverage", "end"), 2027, "coverage.end"),
    (
        "string where requires_assessment is expected",
        ("ruleset", 0, "function", 1, "requires_assessment"),
        "yes",
        "ruleset[0].function[1].requires_assessment",
    ),
    ("number where a note is expected", ("parameter", 0, "note"), 42, "parameter[0].note"),
    ("number where a window policy is expected", ("window", "policy"), 12, "window.policy"),
    ("list where a window policy is expected", ("window", "policy"), ["trailing"], "window.policy"),
    ("empty rule set id", ("ruleset", 0, "id"), "", "ruleset[0].id"),
    ("number as rule set id", ("ruleset", 0, "id"), 2021, "ruleset[0].id"),
    (
        "unknown function code",
        ("ruleset", 0, "function", 0, "function"),
        "psychotherapy",
        "ruleset[0].function[0].function",
    ),
    (
        "kind without a setting",
        ("ruleset", 0, "limit", 0, "kinds"),
        ["first_line"],
        "ruleset[0].limit[0].kinds[0]",
    ),
    (
        "kind with an unknown setting",
        ("ruleset", 0, "limit", 0, "kinds"),
        ["first_line/solo"],
        "ruleset[0].limit[0].kinds[0]",
    ),
    ("empty list of kinds", ("ruleset", 0, "limit", 0, "kinds"), [], "ruleset[0].limit[0].kinds"),
    (
        "one kind where a list of kinds is expected",
        ("ruleset", 0, "combination", 0, "excluded_by"),
        "specialized/individual",
        "ruleset[0].combination[0].excluded_by",
    ),
    (
        "unknown kind in a target",
        ("ruleset", 0, "target", 0, "kind"),
        "specialized",
        "ruleset[0].target[0].kind",
    ),
    (
        "unknown kind in counts_as",
        ("ruleset", 1, "counts_as", 0, "as"),
        "support",
        "ruleset[1].counts_as[0].as",
    ),
    (
        "unknown network in a maximum",
        ("ruleset", 0, "limit", 0, "max"),
        {"seniors": 5},
        "ruleset[0].limit[0].max.seniors",
    ),
    ("empty table of maxima", ("ruleset", 0, "limit", 0, "max"), {}, "ruleset[0].limit[0].max"),
    (
        "number as a table of maxima",
        ("ruleset", 0, "limit", 0, "max"),
        8,
        "ruleset[0].limit[0].max",
    ),
    ("sources that are not a table", ("sources",), ["https://example.org"], "sources"),
    ("source with an empty URL", ("sources", "caami"), "", "sources"),
]


def test_the_rows_named_by_index_in_these_tests_are_the_expected_ones() -> None:
    # WRONG_TYPES and the tests around it name rows by index; a reordered file must not
    # silently turn a rejection test into a test of another row.
    names = [p["name"] for p in BUNDLED["parameter"]]

    assert ["age.children_adolescents.max", "age.adults.min", "network.one_per_window"] == (
        names[:3]
    )
    assert "share.individual" == names[15]
    assert ["2021", "2024"] == [r["id"] for r in BUNDLED["ruleset"]]
    assert "first_line_individual" == BUNDLED["ruleset"][0]["limit"][0]["id"]
    assert "support_individual" == BUNDLED["ruleset"][1]["limit"][0]["id"]


def put(table: dict[str, Any], location: Location, value: object) -> None:
    """Set the value at ``location`` (keys and list indexes) of ``table``."""
    container: Any = table
    for step in location[:-1]:
        container = container[step]
    container[location[-1]] = value


@pytest.mark.parametrize(
    ("location", "value", "path"),
    [(location, value, path) for _, location, value, path in WRONG_TYPES],
    ids=[what for what, _, _, _ in WRONG_TYPES],
)
def test_value_of_the_wrong_type_is_rejected(
    table: dict[str, Any], location: Location, value: object, path: str
) -> None:
    put(table, location, value)

    assert_rejected(table, path)


def test_overlapping_periods_of_a_parameter_are_rejected(table: dict[str, Any]) -> None:
    parameter_row(table, "fee.individual", FIRST_COVERED)["until"] = D(2022, 1, 31)

    error = assert_rejected(table, "parameter fee.individual")
    assert "'2022-01-01'" in str(error)


def test_open_ended_period_followed_by_another_is_an_overlap(table: dict[str, Any]) -> None:
    later = {**parameter_row(table, "share.youth_free_max_age", D(2024, 2, 1))}
    later["start"] = D(2025, 1, 1)
    table["parameter"].append(later)

    assert_rejected(table, "parameter share.youth_free_max_age")


def test_overlapping_rule_sets_are_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][0]["until"] = D(2024, 4, 30)

    assert_rejected(table, "ruleset")


def test_rule_sets_may_be_listed_in_any_order(table: dict[str, Any]) -> None:
    # Their periods are ordered by their start before they are checked.
    table["ruleset"].reverse()

    assert CHANGE_DATES == Rules.from_mapping(table).change_dates()


def test_parameter_rows_may_be_listed_in_any_order(table: dict[str, Any]) -> None:
    # Parameter periods are ordered by their start before they are checked.
    table["parameter"].reverse()

    rules = Rules.from_mapping(table)

    assert Decimal("75.00") == rules.at(D(2023, 12, 31)).decimal("fee.individual")
    assert Decimal("81.74") == rules.at(D(2024, 1, 1)).decimal("fee.individual")


def test_gap_in_a_required_parameter_is_rejected(table: dict[str, Any]) -> None:
    parameter_row(table, "fee.individual", FIRST_COVERED)["until"] = D(2021, 11, 30)

    error = assert_rejected(table, "parameter fee.individual")
    assert "no gap after 2021-11-30" in str(error)


def test_required_parameter_ending_before_the_coverage_end_is_rejected(
    table: dict[str, Any],
) -> None:
    parameter_row(table, "fee.individual", D(2025, 1, 1))["until"] = D(2026, 12, 31)

    error = assert_rejected(table, "parameter fee.individual")
    assert "reach 2027-12-31" in str(error)


def test_required_parameter_without_any_row_is_rejected(table: dict[str, Any]) -> None:
    table["parameter"] = [p for p in table["parameter"] if p["name"] != "share.group"]

    assert_rejected(table, "parameter share.group")


def test_required_parameter_starting_after_the_coverage_start_is_rejected(
    table: dict[str, Any],
) -> None:
    parameter_row(table, "share.group", FIRST_COVERED)["start"] = D(2022, 1, 1)

    error = assert_rejected(table, "parameter share.group")
    assert "no gap after 2021-08-31" in str(error)


def test_optional_parameter_may_start_late_and_stop_early(table: dict[str, Any]) -> None:
    parameter_row(table, "share.youth_free_max_age", D(2024, 2, 1))["until"] = D(2025, 12, 31)

    rules = Rules.from_mapping(table)

    assert None is rules.at(D(2024, 1, 31)).parameter("share.youth_free_max_age")
    assert 23 == rules.at(D(2025, 12, 31)).integer("share.youth_free_max_age")
    assert None is rules.at(D(2026, 1, 1)).parameter("share.youth_free_max_age")


def test_period_ending_before_it_starts_is_rejected(table: dict[str, Any]) -> None:
    parameter_row(table, "fee.individual", D(2024, 1, 1))["until"] = D(2023, 12, 1)

    error = assert_rejected(table, "parameter fee.individual")
    assert "2024-01-01..2023-12-01" in str(error)


def test_rule_set_ending_before_it_starts_is_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][0]["until"] = D(2021, 8, 1)

    assert_rejected(table, "ruleset")


def test_start_after_the_coverage_end_is_rejected(table: dict[str, Any]) -> None:
    parameter_row(table, "share.youth_free_max_age", D(2024, 2, 1))["start"] = D(2028, 1, 1)

    error = assert_rejected(table, "parameter share.youth_free_max_age")
    assert "a start within 2021-09-01..2027-12-31" in str(error)


def test_start_before_the_coverage_start_is_rejected(table: dict[str, Any]) -> None:
    parameter_row(table, "share.group", FIRST_COVERED)["start"] = D(2021, 8, 1)

    error = assert_rejected(table, "parameter share.group")
    assert "'2021-08-01'" in str(error)


def test_coverage_ending_before_it_starts_is_rejected(table: dict[str, Any]) -> None:
    table["coverage"]["end"] = D(2020, 1, 1)

    assert_rejected(table, "coverage.end")


@pytest.mark.parametrize(
    ("coverage_end", "path"),
    [(LAST_COVERED, "ruleset"), (D(2021, 8, 31), "coverage.end")],
    ids=["full coverage", "empty coverage"],
)
def test_tables_without_any_rule_set_are_rejected(
    table: dict[str, Any], coverage_end: dt.date, path: str
) -> None:
    table["ruleset"] = []
    table["coverage"]["end"] = coverage_end

    assert_rejected(table, path)


def test_unknown_parameter_name_is_rejected(table: dict[str, Any]) -> None:
    table["parameter"][0]["name"] = "fee.travel"

    error = assert_rejected(table, "parameter[0].name")
    assert "'fee.travel'" in str(error)


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_format_other_than_1_is_rejected(table: dict[str, Any], version: object) -> None:
    table["format"] = version

    error = assert_rejected(table, "format")
    assert repr(version) in str(error)


@pytest.mark.parametrize(
    "data",
    [b"format = ", b"format = 1\n[coverage\n", b"= 1"],
    ids=["no value", "unclosed table header", "no key"],
)
def test_invalid_toml_is_rejected(data: bytes) -> None:
    with pytest.raises(RuleDataError) as info:
        load_rules(data)

    assert_names_path(info.value, "rules")


def test_non_utf8_bytes_are_rejected() -> None:
    data = RULES_TOML.read_bytes().replace(b"Article 10", b"Artikel \xe9 10")

    with pytest.raises(RuleDataError) as info:
        load_rules(data)

    assert_names_path(info.value, "rules")


def test_unknown_key_in_toml_bytes_is_rejected() -> None:
    data = b'colour = "blue"\n' + RULES_TOML.read_bytes()

    with pytest.raises(RuleDataError) as info:
        load_rules(data)

    assert_names_path(info.value, "rules.colour")


def test_function_listed_twice_in_a_ruleset_is_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][0]["function"].append(copy.deepcopy(table["ruleset"][0]["function"][0]))

    assert_rejected(table, "ruleset[0].function")


def test_limit_naming_a_kind_of_another_rulesets_function_is_rejected(
    table: dict[str, Any],
) -> None:
    table["ruleset"][0]["limit"][0]["kinds"] = ["first_line/individual", "support/individual"]

    error = assert_rejected(table, "ruleset[0].limit[first_line_individual]")
    assert "'support/individual'" in str(error)


def test_combination_naming_a_kind_of_another_rulesets_function_is_rejected(
    table: dict[str, Any],
) -> None:
    table["ruleset"][1]["combination"][0]["excluded_by"] = ["specialized/individual"]

    assert_rejected(table, "ruleset[1].combination")


def test_counts_as_from_a_kind_of_its_own_ruleset_is_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][1]["counts_as"][0]["kind"] = "support/group"

    error = assert_rejected(table, "ruleset[1].counts_as")
    assert "'support/group'" in str(error)


def test_counts_as_into_a_kind_of_another_ruleset_is_rejected(table: dict[str, Any]) -> None:
    table["ruleset"][1]["counts_as"][0]["as"] = "specialized/group"

    assert_rejected(table, "ruleset[1].counts_as")


@pytest.mark.parametrize("kind", ["community/individual", "co_consultation/group"])
def test_kind_with_a_setting_its_function_does_not_have_is_rejected(
    table: dict[str, Any], kind: str
) -> None:
    # RULES.md §3: community is group only, co-consultation individual only.
    table["ruleset"][1]["limit"][0]["kinds"] = [kind]

    error = assert_rejected(table, "ruleset[1].limit[support_individual]")
    assert repr(kind) in str(error)


@pytest.mark.parametrize(
    ("location", "value", "path"),
    [
        (("ruleset", 0, "limit"), {"id": "x"}, "ruleset[0].limit"),
        (("ruleset", 1, "counts_as"), "none", "ruleset[1].counts_as"),
        (("ruleset", 0, "limit"), [1], "ruleset[0].limit[0]"),
        (("ruleset",), {"id": "2021"}, "ruleset"),
        (("parameter",), {}, "parameter"),
        (("parameter", 0), "fee.individual", "parameter[0]"),
        (("ruleset",), ["2021"], "ruleset[0]"),
        (("coverage",), "2021-09-01..2027-12-31", "coverage"),
    ],
    ids=[
        "limits as a table",
        "counts_as as text",
        "a limit row that is not a table",
        "rule sets as a table",
        "parameters as a table",
        "a parameter row that is not a table",
        "a rule set that is not a table",
        "coverage as text",
    ],
)
def test_sub_tables_of_the_wrong_shape_are_rejected(
    table: dict[str, Any], location: Location, value: object, path: str
) -> None:
    put(table, location, value)

    assert_rejected(table, path)


def test_unknown_window_policy_is_rejected_when_loading(table: dict[str, Any]) -> None:
    # RULES.md §4: the window policy is data; DESIGN.md principle 2: loading validates
    # strictly. The known names are those of inami_ppl.periods.window_policy.
    table["window"]["policy"] = "weekly"

    error = assert_rejected(table, "window.policy")
    assert "'weekly'" in str(error)


def test_episode_window_policy_is_accepted(table: dict[str, Any]) -> None:
    # RULES.md §4: an alternative anchoring is a data change only.
    for ruleset in table["ruleset"]:
        ruleset["window"]["policy"] = "episode"

    rules = Rules.from_mapping(table)

    assert "episode" == rules.at(D(2022, 5, 2)).window.policy
    assert "episode" == rules.at(D(2024, 5, 2)).window.policy


def test_a_limit_without_a_maximum_for_a_network_has_none_for_it(table: dict[str, Any]) -> None:
    table["ruleset"][0]["limit"][0]["max"] = {"adults": 8}

    limit = Rules.from_mapping(table).at(D(2022, 1, 1)).limits[0]

    assert 8 == limit.maximum(Network.ADULTS)
    assert None is limit.maximum(Network.CHILDREN_ADOLESCENTS)


# --------------------------------------------------------------------------------------
# Rule sets by date (RULES.md §1): the day before and the day of each change.


def test_day_before_the_first_covered_date_is_out_of_coverage() -> None:
    with pytest.raises(OutOfCoverageError) as info:
        ruleset_for(D(2021, 8, 31))

    error = info.value
    assert isinstance(error, InvalidInputError)
    assert isinstance(error, InamiPplError)
    assert isinstance(error, ValueError)
    assert "date" == error.field
    assert "2021, 8, 31" in str(error)


def test_first_covered_date_is_in_ruleset_2021() -> None:
    ruleset = ruleset_for(FIRST_COVERED)

    assert "2021" == ruleset.id
    assert FIRST_COVERED == ruleset.start
    assert D(2024, 3, 31) == ruleset.end


@pytest.mark.parametrize(
    ("name", "before", "expected_before", "on", "expected_on"),
    [
        # RULES.md §9: indexed fees from 2024-01-01 [A].
        ("fee.individual", D(2023, 12, 31), Decimal("75.00"), D(2024, 1, 1), Decimal("81.74")),
        (
            "fee.group.psychologist",
            D(2023, 12, 31),
            Decimal("200.00"),
            D(2024, 1, 1),
            Decimal("217.99"),
        ),
        (
            "fee.group.physician",
            D(2023, 12, 31),
            Decimal("200.00"),
            D(2024, 1, 1),
            Decimal("217.99"),
        ),
        ("fee.group.other", D(2023, 12, 31), Decimal("126.00"), D(2024, 1, 1), Decimal("137.34")),
        # RULES.md §8.2: free for patients aged 23 or younger from 2024-02-01.
        ("share.youth_free_max_age", D(2024, 1, 31), None, D(2024, 2, 1), 23),
    ],
)
def test_dated_parameter_changes_exactly_on_its_date(
    name: str, before: dt.date, expected_before: object, on: dt.date, expected_on: object
) -> None:
    def current(day: dt.date) -> object:
        parameter = ruleset_for(day).parameter(name)
        return None if parameter is None else parameter.value

    assert expected_before == current(before)
    assert expected_on == current(on)


def test_ruleset_2024_starts_on_2024_04_01() -> None:
    assert "2021" == ruleset_for(D(2024, 3, 31)).id
    assert "2024" == ruleset_for(D(2024, 4, 1)).id


def test_rules_change_only_on_the_dates_of_rules_md() -> None:
    assert CHANGE_DATES == default_rules().change_dates()


@pytest.mark.parametrize(
    ("on", "valid_from", "valid_until"),
    [
        (D(2021, 9, 1), D(2021, 9, 1), D(2021, 12, 31)),
        (D(2024, 1, 15), D(2024, 1, 1), D(2024, 1, 31)),
        (D(2024, 3, 31), D(2024, 2, 1), D(2024, 3, 31)),
        (D(2026, 6, 1), D(2025, 1, 1), D(2027, 12, 31)),
    ],
)
def test_ruleset_tells_the_span_over_which_nothing_changes(
    on: dt.date, valid_from: dt.date, valid_until: dt.date
) -> None:
    ruleset = ruleset_for(on)

    assert (valid_from, valid_until) == (ruleset.valid_from, ruleset.valid_until)


def test_last_covered_date_is_confirmed() -> None:
    ruleset = ruleset_for(LAST_COVERED)

    assert "2024" == ruleset.id
    assert False is ruleset.unconfirmed


def test_day_after_the_last_covered_date_is_out_of_coverage() -> None:
    with pytest.raises(OutOfCoverageError) as info:
        ruleset_for(D(2028, 1, 1))

    assert "date" == info.value.field
    assert "accept_unconfirmed" in str(info.value)


def test_after_the_coverage_the_last_values_apply_when_accepted_unconfirmed() -> None:
    last = ruleset_for(LAST_COVERED)

    ruleset = ruleset_for(D(2030, 6, 1), accept_unconfirmed=True)

    assert True is ruleset.unconfirmed
    assert "2024" == ruleset.id
    assert Decimal("81.74") == ruleset.decimal("fee.individual")
    assert [v.as_dict() for v in last.values()] == [v.as_dict() for v in ruleset.values()]


def test_accept_unconfirmed_does_not_open_dates_before_the_coverage() -> None:
    with pytest.raises(OutOfCoverageError):
        ruleset_for(D(2021, 8, 31), accept_unconfirmed=True)


@pytest.mark.parametrize(
    "on",
    [dt.datetime(2024, 5, 2, 10, 0), "2024-05-02", 20240502],  # noqa: DTZ001
    ids=["datetime", "string", "int"],
)
def test_ruleset_for_requires_a_plain_date(on: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        ruleset_for(on)  # type: ignore[arg-type]

    assert "on" == info.value.field
    assert repr(on) in str(info.value)


def test_ruleset_for_uses_the_rules_it_is_given() -> None:
    rules = default_rules().with_overrides({"share.group": "3.00"})

    assert Decimal("3.00") == ruleset_for(D(2022, 1, 1), rules=rules).decimal("share.group")
    assert Decimal("2.50") == ruleset_for(D(2022, 1, 1)).decimal("share.group")


# --------------------------------------------------------------------------------------
# Provenance (DESIGN.md principle 2): every value carries a period, a source and a mark.


def assert_has_provenance(value: RuleValue, sources: Mapping[str, str]) -> None:
    assert isinstance(value.start, dt.date), value.name
    assert value.source.key in sources, value.name
    assert sources[value.source.key] == value.source.url, value.name
    assert value.source.url, value.name
    assert isinstance(value.source.confidence, Confidence), value.name


def test_every_value_of_the_tables_has_a_period_a_source_and_a_mark() -> None:
    values = default_rules().values()

    assert len(values) > 40
    for value in values:
        assert_has_provenance(value, default_rules().sources)


@pytest.mark.parametrize("on", CHANGE_DATES)
def test_every_value_in_force_on_a_change_date_has_its_provenance(on: dt.date) -> None:
    for value in ruleset_for(on).values():
        assert_has_provenance(value, default_rules().sources)
        assert value.start <= on, value.name
        assert value.end is None or on <= value.end, value.name


def test_every_value_serialises_to_json() -> None:
    listed = [v.as_dict() for v in default_rules().values()]

    assert listed == json.loads(json.dumps(listed))


def test_rule_value_as_dict_gives_amounts_as_text_and_dates_in_iso() -> None:
    share = next(v for v in ruleset_for(D(2024, 5, 2)).values() if v.name == "share.group")

    assert {
        "name": "share.group",
        "value": "2.50",
        "start": "2021-09-01",
        "end": None,
        "source": "inami-ppl-2021",
        "url": BUNDLED["sources"]["inami-ppl-2021"],
        "confidence": "SEED",
        "note": None,
        "estimate": False,
    } == share.as_dict()


def test_rule_value_as_dict_lists_sets_sorted() -> None:
    combination = next(
        v
        for v in ruleset_for(D(2022, 1, 1)).values()
        if v.name == "combination.first_line/individual.excluded_by"
    )

    assert ["specialized/individual"] == combination.as_dict()["value"]
    assert "2024-03-31" == combination.as_dict()["end"]


# --------------------------------------------------------------------------------------
# The key amounts and limits against RULES.md (expected value first).

KEY_VALUES: list[tuple[dt.date, str, object]] = [
    # §1 coverage.
    (D(2022, 1, 1), "coverage.start", D(2021, 9, 1)),
    (D(2022, 1, 1), "coverage.end", D(2027, 12, 31)),
    # §2 ages.
    (D(2022, 1, 1), "age.children_adolescents.max", 23),
    (D(2022, 1, 1), "age.adults.min", 15),
    # §4 the window.
    (D(2022, 1, 1), "window.policy", "trailing"),
    (D(2022, 1, 1), "window.months", 12),
    # §5 quotas of rule set 2021 (children & adolescents | adults).
    (D(2022, 1, 1), "limit.first_line_individual.children_adolescents", 10),
    (D(2022, 1, 1), "limit.first_line_individual.adults", 8),
    (D(2022, 1, 1), "limit.first_line_group.children_adolescents", 8),
    (D(2022, 1, 1), "limit.first_line_group.adults", 5),
    (D(2022, 1, 1), "limit.first_line_total.children_adolescents", 18),
    (D(2022, 1, 1), "limit.first_line_total.adults", 13),
    (D(2022, 1, 1), "limit.specialized_individual.children_adolescents", 20),
    (D(2022, 1, 1), "limit.specialized_individual.adults", 20),
    (D(2022, 1, 1), "limit.specialized_group.children_adolescents", 15),
    (D(2022, 1, 1), "limit.specialized_group.adults", 12),
    (D(2022, 1, 1), "target.specialized_individual_average.children_adolescents", 10),
    (D(2022, 1, 1), "target.specialized_individual_average.adults", 8),
    (D(2024, 3, 31), "limit.first_line_individual.adults", 8),
    # §6 quotas of rule set 2024.
    (D(2024, 4, 1), "limit.support_individual.children_adolescents", 10),
    (D(2024, 4, 1), "limit.support_individual.adults", 8),
    (D(2024, 4, 1), "limit.individual_total.children_adolescents", 20),
    (D(2024, 4, 1), "limit.individual_total.adults", 20),
    (D(2024, 4, 1), "counts_as.first_line/individual", "support/individual"),
    (D(2024, 4, 1), "counts_as.specialized/individual", "treatment/individual"),
    (
        D(2024, 4, 1),
        "combination.support/individual.excluded_by",
        frozenset({"treatment/individual"}),
    ),
    # §7 other checks.
    (D(2022, 1, 1), "day.max_sessions", 1),
    (D(2024, 4, 1), "day.max_sessions", 1),
    (D(2022, 1, 1), "day.context_exempt", True),
    (D(2022, 1, 1), "video.first_in_person", True),
    (D(2024, 4, 1), "video.first_in_person", True),
    (D(2022, 1, 1), "function.specialized.requires_assessment", True),
    (D(2022, 1, 1), "function.first_line.requires_assessment", False),
    (D(2024, 4, 1), "function.treatment.requires_assessment", True),
    (D(2024, 4, 1), "function.support.requires_assessment", False),
    # §8 patient shares.
    (D(2022, 1, 1), "share.community", Decimal("0.00")),
    (D(2022, 1, 1), "share.first_individual_free", True),
    (D(2022, 1, 1), "share.individual", Decimal("11.00")),
    (D(2022, 1, 1), "share.individual_preferential", Decimal("4.00")),
    (D(2022, 1, 1), "share.group", Decimal("2.50")),
    (D(2024, 2, 1), "share.youth_free_max_age", 23),
    (D(2027, 12, 31), "share.individual", Decimal("11.00")),
    # §9 practitioner fees.
    (D(2021, 9, 1), "fee.individual", Decimal("75.00")),
    (D(2021, 9, 1), "fee.group.psychologist", Decimal("200.00")),
    (D(2021, 9, 1), "fee.group.physician", Decimal("200.00")),
    (D(2021, 9, 1), "fee.group.other", Decimal("126.00")),
    (D(2024, 1, 1), "fee.individual", Decimal("81.74")),
    (D(2024, 1, 1), "fee.group.psychologist", Decimal("217.99")),
    (D(2024, 1, 1), "fee.group.physician", Decimal("217.99")),
    (D(2024, 1, 1), "fee.group.other", Decimal("137.34")),
]


@pytest.mark.parametrize(
    ("on", "name", "expected"), KEY_VALUES, ids=[f"{n}@{d}" for d, n, _ in KEY_VALUES]
)
def test_key_values_match_rules_md(on: dt.date, name: str, expected: object) -> None:
    assert expected == value_on(on, name)


@pytest.mark.parametrize(
    ("on", "kind"),
    [
        (D(2024, 4, 1), Kind(Function.COMMUNITY, Setting.GROUP)),
        (D(2024, 4, 1), Kind(Function.SUPPORT, Setting.GROUP)),
        (D(2024, 4, 1), Kind(Function.TREATMENT, Setting.GROUP)),
        (D(2024, 4, 1), Kind(Function.CO_CONSULTATION, Setting.INDIVIDUAL)),
    ],
)
def test_kinds_without_a_maximum_in_2024(on: dt.date, kind: Kind) -> None:
    # RULES.md §6: group sessions have no maximum; co-consultations do not count [A].
    assert [] == [limit.id for limit in ruleset_for(on).limits if kind in limit.kinds]


@pytest.mark.parametrize(
    ("on", "name", "expected"),
    [
        (D(2022, 1, 1), "limit.first_line_individual.adults", Confidence.SEED),
        (D(2022, 1, 1), "limit.specialized_group.adults", Confidence.SEED),
        (D(2022, 1, 1), "combination.first_line/individual.excluded_by", Confidence.ASSUMPTION),
        (D(2024, 4, 1), "limit.support_individual.adults", Confidence.SECONDARY),
        # [S; A that 20 is a joint ceiling]: the weaker mark.
        (D(2024, 4, 1), "limit.individual_total.adults", Confidence.ASSUMPTION),
        (D(2024, 4, 1), "counts_as.first_line/individual", Confidence.ASSUMPTION),
        (D(2022, 1, 1), "window.policy", Confidence.ASSUMPTION),
        (D(2021, 10, 1), "fee.individual", Confidence.SECONDARY),
        # §9: from 2022-01-01 the amount is not known; the estimate is ours.
        (D(2022, 1, 1), "fee.individual", Confidence.ASSUMPTION),
        (D(2025, 1, 1), "fee.individual", Confidence.ASSUMPTION),
        # §5: the reading of the first-line mix is ours, on the joint and the group maxima.
        (D(2022, 1, 1), "limit.first_line_total.adults", Confidence.ASSUMPTION),
        (D(2022, 1, 1), "limit.first_line_group.adults", Confidence.ASSUMPTION),
        # §1: the end of the covered period is ours; §2: the forced move at 24 too.
        (D(2022, 1, 1), "coverage.end", Confidence.ASSUMPTION),
        (D(2022, 1, 1), "network.forced_switch_allowed", Confidence.ASSUMPTION),
        (D(2022, 1, 1), "fee.group.other", Confidence.ASSUMPTION),
        # §9: the amount is [SEED], its date 2024-01-01 is ours: "keep it in data, marked [A]".
        (D(2024, 1, 1), "fee.individual", Confidence.ASSUMPTION),
        (D(2024, 1, 1), "fee.group.psychologist", Confidence.ASSUMPTION),
        (D(2024, 2, 1), "share.youth_free_max_age", Confidence.SEED),
        (D(2024, 4, 1), "video.first_in_person", Confidence.ASSUMPTION),
    ],
)
def test_confidence_marks_match_rules_md(on: dt.date, name: str, expected: Confidence) -> None:
    marks = [v.source.confidence for v in ruleset_for(on).values() if v.name == name]

    assert [expected] == marks


@pytest.mark.parametrize(
    ("on", "kind", "expected"),
    [
        # RULES.md §6 transition: 2021 sessions count as their 2024 counterparts.
        (D(2024, 4, 1), FL_I, SUPPORT_I),
        (D(2024, 4, 1), SP_I, TREATMENT_I),
        (D(2024, 4, 1), FL_G, None),
        (D(2024, 4, 1), SP_G, None),
        (D(2024, 4, 1), SUPPORT_I, SUPPORT_I),
        # Before 2024-04-01 the 2024 functions do not exist.
        (D(2024, 3, 31), SUPPORT_I, None),
        (D(2024, 3, 31), FL_I, FL_I),
    ],
)
def test_how_a_session_kind_counts_under_a_ruleset(
    on: dt.date, kind: Kind, expected: Kind | None
) -> None:
    assert expected == ruleset_for(on).counts_as_kind(kind)


def test_functions_in_force_per_ruleset() -> None:
    before, after = ruleset_for(D(2024, 3, 31)), ruleset_for(D(2024, 4, 1))

    assert [Function.FIRST_LINE, Function.SPECIALIZED] == [
        f for f in Function if before.in_force(f)
    ]
    assert [
        Function.COMMUNITY,
        Function.SUPPORT,
        Function.TREATMENT,
        Function.CO_CONSULTATION,
    ] == [f for f in Function if after.in_force(f)]
    assert None is before.function_rule(Function.SUPPORT)
    rule = after.function_rule(Function.TREATMENT)
    assert rule is not None
    assert True is rule.requires_assessment


def test_kinds_of_ruleset_2024_in_table_order() -> None:
    assert (
        Kind(Function.COMMUNITY, Setting.GROUP),
        Kind(Function.SUPPORT, Setting.INDIVIDUAL),
        Kind(Function.SUPPORT, Setting.GROUP),
        Kind(Function.TREATMENT, Setting.INDIVIDUAL),
        Kind(Function.TREATMENT, Setting.GROUP),
        Kind(Function.CO_CONSULTATION, Setting.INDIVIDUAL),
    ) == ruleset_for(D(2024, 4, 1)).kinds()


def test_typed_accessors_read_parameters() -> None:
    ruleset = ruleset_for(D(2024, 5, 2))

    assert Decimal("2.50") == ruleset.decimal("share.group")
    assert 15 == ruleset.integer("age.adults.min")
    assert True is ruleset.flag("share.first_individual_free")


def test_requiring_a_parameter_not_in_force_is_a_rule_data_error() -> None:
    ruleset: Ruleset = ruleset_for(D(2024, 1, 31))

    with pytest.raises(RuleDataError) as info:
        ruleset.require("share.youth_free_max_age")

    assert "share.youth_free_max_age" == info.value.value
    assert None is ruleset.parameter("share.youth_free_max_age")


# --------------------------------------------------------------------------------------
# with_overrides: what-if rule changes and newly published amounts.


def test_what_if_amount_applies_from_its_start_date() -> None:
    rules = default_rules().with_overrides(
        {"fee.individual": "90"}, start=D(2025, 1, 1), source="what-if"
    )

    assert Decimal("81.74") == rules.at(D(2024, 12, 31)).decimal("fee.individual")
    assert Decimal("90.00") == rules.at(D(2025, 1, 1)).decimal("fee.individual")
    assert Decimal("90.00") == rules.at(LAST_COVERED).decimal("fee.individual")


def test_what_if_amount_with_an_end_gives_back_the_old_value_after_it() -> None:
    rules = default_rules().with_overrides(
        {"share.individual": "12.50"}, start=D(2025, 1, 1), end=D(2025, 12, 31)
    )

    assert Decimal("11.00") == rules.at(D(2024, 12, 31)).decimal("share.individual")
    assert Decimal("12.50") == rules.at(D(2025, 1, 1)).decimal("share.individual")
    assert Decimal("12.50") == rules.at(D(2025, 12, 31)).decimal("share.individual")
    assert Decimal("11.00") == rules.at(D(2026, 1, 1)).decimal("share.individual")


def test_what_if_amount_across_a_change_trims_both_neighbours() -> None:
    rules = default_rules().with_overrides(
        {"fee.individual": "80"}, start=D(2023, 6, 1), end=D(2024, 6, 30)
    )

    assert Decimal("75.00") == rules.at(D(2023, 5, 31)).decimal("fee.individual")
    assert Decimal("80.00") == rules.at(D(2023, 6, 1)).decimal("fee.individual")
    assert Decimal("80.00") == rules.at(D(2024, 6, 30)).decimal("fee.individual")
    assert Decimal("81.74") == rules.at(D(2024, 7, 1)).decimal("fee.individual")


def test_what_if_amount_without_dates_covers_the_whole_coverage() -> None:
    rules = default_rules().with_overrides({"fee.individual": Decimal("70")})

    assert Decimal("70.00") == rules.at(FIRST_COVERED).decimal("fee.individual")
    assert Decimal("70.00") == rules.at(LAST_COVERED).decimal("fee.individual")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("fee.individual", 90, Decimal("90.00")),
        ("fee.individual", 90.5, Decimal("90.50")),
        ("age.adults.min", 16, 16),
        ("network.one_per_window", False, False),
    ],
)
def test_override_values_are_read_like_the_tables(
    name: str, value: object, expected: object
) -> None:
    rules = default_rules().with_overrides({name: value}, start=D(2025, 1, 1))

    assert expected == rules.at(D(2025, 1, 1)).require(name).value


def test_overriding_leaves_the_original_rules_unchanged() -> None:
    default_rules().with_overrides({"fee.individual": "90"}, start=D(2025, 1, 1))

    assert Decimal("81.74") == ruleset_for(D(2025, 1, 1)).decimal("fee.individual")


def test_limit_override_changes_that_limit_of_that_ruleset_only() -> None:
    rules = default_rules().with_overrides(
        {"limit.2021.first_line_individual.adults": 12}, source="what-if"
    )
    limits_2021 = {limit.id: limit for limit in rules.at(D(2022, 1, 1)).limits}
    limits_2024 = {limit.id: limit for limit in rules.at(D(2024, 5, 2)).limits}

    assert 12 == limits_2021["first_line_individual"].maximum(Network.ADULTS)
    assert 10 == limits_2021["first_line_individual"].maximum(Network.CHILDREN_ADOLESCENTS)
    assert 13 == limits_2021["first_line_total"].maximum(Network.ADULTS)
    assert 8 == limits_2024["support_individual"].maximum(Network.ADULTS)


def test_parameter_override_carries_the_given_source_and_confidence() -> None:
    rules = default_rules().with_overrides(
        {"fee.individual": "85.00"},
        start=D(2026, 1, 1),
        source="moniteur-2026",
        url="https://example.org/moniteur",
        confidence="P",
        note="Published indexation.",
    )

    parameter = rules.at(D(2026, 1, 1)).require("fee.individual")

    assert "moniteur-2026" == parameter.source.key
    assert "https://example.org/moniteur" == parameter.source.url
    assert Confidence.PRIMARY == parameter.source.confidence
    assert "Published indexation." == parameter.source.note
    assert "https://example.org/moniteur" == rules.sources["moniteur-2026"]
    assert "inami-ppl-2021" == rules.at(D(2025, 12, 31)).require("fee.individual").source.key


def test_limit_override_carries_the_given_source_and_confidence() -> None:
    rules = default_rules().with_overrides(
        {"limit.2024.support_individual.children_adolescents": 12},
        source="what-if",
        confidence=Confidence.SECONDARY,
    )

    value = next(
        v
        for v in rules.at(D(2024, 5, 2)).values()
        if v.name == "limit.support_individual.children_adolescents"
    )

    assert 12 == value.value
    assert "what-if" == value.source.key
    assert "user override" == value.source.url
    assert Confidence.SECONDARY == value.source.confidence


def test_override_defaults_to_an_assumption() -> None:
    rules = default_rules().with_overrides({"share.group": "3.00"})

    source = rules.at(D(2022, 1, 1)).require("share.group").source

    assert ("override", Confidence.ASSUMPTION) == (source.key, source.confidence)


@pytest.mark.parametrize(
    ("source", "url"),
    [("what-if", "user override"), ("caami", None)],
    ids=["new source key", "source key of the tables"],
)
def test_overridden_rules_keep_every_value_with_its_provenance(
    source: str, url: str | None
) -> None:
    rules = default_rules().with_overrides(
        {"fee.individual": "90", "limit.2021.specialized_group.adults": 10},
        start=D(2025, 1, 1),
        source=source,
        url=url,
    )

    for value in rules.values():
        assert_has_provenance(value, rules.sources)


def test_override_cannot_give_a_known_source_key_another_url() -> None:
    with pytest.raises(RuleDataError, match="url"):
        default_rules().with_overrides(
            {"fee.individual": "90"}, source="caami", url="https://example.org/elsewhere"
        )


@pytest.mark.parametrize(
    "name",
    [
        "fee.travel",
        "limit.2021.first_line_individual",
        "limit.2021.first_line_individual.adults.extra",
        "limit.2021.first_line_individual.seniors",
        "limit.2021.support_individual.adults",
        "limit.2030.first_line_individual.adults",
        "limit.first_line_individual.adults",
        "",
    ],
)
def test_override_of_an_unknown_name_is_rejected(name: str) -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({name: 1})

    assert_names_path(info.value, "overrides")
    assert repr(name) in str(info.value)


def test_override_name_that_is_not_text_is_rejected() -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({42: "1.00"})  # type: ignore[dict-item]

    assert_names_path(info.value, "overrides")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fee.individual", "-1"),
        ("fee.individual", -0.01),
        ("fee.individual", math.nan),
        ("fee.individual", math.inf),
        ("fee.individual", -math.inf),
        ("fee.individual", Decimal("NaN")),
        ("fee.individual", "Infinity"),
        ("fee.individual", True),
        ("fee.individual", "ninety"),
        ("fee.individual", "90,00"),
        ("fee.individual", None),
        ("share.group", ["2.50"]),
        ("age.adults.min", 15.5),
        ("age.adults.min", True),
        ("age.adults.min", -1),
        ("network.one_per_window", "false"),
        ("network.one_per_window", 0),
        ("limit.2021.first_line_individual.adults", -1),
        ("limit.2021.first_line_individual.adults", "8"),
        ("limit.2021.first_line_individual.adults", True),
        ("limit.2021.first_line_individual.adults", 8.0),
    ],
    ids=repr,
)
def test_override_with_a_bad_value_is_rejected(name: str, value: object) -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({name: value})

    assert_names_path(info.value, name)


@pytest.mark.parametrize("amount", ["1e30", Decimal("1E+40"), 1e300], ids=repr)
def test_override_with_an_amount_too_large_to_hold_in_cents_is_rejected(amount: object) -> None:
    # DESIGN.md principle 4: bad input raises the library's error, never a bare
    # decimal.InvalidOperation.
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({"fee.individual": amount})

    assert_names_path(info.value, "fee.individual")


def test_override_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides(
            {"fee.individual": "90"}, start=D(2025, 1, 1), end=D(2024, 12, 31)
        )

    assert_names_path(info.value, "end")


@pytest.mark.parametrize("source", ["", 42, None], ids=repr)
def test_override_without_a_source_name_is_rejected(source: object) -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({"fee.individual": "90"}, source=source)  # type: ignore[arg-type]

    assert_names_path(info.value, "source")


def test_override_with_an_unknown_confidence_mark_is_rejected() -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({"fee.individual": "90"}, confidence="sure")

    assert_names_path(info.value, "confidence")


def test_overrides_that_are_not_a_mapping_are_rejected() -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides([("fee.individual", "90")])  # type: ignore[arg-type]

    assert_names_path(info.value, "overrides")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("start", {"start": "2025-01-01"}),
        ("start", {"start": dt.datetime(2025, 1, 1)}),  # noqa: DTZ001
        ("end", {"end": "2025-12-31"}),
    ],
    ids=["string start", "datetime start", "string end"],
)
def test_override_dates_must_be_plain_dates(field: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as info:
        default_rules().with_overrides({"fee.individual": "90"}, **kwargs)

    assert field == info.value.field


@pytest.mark.parametrize("start", [D(2028, 1, 1), D(2021, 1, 1)], ids=str)
def test_override_starting_outside_the_coverage_is_rejected(start: dt.date) -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().with_overrides({"fee.individual": "90"}, start=start)

    assert "parameter fee.individual" == info.value.field
