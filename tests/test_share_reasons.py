"""Every accepted decision says why the patient pays what they pay (RULES.md §8), and which
rule values set the share and the fee (with their periods, sources and marks)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from inami_ppl import Assessment, Patient, Session, ShareCode, assess
from support import ADULT, ADULT_BIM, episode_rules, s

YOUTH = Patient(birth_date=dt.date(2004, 3, 1))  # 20 in 2024
YOUTH_BIM = Patient(birth_date=dt.date(2004, 3, 1), preferential=True)
EARLIER = [s("2024-05-06", "support")]


def share_code(decision: Assessment) -> str:
    assert decision.share_reason is not None
    return decision.share_reason.code.value


@pytest.mark.parametrize(
    ("code", "patient", "history", "session", "amount"),
    [
        ("share.community", ADULT, [], s("2024-05-13", "community", "group"), "0.00"),
        ("share.youth", YOUTH, EARLIER, s("2024-05-13", "support"), "0.00"),
        ("share.first_free", ADULT, [], s("2024-05-13", "support"), "0.00"),
        ("share.preferential", ADULT_BIM, EARLIER, s("2024-05-13", "support"), "4.00"),
        ("share.standard", ADULT, EARLIER, s("2024-05-13", "support"), "11.00"),
        ("share.group", ADULT, [], s("2024-05-13", "support", "group"), "2.50"),
    ],
)
def test_share_reason_s8_names_each_step(
    code: str, patient: Patient, history: list[Session], session: Session, amount: str
) -> None:
    decision = assess(patient, history, session)
    assert code == share_code(decision)
    assert decision.share_reason is not None
    assert Decimal(amount) == decision.share_reason.param("amount") == decision.patient_share


# Precedence: the first step that applies sets the share (RULES.md §8, order 1 to 5).
@pytest.mark.parametrize(
    ("expected", "patient", "history", "session", "why"),
    [
        ("share.community", YOUTH, [], s("2024-05-13", "community", "group"), "1 before 2"),
        ("share.youth", YOUTH, [], s("2024-05-13", "support"), "2 before 3"),
        ("share.youth", YOUTH_BIM, EARLIER, s("2024-05-13", "support"), "2 before 4"),
        ("share.youth", YOUTH_BIM, [], s("2024-05-13", "support", "group"), "2 before 5"),
        ("share.first_free", ADULT_BIM, [], s("2024-05-13", "support"), "3 before 4"),
        ("share.group", ADULT_BIM, [], s("2024-05-13", "support", "group"), "group: not 3"),
        (
            "share.first_free",
            ADULT,
            [],
            s("2024-05-13", "co_consultation", co_provider="12345678901"),
            "a co-consultation is individual",
        ),
        (
            "share.first_free",
            ADULT,
            [s("2024-05-06", "support", "group")],
            s("2024-05-13", "support"),
            "an earlier group session does not count: still the first individual one",
        ),
        (
            "share.first_free",
            YOUTH,
            [],
            s("2024-01-31", "first_line"),
            "youth free care starts on 2024-02-01",
        ),
    ],
)
def test_share_reason_s8_precedence_conflicts(
    expected: str, patient: Patient, history: list[Session], session: Session, why: str
) -> None:
    decision = assess(patient, history, session)
    assert expected == share_code(decision), why


def test_share_reason_s8_youth_says_the_age_bound() -> None:
    decision = assess(YOUTH, EARLIER, s("2024-05-13", "support"))
    assert decision.share_reason is not None
    assert 23 == decision.share_reason.param("max_age")
    assert "23" in decision.share_reason.message("en")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "4.00 EUR: individual session with the increased reimbursement."),
        ("fr", "4,00 EUR : séance individuelle avec intervention majorée."),
        ("nl", "4,00 EUR: individuele sessie met verhoogde tegemoetkoming."),
        ("de", "4,00 EUR: Einzelsitzung mit erhöhter Kostenerstattung."),
    ],
)
def test_share_reason_s8_message_in_each_language(lang: str, expected: str) -> None:
    decision = assess(ADULT_BIM, EARLIER, s("2024-05-13", "support"))
    assert decision.share_reason is not None
    assert expected == decision.share_reason.message(lang)


def test_share_reason_s8_first_free_message_names_the_window_of_the_rules() -> None:
    decision = assess(ADULT, [], s("2024-05-13", "support"))
    assert decision.share_reason is not None
    assert "trailing/12" == decision.share_reason.param("window")
    message = decision.share_reason.message("en")
    assert "Free (0.00 EUR): first individual session within the last 12 months." == message
    episode = assess(ADULT, [], s("2024-05-13", "support"), rules=episode_rules())
    assert episode.share_reason is not None
    assert "episode/12" == episode.share_reason.param("window")
    assert (
        "Gratis (0,00 EUR): eerste individuele sessie in de lopende episode van 12 maanden."
        == episode.share_reason.message("nl")
    )


def test_share_reason_s8_is_none_for_a_refusal() -> None:
    decision = assess(ADULT, EARLIER, s("2024-05-06", "support"))
    assert not decision.allowed
    assert decision.share_reason is None
    assert () == decision.applied


def test_share_reason_s8_names_the_source_of_its_step() -> None:
    decision = assess(ADULT, EARLIER, s("2024-05-13", "support"))
    assert decision.share_reason is not None
    assert ["inami-ppl-2021"] == [src.key for src in decision.share_reason.sources]


def test_applied_s8_s9_lists_the_share_and_fee_values_with_period_source_and_mark() -> None:
    decision = assess(ADULT, EARLIER, s("2024-05-13", "support"))
    share, fee = decision.applied
    assert ("share.individual", Decimal("11.00")) == (share.name, share.value)
    assert (dt.date(2021, 9, 1), "SEED") == (share.start, share.source.confidence.value)
    assert ("fee.individual", Decimal("81.74")) == (fee.name, fee.value)
    assert dt.date(2024, 1, 1) == fee.start
    assert "inami-ppl-2021" == fee.source.key
    assert (share.source, fee.source) == decision.sources


def test_applied_s8_s9_of_a_group_session_is_the_share_alone() -> None:
    decision = assess(ADULT, [], s("2024-05-13", "support", "group"))
    assert ["share.group"] == [value.name for value in decision.applied]


def test_applied_s8_of_the_first_free_session_is_the_first_free_rule() -> None:
    decision = assess(ADULT, [], s("2024-05-13", "support"))
    assert ["share.first_individual_free", "fee.individual"] == [v.name for v in decision.applied]
    assert "A" == decision.applied[0].source.confidence.value


def test_share_reason_and_applied_travel_in_json() -> None:
    decision = assess(ADULT_BIM, EARLIER, s("2024-05-13", "support"))
    data = json.loads(decision.to_json())
    assert "share.preferential" == data["share_reason"]["code"]
    assert {"amount": "4.00"} == data["share_reason"]["params"]
    assert ["share.individual_preferential", "fee.individual"] == [
        value["name"] for value in data["applied"]
    ]
    assert decision == Assessment.from_json(decision.to_json())


def test_share_codes_are_the_six_steps_in_order() -> None:
    assert [
        "share.community",
        "share.youth",
        "share.first_free",
        "share.preferential",
        "share.standard",
        "share.group",
    ] == [code.value for code in ShareCode]


def test_applied_s9_names_the_period_of_the_value_applied() -> None:
    decision = assess(ADULT, [s("2022-05-02", "first_line")], s("2022-05-09", "first_line"))
    share, fee = decision.applied
    assert (dt.date(2022, 1, 1), dt.date(2023, 12, 31)) == (fee.start, fee.end)
    assert (fee.name, fee.value) == ("fee.individual", Decimal("75.00"))
    assert share.end is None


def test_applied_s9_says_which_value_is_an_estimate_as_unconfirmed_values_does() -> None:
    decision = assess(ADULT, [s("2022-05-02", "first_line")], s("2022-05-09", "first_line"))
    assert [False, True] == [value.estimate for value in decision.applied]
    assert ("fee.individual",) == decision.unconfirmed_values
    data = json.loads(decision.to_json())
    assert [False, True] == [value["estimate"] for value in data["applied"]]
    assert decision == Assessment.from_json(decision.to_json())
