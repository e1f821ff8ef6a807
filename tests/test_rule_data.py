"""Rule data over time: estimates, amendment files, billing codes, conventions as data.

The rules of the "Estimates, amendments" page: a value nobody confirmed is an estimate
and every decision that uses it says so; users amend the rules with files in the
format of the bundled tables, read by the same strict reader; a rule set may extend
another; labels and the window policy sit in the tables. These are mechanism tests:
they read the frozen fixture table (see conftest.py).
"""

# Asserts put the expected value first, which SIM300 calls a "Yoda condition".

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest

from inami_ppl import (
    Assessment,
    InvalidInputError,
    RuleDataError,
    Rules,
    assess,
    assess_history,
    default_rules,
)
from inami_ppl.rulesets import Label, Limit, Parameter, WindowSpec
from support import ADULT, d, s

AMENDMENT = b"""
format = 1

[sources]
fund-2025 = "https://example.org/fund/circular-2025"

[[parameter]]
name = "fee.individual"
start = 2025-01-01
until = 2025-12-31
value = "84.50"
source = "fund-2025"
confidence = "P"
note = "Example amount for the tests."
"""


def amended(text: bytes = AMENDMENT) -> Rules:
    return default_rules().amend(text, name="amendment.toml")


def rejected(text: bytes) -> RuleDataError:
    with pytest.raises(RuleDataError) as info:
        amended(text)
    return info.value


# --------------------------------------------------------------------------------------
# Estimates


def test_an_individual_session_in_2025_uses_an_estimated_fee_and_says_so() -> None:
    decision = assess(ADULT, [], s("2025-06-01", "support"))

    assert decision.allowed
    assert True is decision.unconfirmed
    assert ("fee.individual",) == decision.unconfirmed_values
    assert Decimal("81.74") == decision.practitioner_fee


def test_an_individual_session_in_2024_is_confirmed() -> None:
    decision = assess(ADULT, [], s("2024-06-01", "support"))

    assert False is decision.unconfirmed
    assert () == decision.unconfirmed_values


def test_the_fees_between_the_2022_raise_and_2024_are_estimates() -> None:
    decision = assess(ADULT, [], s("2022-06-01", "first_line"))

    assert ("fee.individual",) == decision.unconfirmed_values
    assert {"devoghel-2022"} <= {source.key for source in decision.sources}


def test_group_sessions_and_refusals_use_no_fee_so_they_are_not_flagged_for_it() -> None:
    group = assess(ADULT, [], s("2025-06-01", "support", "group"))
    first, again = assess_history(ADULT, [s("2025-06-02", "support"), s("2025-06-02", "support")])

    assert (True, ()) == (group.allowed, group.unconfirmed_values)
    assert ("fee.individual",) == first.unconfirmed_values
    assert (False, False, ()) == (again.allowed, again.unconfirmed, again.unconfirmed_values)


def test_the_json_form_names_the_unconfirmed_values_and_reads_back() -> None:
    decision = assess(ADULT, [], s("2025-06-01", "support"))
    form = json.loads(decision.to_json())

    assert (True, ["fee.individual"]) == (form["unconfirmed"], form["unconfirmed_values"])
    assert decision == Assessment.from_json(decision.to_json())


def test_a_json_form_of_version_1_still_reads() -> None:
    form = json.loads(assess(ADULT, [], s("2024-06-01", "support")).to_json())
    form["format"] = 1
    del form["unconfirmed_values"], form["billing_code"]

    back = Assessment.from_dict(form)

    assert ((), None) == (back.unconfirmed_values, back.billing_code)


def test_values_list_their_estimates() -> None:
    rows = [v for v in default_rules().values() if v.name == "fee.group.other"]

    assert [False, True, False, True] == [v.estimate for v in rows]
    assert [True, True, True, True] == [v.as_dict()["estimate"] == v.estimate for v in rows]


# --------------------------------------------------------------------------------------
# Amendment files


