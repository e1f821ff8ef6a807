"""Bookings ahead: check_booking says whether a candidate would be accepted and which booked
sessions it would push out (RULES.md §4-§7 applied to a schedule)."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from inami_ppl import (
    BookingCheck,
    InvalidInputError,
    Modality,
    OutOfCoverageError,
    check_booking,
    default_rules,
)
from support import ADULT, s

# Eight support sessions booked every two weeks: exactly the adult maximum of 8 (§6).
BOOKED = [
    s((dt.date(2024, 5, 6) + dt.timedelta(weeks=2 * i)).isoformat(), "support") for i in range(8)
]


def test_check_booking_s6_a_candidate_that_displaces_one_booked_session() -> None:
    answer = check_booking(ADULT, [], BOOKED, s("2024-05-13", "support"))

    assert answer.assessment.allowed
    assert not answer.fits
    assert [BOOKED[-1]] == [decision.session for decision in answer.displaced]
    assert ("quota.exceeded",) == answer.displaced[0].codes


def test_check_booking_s6_a_candidate_that_displaces_none() -> None:
    answer = check_booking(ADULT, BOOKED[:6], BOOKED[6:7], s("2024-05-13", "support", "group"))

    assert answer.assessment.allowed
    assert () == answer.displaced
    assert answer.fits


def test_check_booking_s7_a_candidate_refused_itself_displaces_nothing() -> None:
    answer = check_booking(ADULT, BOOKED[:1], BOOKED[1:], s("2024-05-20", "support"))

    assert ("day.limit",) == answer.assessment.codes
    assert () == answer.displaced
    assert not answer.fits


def test_check_booking_s6_the_candidate_after_the_last_booking_is_refused_by_the_maximum() -> None:
    answer = check_booking(ADULT, BOOKED[:2], BOOKED[2:], s("2024-08-26", "support"))

    assert ("quota.exceeded",) == answer.assessment.codes
    assert () == answer.displaced


def test_check_booking_s6_history_sessions_are_never_displaced() -> None:
    # The same sessions as history instead of bookings: only bookings can be displaced.
    answer = check_booking(ADULT, BOOKED, [], s("2024-05-13", "support"))

    assert answer.assessment.allowed  # judged against the sessions before it
    assert () == answer.displaced


def test_check_booking_s7_a_candidate_on_a_booked_date_comes_after_the_booking() -> None:
    answer = check_booking(ADULT, [], BOOKED[:1], s("2024-05-06", "support"))

    assert ("day.limit",) == answer.assessment.codes
    assert () == answer.displaced


def test_check_booking_s5_in_2021_the_last_booking_is_displaced() -> None:
    # 2021: first-line individual, maximum 8 for adults (§5); one more in between pushes
    # the last booking out.
    booked = [s(f"2022-0{m}-0{d}", "first_line") for m in (2, 3, 4, 5) for d in (1, 8)]
    answer = check_booking(ADULT, [], booked, s("2022-02-03", "first_line"))

    assert [booked[-1].date] == [decision.session.date for decision in answer.displaced]


def test_booking_check_travels_as_json() -> None:
    answer = check_booking(ADULT, [], BOOKED, s("2024-05-13", "support"))
    data = json.loads(json.dumps(answer.to_dict()))

    assert data["assessment"]["allowed"] is True
    assert ["2024-08-12"] == [d["session"]["date"] for d in data["displaced"]]
    assert isinstance(answer, BookingCheck)


@pytest.mark.parametrize(
    ("history", "booked", "candidate", "field"),
    [
        ("x", [], s("2024-05-13", "support"), "history"),
        ([], [1], s("2024-05-13", "support"), "booked[0]"),
        ([], [], "2024-05-13", "candidate"),
    ],
)
def test_check_booking_rejects_bad_input_naming_the_field(
    history: object, booked: object, candidate: object, field: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        check_booking(ADULT, history, booked, candidate)  # type: ignore[arg-type]
    assert field == info.value.field


def test_check_booking_rejects_a_booking_before_the_covered_period() -> None:
    with pytest.raises(OutOfCoverageError):
        check_booking(ADULT, [], [s("2021-08-31", "first_line")], s("2021-09-06", "first_line"))


def test_check_booking_s6_a_candidate_can_displace_the_only_booking() -> None:
    answer = check_booking(ADULT, BOOKED[:7], BOOKED[7:], s("2024-05-13", "support"))

    assert answer.assessment.allowed
    assert [BOOKED[7]] == [decision.session for decision in answer.displaced]


def test_check_booking_s7_applies_the_rules_given_to_every_session() -> None:
    # Without the condition of care at home, eight home sessions are acceptable bookings
    # and the candidate in between pushes the last one out.
    rules = default_rules().with_overrides({"modality.condition": False}, start=dt.date(2024, 4, 1))
    at_home = [attrs.evolve(session, modality=Modality.HOME) for session in BOOKED]
    candidate = s("2024-05-13", "support", modality="home")

    answer = check_booking(ADULT, [], at_home, candidate, rules=rules)

    assert answer.assessment.allowed
    assert [at_home[-1]] == [decision.session for decision in answer.displaced]
    assert not check_booking(ADULT, [], at_home, candidate).assessment.allowed


def test_check_booking_after_the_covered_period_needs_unconfirmed_rules() -> None:
    booked = [s("2028-01-03", "support")]
    candidate = s("2028-01-10", "support")
    with pytest.raises(OutOfCoverageError):
        check_booking(ADULT, [], booked, candidate)

    answer = check_booking(ADULT, [], booked, candidate, accept_unconfirmed=True)

    assert answer.assessment.allowed
    assert answer.assessment.unconfirmed
