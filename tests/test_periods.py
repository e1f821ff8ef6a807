"""Age and the 12-month window (RULES.md §2, §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl import EpisodeWindow, InvalidInputError, TrailingWindow, age_on
from inami_ppl.periods import add_months, age_until, window_policy
from support import d


@pytest.mark.parametrize(
    ("expected", "birth", "on"),
    [
        (23, "2000-06-15", "2024-06-14"),
        (24, "2000-06-15", "2024-06-15"),
        (0, "2024-01-01", "2024-01-01"),
        # Born on 29 February: the birthday is 28 February in common years [A].
        (22, "2000-02-29", "2023-02-27"),
        (23, "2000-02-29", "2023-02-28"),
        (24, "2000-02-29", "2024-02-29"),
        (23, "2000-02-29", "2024-02-28"),
    ],
)
def test_age_is_completed_years_on_the_date(expected: int, birth: str, on: str) -> None:
    assert expected == age_on(d(birth), d(on))


def test_age_on_rejects_a_birth_after_the_date() -> None:
    with pytest.raises(InvalidInputError) as raised:
        age_on(d("2024-01-02"), d("2024-01-01"))
    assert ("birth_date", d("2024-01-02")) == (raised.value.field, raised.value.value)
    assert "a date on or before 2024-01-01" == raised.value.expected


def test_age_on_rejects_a_datetime() -> None:
    with pytest.raises(InvalidInputError) as raised:
        age_on(d("2000-01-01"), dt.datetime(2024, 1, 1))  # noqa: DTZ001
    assert "on" == raised.value.field


def test_age_on_rejects_a_birth_date_as_text() -> None:
    with pytest.raises(InvalidInputError) as raised:
        age_on("2000-01-01", d("2024-01-01"))  # type: ignore[arg-type]
    assert "birth_date" == raised.value.field


@pytest.mark.parametrize(
    ("expected_first_day", "on"),
    [
        ("2023-03-01", "2024-02-29"),
        ("2024-03-02", "2025-03-01"),
        ("2023-05-03", "2024-05-02"),
        ("2024-02-29", "2025-02-28"),
    ],
)
def test_trailing_window_holds_dates_after_d_minus_12_months(
    expected_first_day: str, on: str
) -> None:
    assert d(expected_first_day) == TrailingWindow(12).first_day(d(on), [])


@pytest.mark.parametrize(
    ("expected", "day"),
    [
        ("2025-05-02", "2024-05-02"),
        # 2024-02-29 is still in the window of 2025-02-28 (whose window opens on 2024-02-29).
        ("2025-03-01", "2024-02-29"),
        ("2024-02-28", "2023-02-28"),
        ("2025-01-31", "2024-01-31"),
    ],
)
def test_a_session_leaves_the_window_12_months_later(expected: str, day: str) -> None:
    policy = TrailingWindow(12)
    leaves = policy.leaves_on(d(day), [])
    assert d(expected) == leaves
    assert policy.first_day(leaves, []) > d(day)
    assert policy.first_day(leaves - dt.timedelta(days=1), []) <= d(day)


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert d("2023-02-28") == add_months(d("2024-02-29"), -12)
    assert d("2024-02-29") == add_months(d("2024-01-31"), 1)


def test_episode_window_opens_with_the_first_session_and_lasts_12_months() -> None:
    policy = EpisodeWindow(12)
    earlier = [d("2024-01-10"), d("2024-06-01"), d("2025-01-20")]
    assert d("2024-01-10") == policy.first_day(d("2025-01-09"), earlier)
    assert d("2025-01-20") == policy.first_day(d("2025-01-20"), earlier)
    assert d("2025-01-10") == policy.leaves_on(d("2024-06-01"), earlier)
    assert d("2026-01-20") == policy.leaves_on(d("2025-01-20"), earlier)


def test_window_policy_is_chosen_by_name() -> None:
    assert TrailingWindow(12) == window_policy("trailing", 12)
    assert EpisodeWindow(6) == window_policy("episode", 6)
    with pytest.raises(InvalidInputError) as raised:
        window_policy("calendar_year", 12)
    assert ("window.policy", "calendar_year") == (raised.value.field, raised.value.value)
    assert "one of episode, trailing" == raised.value.expected


def test_a_session_on_the_day_an_episode_ends_opens_the_next_one() -> None:
    policy = EpisodeWindow(12)
    earlier = [d("2024-01-10"), d("2025-01-10")]  # the second on the day the first episode ends
    assert d("2025-01-10") == policy.leaves_on(d("2024-01-10"), earlier)
    assert d("2025-01-10") == policy.first_day(d("2025-01-15"), earlier)
    assert d("2026-01-10") == policy.leaves_on(d("2025-01-10"), earlier)


@settings(max_examples=2000, deadline=None, database=None)
@given(
    st.dates(min_value=dt.date(1896, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.dates(min_value=dt.date(1896, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_age_is_the_years_of_relativedelta(first: dt.date, second: dt.date) -> None:
    birth, on = min(first, second), max(first, second)
    age = relativedelta(on, birth).years
    assert age == age_on(birth, on)
    # The age holds up to the day before the next birthday, which is one year older.
    older_on = age_until(birth, on)[1]
    assert older_on > on
    assert relativedelta(older_on - dt.timedelta(days=1), birth).years == age
    assert relativedelta(older_on, birth).years == age + 1
    assert age_until(birth, on)[0] == age


@pytest.mark.parametrize("birth", ["2000-02-29", "2004-02-29", "1999-12-31", "2000-03-01"])
def test_age_around_the_birthday_every_year_is_the_years_of_relativedelta(birth: str) -> None:
    born = d(birth)
    for year in range(born.year, born.year + 30):
        for day in (dt.date(year, 2, 27), dt.date(year, 2, 28), dt.date(year, 3, 1)):
            if day >= born:
                assert relativedelta(day, born).years == age_on(born, day)


@pytest.mark.parametrize(
    ("birth", "on", "older_on"),
    [
        ("2000-02-29", "2023-02-27", "2023-02-28"),  # a common year: 28 February
        ("2000-02-29", "2023-02-28", "2024-02-29"),
        ("2000-02-29", "2024-02-28", "2024-02-29"),
        ("2000-06-15", "2024-06-15", "2025-06-15"),
        ("1999-12-31", "2024-12-30", "2024-12-31"),
    ],
)
def test_the_next_birthday_is_clamped_as_the_age_is(birth: str, on: str, older_on: str) -> None:
    assert age_until(d(birth), d(on))[1] == d(older_on)


def test_an_age_on_the_last_day_of_the_calendar_holds_to_its_end() -> None:
    assert age_until(d("1980-01-01"), dt.date.max) == (8019, dt.date.max)
    assert age_until(d("1980-01-01"), d("9998-06-01")) == (8018, d("9999-01-01"))


@settings(max_examples=500, deadline=None, database=None)
@given(
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)), st.integers(-400, 400)
)
def test_month_arithmetic_is_that_of_relativedelta(day: dt.date, months: int) -> None:
    assert day + relativedelta(months=months) == add_months(day, months)