def test_an_amendment_gives_a_confirmed_amount_with_its_own_source() -> None:
    rules = amended()
    decision = assess(ADULT, [], s("2025-06-01", "support"), rules=rules)

    assert Decimal("84.50") == decision.practitioner_fee
    assert (False, ()) == (decision.unconfirmed, decision.unconfirmed_values)
    fee_source = next(src for src in decision.sources if src.key == "fund-2025")
    assert ("https://example.org/fund/circular-2025", "P") == (
        fee_source.url,
        fee_source.confidence.value,
    )


def test_an_amendment_cuts_only_the_period_it_covers() -> None:
    rules = amended()

    assert Decimal("81.74") == rules.at(d("2024-12-31")).decimal("fee.individual")
    later = assess(ADULT, [], s("2026-01-05", "support"), rules=rules)
    assert ("fee.individual",) == later.unconfirmed_values
    assert Decimal("81.74") == later.practitioner_fee


def test_amendments_apply_in_order_and_a_file_that_changes_nothing_changes_nothing() -> None:
    later = AMENDMENT.replace(b'"84.50"', b'"85.00"').replace(b"fund-2025 =", b"fund-2025b =")
    later = later.replace(b'source = "fund-2025"', b'source = "fund-2025b"')
    rules = amended().amend(later)

    assert Decimal("85.00") == rules.at(d("2025-06-01")).decimal("fee.individual")
    assert default_rules().values() == default_rules().amend(b"format = 1").values()


def test_a_diff_lists_what_an_amendment_changes_value_by_value() -> None:
    changes = default_rules().diff(amended())

    assert [
        "- fee.individual 2025-01-01..open = 81.74 [A] inami-ppl-2021 estimate",
        "+ fee.individual 2025-01-01..2025-12-31 = 84.50 [P] fund-2025",
        "+ fee.individual 2026-01-01..open = 81.74 [A] inami-ppl-2021 estimate",
    ] == [change.line() for change in changes]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ((b'value = "84.50"', b"value = -1"), "amendment.toml: parameter[0].value"),
        ((b'value = "84.50"', b"value = true"), "amendment.toml: parameter[0].value"),
        (
            (b'name = "fee.individual"', b'name = "fee.weekend"'),
            "amendment.toml: parameter[0].name",
        ),
        ((b'source = "fund-2025"', b'source = "nowhere"'), "amendment.toml: parameter[0].source"),
        ((b'confidence = "P"', b'confidence = "X"'), "amendment.toml: parameter[0].confidence"),
        ((b"start = 2025-01-01", b'start = "2025"'), "amendment.toml: parameter[0].start"),
        ((b"note =", b"colour = 1\nnote ="), "amendment.toml: parameter[0].colour"),
        ((b"note =", b"estimate = 1\nnote ="), "amendment.toml: parameter[0].estimate"),
        ((b"format = 1", b"format = 7"), "amendment.toml: format"),
        ((b"format = 1", b"format = 1\nrules = 1"), "amendment.toml: rules"),
        (
            (b"until = 2025-12-31", b"until = 2024-12-31"),
            "amendment.toml: parameter fee.individual",
        ),
        (
            (b'"https://example.org/fund/circular-2025"', b'"https://example.org"\ncaami = "x"'),
            "amendment.toml: sources.caami",
        ),
        ((b"format = 1", b"format = 1\nbilling_code = 3"), "amendment.toml: billing_code"),
    ],
)
def test_a_malformed_amendment_names_the_file_the_row_and_the_field(
    change: tuple[bytes, bytes], path: str
) -> None:
    assert change[0] in AMENDMENT
    error = rejected(AMENDMENT.replace(*change))

    assert error.field.startswith(path)
    assert str(error).startswith(path)


@pytest.mark.parametrize("data", [b"format = 1\n[[[", b"\xff\xfe", "format = 1"])
def test_an_amendment_that_is_not_utf8_toml_bytes_is_an_error(data: object) -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().amend(data, name="a.toml")  # type: ignore[arg-type]

    assert "a.toml" == info.value.field


