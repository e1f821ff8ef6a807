"""What the patient pays and what the practitioner receives (RULES.md §8, §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inami_ppl import (
    InvalidInputError,
    OutOfCoverageError,
    Patient,
    Role,
    Session,
    assess,
    assess_history,
    default_rules,
    patient_share,
    practitioner_fee,
)
from support import ADULT, ADULT_BIM, d, s, weekly

# --- §8 patient share, in order of precedence ----------------------------------------


def test_community_sessions_are_free() -> None:
    assert Decimal("0.00") == patient_share(ADULT, [], s("2024-05-02", "community", "group"))


@pytest.mark.parametrize(
    ("expected", "day"),
    [("2.50", "2024-01-31"), ("0.00", "2024-02-01")],
)
def test_youth_free_care_from_2024_02_01(expected: str, day: str) -> None:
    young = Patient(birth_date=d("2001-01-01"))  # 23 on both dates
    assert Decimal(expected) == patient_share(young, [], s(day, "first_line", "group"))


@pytest.mark.parametrize(("expected", "birth"), [("0.00", "2000-05-03"), ("2.50", "2000-05-02")])
def test_youth_free_care_up_to_23_included(expected: str, birth: str) -> None:
    patient = Patient(birth_date=d(birth))  # 23, then 24 on 2024-05-02
    session = s("2024-05-02", "support", "group")
    assert Decimal(expected) == patient_share(patient, [], session)


def test_youth_free_care_in_either_network_individual_or_group() -> None:
    young = Patient(birth_date=d("2005-01-01"), preferential=False)
    history = [s("2024-05-02", "support", network="children_adolescents")]
    for network in ("children_adolescents", "adults"):
        for setting in ("individual", "group"):
            session = s("2024-05-09", "support", setting, network=network)
            assert Decimal("0.00") == patient_share(young, history, session)


def test_first_individual_session_is_free() -> None:
    assert Decimal("0.00") == patient_share(ADULT, [], s("2022-05-02", "first_line"))


def test_first_individual_session_free_again_once_the_window_is_empty() -> None:
    history = [s("2022-05-02", "first_line")]
    assert Decimal("11.00") == patient_share(ADULT, history, s("2023-05-01", "first_line"))
    assert Decimal("0.00") == patient_share(ADULT, history, s("2023-05-02", "first_line"))


def test_first_individual_session_free_counts_group_sessions_out() -> None:
    history = [s("2022-05-02", "first_line", "group")]
    assert Decimal("0.00") == patient_share(ADULT, history, s("2022-05-09", "first_line"))


def test_first_individual_session_free_includes_co_consultations() -> None:
    assert Decimal("0.00") == patient_share(ADULT, [], s("2024-05-02", "co_consultation"))
    history = [s("2024-05-02", "co_consultation")]
    assert Decimal("11.00") == patient_share(ADULT, history, s("2024-05-09", "support"))


@pytest.mark.parametrize(("expected", "patient"), [("11.00", ADULT), ("4.00", ADULT_BIM)])
def test_individual_session_share(expected: str, patient: Patient) -> None:
    history = [s("2024-05-02", "support")]
    assert Decimal(expected) == patient_share(patient, history, s("2024-05-09", "support"))


def test_co_consultation_share_is_the_individual_share() -> None:
    history = [s("2024-05-02", "support")]
    assert Decimal("4.00") == patient_share(ADULT_BIM, history, s("2024-05-09", "co_consultation"))


@pytest.mark.parametrize("patient", [ADULT, ADULT_BIM])
def test_group_session_share_is_2_50_with_or_without_bim(patient: Patient) -> None:
    assert Decimal("2.50") == patient_share(patient, [], s("2022-05-02", "first_line", "group"))


def test_worked_example_adult_8_first_line_sessions_pay_77_euros() -> None:
    decisions = assess_history(ADULT, weekly("2022-01-03", 8, "first_line"))
    shares = [a.patient_share for a in decisions]
    assert [Decimal("0.00")] + [Decimal("11.00")] * 7 == shares
    assert Decimal("77.00") == sum(a.patient_share or Decimal(0) for a in decisions)


def test_patient_share_rejects_birth_after_the_session() -> None:
    with pytest.raises(InvalidInputError, match="birth_date"):
        patient_share(Patient(birth_date=d("2025-01-01")), [], s("2024-05-02", "support"))


# --- §9 practitioner fee -------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "day", "setting", "role"),
    [
        ("75.00", "2021-09-01", "individual", Role.PSYCHOLOGIST),
        ("75.00", "2023-12-31", "individual", Role.PSYCHOLOGIST),
        ("81.74", "2024-01-01", "individual", Role.PSYCHOLOGIST),
        ("200.00", "2023-12-31", "group", Role.PSYCHOLOGIST),
        ("200.00", "2023-12-31", "group", Role.PHYSICIAN),
        ("126.00", "2023-12-31", "group", Role.OTHER),
        ("217.99", "2024-01-01", "group", Role.PSYCHOLOGIST),
        ("217.99", "2024-01-01", "group", Role.PHYSICIAN),
        ("137.34", "2024-01-01", "group", Role.OTHER),
    ],
)
def test_practitioner_fee_by_date_setting_and_role(
    expected: str, day: str, setting: str, role: Role
) -> None:
    assert Decimal(expected) == practitioner_fee(d(day), setting, role)


def test_practitioner_fee_accepts_role_codes() -> None:
    assert Decimal("137.34") == practitioner_fee(d("2025-01-01"), "group", "other")


def test_practitioner_fee_for_an_individual_session_is_a_psychologists() -> None:
    with pytest.raises(InvalidInputError, match="role"):
        practitioner_fee(d("2025-01-01"), "individual", Role.OTHER)


def test_practitioner_fee_rejects_unknown_codes_and_dates_out_of_coverage() -> None:
    with pytest.raises(InvalidInputError, match="setting"):
        practitioner_fee(d("2025-01-01"), "duo")
    with pytest.raises(OutOfCoverageError):
        practitioner_fee(d("2021-08-31"), "individual")


def test_fee_is_paid_through_the_fund_minus_the_patient_share() -> None:
    decision = assess(ADULT, [s("2024-05-02", "support")], s("2024-05-09", "support"))
    assert Decimal("81.74") == decision.practitioner_fee
    assert Decimal("70.74") == decision.insurer_share


def test_group_sessions_leave_the_fee_to_the_facilitators() -> None:
    decision = assess(ADULT, [], s("2024-05-09", "support", "group"))
    assert decision.allowed
    assert decision.practitioner_fee is None
    assert decision.insurer_share is None
    assert Decimal("2.50") == decision.patient_share


def test_practitioner_fee_refusing_a_role_says_which_and_why() -> None:
    with pytest.raises(InvalidInputError) as raised:
        practitioner_fee(d("2025-01-01"), "individual", "physician")
    assert ("role", "physician") == (raised.value.field, raised.value.value)
    assert "'psychologist' for an individual session (§10)" == raised.value.expected


def test_practitioner_fee_names_an_unknown_setting() -> None:
    with pytest.raises(InvalidInputError) as raised:
        practitioner_fee(d("2025-01-01"), "duo")
    assert ("setting", "duo") == (raised.value.field, raised.value.value)


def test_practitioner_fee_after_the_covered_period_needs_unconfirmed_rules() -> None:
    with pytest.raises(OutOfCoverageError):
        practitioner_fee(d("2028-01-01"), "individual")
    assert Decimal("81.74") == practitioner_fee(
        d("2028-01-01"), "individual", accept_unconfirmed=True
    )


def test_practitioner_fee_reads_the_rules_given() -> None:
    rules = default_rules().with_overrides(
        {"fee.individual": "90"}, start=d("2025-01-01"), source="what-if"
    )
    assert Decimal("90.00") == practitioner_fee(d("2025-01-01"), "individual", rules=rules)
    assert Decimal("81.74") == practitioner_fee(d("2024-12-31"), "individual", rules=rules)


@pytest.mark.parametrize(
    ("source", "session"),
    [
        ("eerstelijnszone-f1", s("2024-05-02", "community", "group")),
        ("inami-ppl-2021", s("2024-05-02", "support", "group")),
    ],
)
def test_the_share_applied_names_its_source(source: str, session: Session) -> None:
    decision = assess(ADULT, [], session)
    assert [source] == [found.key for found in decision.sources]