def test_an_amendment_may_change_the_coverage_and_the_default_window() -> None:
    text = b"""
format = 1
reviewed_on = 2026-12-01
[coverage]
start = 2021-09-01
end = 2028-12-31
source = "inami-ppl-2021"
confidence = "A"
[window]
policy = "episode"
months = 12
source = "inami-ppl-2021"
confidence = "A"
"""
    rules = amended(text)

    assert (d("2028-12-31"), d("2026-12-01")) == (rules.coverage_end, rules.reviewed_on)
    assert "episode" == rules.window.policy
    assert "2024" == rules.at(d("2028-06-01")).id


# --------------------------------------------------------------------------------------
# Rule sets as data: changed in an amendment, extended, each with its window


LABEL = '{ fr = "F", nl = "N", de = "D", en = "E" }'


def test_an_amendment_changes_a_limit_of_a_rule_set_by_its_id() -> None:
    text = f"""
format = 1
[[ruleset]]
id = "2024"
[[ruleset.limit]]
id = "support_individual"
kinds = ["support/individual"]
max = {{ children_adolescents = 12, adults = 9 }}
source = "caami"
confidence = "S"
label = {LABEL}
""".encode()
    rules = amended(text)
    limit = next(lim for lim in rules.at(d("2024-06-01")).limits if lim.id == "support_individual")

    assert (9, "E") == (
        limit.maximum(ADULT_NETWORK),
        rules.labels("en")["limit.support_individual"],
    )
    assert d("2024-04-01") == rules.at(d("2024-06-01")).start


ADULT_NETWORK = s("2024-06-01", "support").network


def extending_2024(source: str, confidence: str) -> str:
    """An amendment that opens a rule set "2026" as a copy of "2024" (rows to follow)."""
    return f"""
format = 1
[sources]
amendment-2026 = "https://example.org/fifth-amendment"
[[ruleset]]
id = "2026"
extends = "2024"
start = 2026-01-01
source = "{source}"
confidence = "{confidence}"
"""


def test_a_rule_set_that_extends_another_changes_only_what_differs() -> None:
    text = (
        extending_2024("amendment-2026", "P")
        + f"""
[[ruleset.limit]]
id = "support_individual"
kinds = ["support/individual"]
max = {{ children_adolescents = 10, adults = 6 }}
source = "amendment-2026"
confidence = "P"
label = {LABEL}
[ruleset.window]
policy = "episode"
months = 6
source = "amendment-2026"
confidence = "P"
"""
    )
    rules = amended(text.encode())
    before, after = rules.at(d("2025-12-31")), rules.at(d("2026-01-01"))

    assert ("2024", "2026") == (before.id, after.id)
    assert d("2025-12-31") == before.end
    assert [f.function for f in before.functions] == [f.function for f in after.functions]
    assert 6 == next(lim for lim in after.limits if lim.id == "support_individual").maximum(
        ADULT_NETWORK
    )
    assert ("trailing/12", "episode/6") == (before.window.code, after.window.code)
    # Two windows now: each session is judged under the window of its own date.
    history = [s("2025-12-01", "support"), s("2026-01-05", "support")]
    decisions = assess_history(ADULT, history, rules=rules)
    assert [True, True] == [a.allowed for a in decisions]
    policy = rules.policy()
    assert d("2026-01-05") == policy.first_day(d("2026-01-05"), [d("2026-01-05")])
    assert d("2026-07-05") == policy.leaves_on(d("2026-01-05"), [d("2026-01-05")])
    assert d("2025-01-01") == policy.first_day(d("2025-12-31"), [])


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (
            '[[ruleset]]\nid = "2030"\nextends = "1999"\nstart = 2026-01-01\nsource = "caami"\n'
            'confidence = "S"\n',
            "a.toml: ruleset[0].extends",
        ),
        (
            '[[ruleset]]\nid = "2030"\nstart = 2026-01-01\nsource = "caami"\nconfidence = "S"\n'
            '[[ruleset.function]]\nfunction = "support"\nsource = "caami"\nconfidence = "S"\n'
            'label = { fr = "F", nl = "N", en = "E" }\n',
            "a.toml: ruleset[0].function[0].label.de",
        ),
        (
            '[[ruleset]]\nid = "2030"\nstart = 2026-01-01\nsource = "caami"\nconfidence = "S"\n'
            '[[ruleset.function]]\nfunction = "support"\nsource = "caami"\nconfidence = "S"\n'
            'label = { fr = "F", nl = "N", de = "D", en = "E", es = "S" }\n',
            "a.toml: ruleset[0].function[0].label.es",
        ),
        (
            '[[ruleset]]\nid = "2030"\nstart = 2026-01-01\nsource = "caami"\nconfidence = "S"\n'
            '[[ruleset.function]]\nfunction = "support"\nsource = "caami"\nconfidence = "S"\n'
            'label = "support"\n',
            "a.toml: ruleset[0].function[0].label",
        ),
        (
            '[[ruleset]]\nid = "2030"\nstart = 2026-01-01\nsource = "caami"\nconfidence = "S"\n'
            '[[ruleset.function]]\nfunction = "support"\nsource = "caami"\nconfidence = "S"\n'
            'label = { fr = "", nl = "N", de = "D", en = "E" }\n',
            "a.toml: ruleset[0].function[0].label.fr",
        ),
        (
            '[[ruleset]]\nid = "2024"\n[ruleset.window]\npolicy = "weekly"\nmonths = 1\n'
            'source = "caami"\nconfidence = "S"\n',
            "a.toml: ruleset[0].window.policy",
        ),
        (
            '[[ruleset]]\nid = "2024"\n[ruleset.window]\npolicy = "episode"\nmonths = 0\n'
            'source = "caami"\nconfidence = "S"\n',
            "a.toml: window.months",
        ),
        (
            '[[ruleset]]\nid = "2024"\n[[ruleset.limit]]\nid = ""\n'
            'kinds = ["support/individual"]\n'
            'max = { adults = 1 }\nsource = "caami"\nconfidence = "S"\nlabel = { fr = "F", '
            'nl = "N", de = "D", en = "E" }\n',
            "a.toml: ruleset[0].limit[0].id",
        ),
        (
            '[[ruleset]]\nid = "2024"\n[[ruleset.target]]\nid = "t"\nkind = "first_line/group"\n'
            'average = { adults = 1 }\nsource = "caami"\nconfidence = "S"\nlabel = { fr = "F", '
            'nl = "N", de = "D", en = "E" }\n',
            "a.toml: ruleset[0].target[t]",
        ),
        (
            '[[ruleset]]\nid = "2024"\n[[ruleset.limit]]\nid = "x"\n'
            'kinds = ["support/individual"]\n'
            'max = { adults = 1 }\nsource = "caami"\nconfidence = "S"\nlabel = { fr = "F", '
            'nl = "N", de = "D", en = "E" }\n[[ruleset.limit]]\nid = "x"\n'
            'kinds = ["support/individual"]\n'
            'max = { adults = 2 }\nsource = "caami"\nconfidence = "S"\nlabel = { fr = "F", '
            'nl = "N", de = "D", en = "E" }\n',
            "a.toml: ruleset[0].limit",
        ),
    ],
)
def test_malformed_rule_sets_in_an_amendment_name_the_row(text: str, path: str) -> None:
    with pytest.raises(RuleDataError) as info:
        default_rules().amend(b"format = 1\n" + text.encode(), name="a.toml")

    assert info.value.field.startswith(path), info.value.field


def test_an_amendment_may_end_a_rule_set_and_shorten_its_period() -> None:
    text = b'format = 1\n[[ruleset]]\nid = "2021"\nuntil = 2024-03-31\nsource = "caami"\n'
    rules = amended(text + b'confidence = "S"\n')

    assert "caami" == rules.at(d("2022-01-01")).source.key


def test_the_bundled_table_lists_each_rule_set_once() -> None:
    table = default_rules()
    with pytest.raises(RuleDataError) as info:
        Rules.from_mapping(
            {
                "format": 1,
                "reviewed_on": table.reviewed_on,
                "coverage": {
                    "start": d("2021-09-01"),
                    "end": d("2027-12-31"),
                    "source": "s",
                    "confidence": "A",
                },
                "window": {"policy": "trailing", "months": 12, "source": "s", "confidence": "A"},
                "sources": {"s": "https://example.org"},
                "ruleset": [
                    {"id": "x", "start": d("2021-09-01"), "source": "s", "confidence": "A"},
                    {"id": "x", "start": d("2022-09-01"), "source": "s", "confidence": "A"},
                ],
                "parameter": [],
            }
        )
    assert "ruleset[1].id" == info.value.field


# --------------------------------------------------------------------------------------
# Billing codes


BILLING = b"""
format = 1
[sources]
my-practice = "https://example.org/our-codes"

[[billing_code]]
code = "PSY-IND"
start = 2024-04-01
setting = "individual"
source = "my-practice"
confidence = "A"

[[billing_code]]
code = "PSY-SUP-VIDEO"
start = 2024-04-01
function = "support"
setting = "individual"
modality = "video"
network = "adults"
with_context = false
source = "my-practice"
confidence = "A"
"""


def test_an_accepted_decision_carries_the_most_specific_billing_code() -> None:
    rules = amended(BILLING)
    practice = assess(ADULT, [], s("2024-06-03", "support"), rules=rules)
    video = assess(
        ADULT,
        [s("2024-06-03", "support")],
        s("2024-06-10", "support", modality="video", unable_to_travel=True),
        rules=rules,
    )
    group = assess(ADULT, [], s("2024-06-03", "support", "group"), rules=rules)

    assert ("PSY-IND", "PSY-SUP-VIDEO", None) == (
        practice.billing_code,
        video.billing_code,
        group.billing_code,
    )
    assert None is assess(ADULT, [], s("2024-06-03", "support")).billing_code
    assert None is assess(ADULT, [], s("2023-06-05", "first_line"), rules=rules).billing_code


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ((b'code = "PSY-IND"', b'code = ""'), "a.toml: billing_code.code"),
        (
            (b'setting = "individual"\nsource', b'setting = "solo"\nsource'),
            "a.toml: billing_code[0].setting",
        ),
        ((b"with_context = false", b"with_context = 0"), "a.toml: billing_code[1].with_context"),
        (
            (b"start = 2024-04-01\nsetting", b"start = 2024-04-01\nuntil = 2023-01-01\nsetting"),
            "a.toml: BillingCode.until",
        ),
    ],
)
def test_a_malformed_billing_code_names_the_row(change: tuple[bytes, bytes], path: str) -> None:
    assert change[0] in BILLING
    with pytest.raises(RuleDataError) as info:
        default_rules().amend(BILLING.replace(*change), name="a.toml")

    assert info.value.field.startswith(path), info.value.field


# --------------------------------------------------------------------------------------
# Every invariant is checked when the rules are built, changed copies included


def test_a_changed_copy_with_an_unknown_window_policy_fails_at_once() -> None:
    rules = default_rules()
    with pytest.raises(RuleDataError) as info:
        attrs.evolve(rules, window=attrs.evolve(rules.window, policy="weekly"))

    assert "window.policy" == info.value.field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"window": "trailing"}, "window"),
        ({"rulesets": []}, "rulesets"),
        ({"parameters": ("fee",)}, "parameters"),
        ({"coverage_end": dt.date(2020, 1, 1)}, "coverage.end"),
        ({"reviewed_on": "2026-01-01"}, "reviewed_on"),
    ],
)
def test_a_changed_copy_that_breaks_an_invariant_fails_at_once(
    change: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        attrs.evolve(default_rules(), **change)  # type: ignore[arg-type]

    assert field == info.value.field


def test_rows_check_their_own_values() -> None:
    rules = default_rules()
    limit = rules.at(d("2024-06-01")).limits[0]
    param = rules.at(d("2024-06-01")).require("fee.individual")

    with pytest.raises(RuleDataError):
        attrs.evolve(limit, maxima=((ADULT_NETWORK, -1),))
    with pytest.raises(RuleDataError):
        attrs.evolve(param, value=True)
    with pytest.raises(RuleDataError):
        attrs.evolve(param, name="fee.weekend")
    with pytest.raises(RuleDataError):
        attrs.evolve(param, value=Decimal("81.745"))  # amounts are whole cents
    with pytest.raises(RuleDataError, match="a value of the parameter's type"):
        attrs.evolve(param, value=82)  # an amount is a Decimal, not an int
    with pytest.raises(RuleDataError):
        Label(fr="", nl="N", de="D", en="E")
    with pytest.raises(RuleDataError):
        WindowSpec(policy="trailing", months=0, source=rules.window.source)
    assert isinstance(limit, Limit)
    assert isinstance(param, Parameter)


def test_the_rules_after_the_covered_period_are_built_once() -> None:
    rules = default_rules()

    first = rules.at(d("2028-01-03"), accept_unconfirmed=True)
    assert first is rules.at(d("2029-06-01"), accept_unconfirmed=True)
    assert True is first.unconfirmed


# --------------------------------------------------------------------------------------
# Labels in the tables; messages name the window of the rule set


def test_labels_come_from_the_tables_in_every_language() -> None:
    rules = default_rules()

    assert "psychological support" == rules.labels("en")["function.support"]
    assert "soutien psychologique" == rules.labels("fr")["function.support"]
    assert "honorarium, individuele sessie" == rules.labels("nl")["value.fee.individual"]
    with pytest.raises(InvalidInputError):
        rules.labels("es")


def test_labels_given_to_a_caller_are_its_own_to_change() -> None:
    rules = default_rules()
    labels = rules.labels("en")
    labels["function.support"] = "changed"
    del labels["function.treatment"]

    again = rules.labels("en")
    assert "psychological support" == again["function.support"]
    assert "function.treatment" in again


def test_every_function_limit_target_and_value_of_the_tables_has_a_label() -> None:
    rules = default_rules()
    labels = rules.labels("de")
    names = {v.name for v in rules.values()}

    assert {n for n in names if n.startswith(("fee.", "share."))} <= {
        key.removeprefix("value.") for key in labels
    }
    assert all(v.label is not None for v in rules.values() if v.name.startswith("limit."))


def test_a_message_names_the_window_of_the_rule_set() -> None:
    rules = default_rules()
    episode = attrs.evolve(
        rules,
        rulesets=tuple(
            attrs.evolve(r, window=attrs.evolve(r.window or rules.window, policy="episode"))
            for r in rules.rulesets
        ),
    )
    history = [s("2024-05-06", "support"), s("2024-05-06", "support", "group")]
    history += [s(f"2024-05-{13 + 7 * i:02d}", "support") for i in range(3)]
    history.append(s("2024-06-10", "support", network="children_adolescents"))
    young_adult = ADULT.__class__(birth_date=d("2004-01-01"))
    refused = assess_history(young_adult, history, rules=episode)[-1]

    assert "the current 12-month episode" in refused.messages("en", rules=episode)[0]
    assert "de l'épisode de 12 mois en cours" in refused.messages("fr")[0]
    bare = attrs.evolve(
        refused.reasons[0], params=tuple(p for p in refused.reasons[0].params if p[0] != "window")
    )
    assert "within the window" in bare.message("en")


def test_a_session_leaves_the_window_by_the_policy_of_the_later_dates() -> None:
    # From 2026 a 24-month window: a 2025 session stays in it a year longer than under
    # the 12 months of its own date.
    text = (
        extending_2024("caami", "A").encode()
        + b"""
[ruleset.window]
policy = "trailing"
months = 24
source = "caami"
confidence = "A"
"""
    )
    policy = amended(text).policy()

    assert d("2027-06-01") == policy.leaves_on(d("2025-06-01"), [d("2025-06-01")])
