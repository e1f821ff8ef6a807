"""Invariants of the rules, checked with hypothesis (``STYLE.md``, tests).

Each test states one property of the public contract (``DESIGN.md``) or of the rules
(``RULES.md``) and is named after it. The strategies are in ``strategies.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inami_ppl import (
    Assessment,
    Network,
    Patient,
    Role,
    Session,
    Setting,
    assess,
    assess_history,
    check_booking,
    default_rules,
    next_allowed_date,
    patient_share,
    practitioner_fee,
    remaining,
    ruleset_for,
)
from strategies import (
    FIRST_DATE,
    LAST_DATE,
    YOUTH_FREE_START,
    histories,
    patients,
    sessions,
    sessions_near,
)

ONE_DAY = dt.timedelta(days=1)
# Brute-force searches for the next allowed date stop after this many days.
SEARCH_DAYS = 800


def _settings(max_examples: int) -> settings:
    # No example database: the suite writes nothing outside the source tree.
    return settings(max_examples=max_examples, deadline=None, database=None)


def _date_order(items: Sequence[Session]) -> list[int]:
    """Indices of ``items`` in date order, input order within one date (a stable sort)."""
    return sorted(range(len(items)), key=lambda i: items[i].date)


def _accepted(patient: Patient, items: Sequence[Session]) -> list[Session]:
    return [d.session for d in assess_history(patient, items) if d.allowed]


def _at_most(value: int | None, bound: int | None) -> bool:
    """``value <= bound`` where ``None`` is "no maximum" (more than any number)."""
    if bound is None:
        return True
    return value is not None and value <= bound


@st.composite
def _patient_and_history(
    draw: st.DrawFn, *, min_size: int = 0, max_size: int = 10, max_tracks: int = 3
) -> tuple[Patient, list[Session]]:
    patient = draw(patients())
    history = draw(histories(patient, min_size=min_size, max_size=max_size, max_tracks=max_tracks))
    return patient, history


@_settings(150)
@given(data=st.data())
def test_order_of_history_does_not_change_the_decision(data: st.DataObject) -> None:
    patient, drawn = data.draw(_patient_and_history())
    history = _accepted(patient, drawn)
    session = data.draw(sessions_near(patient, history), label="session")
    shuffled = data.draw(st.permutations(history), label="shuffled")

    assert assess(patient, shuffled, session) == assess(patient, history, session)


@_settings(150)
@given(data=st.data())
def test_refused_sessions_change_no_other_decision(data: st.DataObject) -> None:
    patient, base = data.draw(_patient_and_history(min_size=2, max_size=12))
    # Copies of sessions of the history are often refused (one a day, maxima).
    copies = [st.sampled_from(base)] * 2 if base else []
    extras = data.draw(
        st.lists(st.one_of(sessions_near(patient, base), *copies), min_size=1, max_size=5),
        label="extras",
    )
    # Tag the sessions (base: 0, 1, ...; extras: -1, -2, ...) and mix the extras in.
    mixed: list[tuple[int, Session]] = list(enumerate(base))
    for j, extra in enumerate(extras):
        position = data.draw(st.integers(min_value=0, max_value=len(mixed)), label="position")
        mixed.insert(position, (-1 - j, extra))
    # Keep only extras that come out refused: drop the accepted ones until none is left.
    while True:
        items = [s for _, s in mixed]
        decisions = assess_history(patient, items)
        by_tag = {mixed[k][0]: d for k, d in zip(_date_order(items), decisions, strict=True)}
        accepted_extras = {tag for tag, d in by_tag.items() if tag < 0 and d.allowed}
        if not accepted_extras:
            break
        mixed = [(tag, s) for tag, s in mixed if tag not in accepted_extras]
    assume(any(tag < 0 for tag, _ in mixed))

    alone = assess_history(patient, base)

    assert [by_tag[i] for i in _date_order(base)] == alone


@_settings(150)
@given(data=st.data())
def test_assess_history_agrees_with_assess_on_the_accepted_prefix(data: st.DataObject) -> None:
    patient, drawn = data.draw(_patient_and_history(max_size=14))
    # Shuffled, so that the order within one date (the input order) is exercised too.
    items = data.draw(st.permutations(drawn), label="items")
    decisions = assess_history(patient, items)
    ordered = [items[i] for i in _date_order(items)]
    assert [d.session for d in decisions] == ordered

    accepted: list[Session] = []
    for session, decision in zip(ordered, decisions, strict=True):
        assert assess(patient, accepted, session) == decision
        if decision.allowed:
            accepted.append(session)


@_settings(150)
@given(case=_patient_and_history(min_size=5, max_size=30, max_tracks=2))
def test_no_trailing_window_of_accepted_sessions_exceeds_a_maximum(
    case: tuple[Patient, list[Session]],
) -> None:
    patient, drawn = case
    accepted = _accepted(patient, drawn)
    # Brute force, independent of the library's tally: for every accepted session on D,
    # the accepted sessions of (D - 12 months, D], counted as the rule set of D counts
    # them (2021 sessions through the transition mapping, RULES.md §6), stay within
    # every maximum that counts the session, with the caps of the session's network
    # (RULES.md §4, §5). Maxima that do not count it are not its to keep: after the
    # forced move to the adult network at 24, the window may still hold more sessions
    # of another kind than the adult caps allow, all accepted under the caps of the
    # children and adolescents network (RULES.md §2).
    for session in accepted:
        day = session.date
        opens_after = day - relativedelta(months=12)
        window = [s for s in accepted if opens_after < s.date <= day]
        ruleset = ruleset_for(day)
        for limit in ruleset.limits:
            maximum = limit.maximum(session.network)
            if ruleset.counts_as_kind(session.kind) not in limit.kinds or maximum is None:
                continue
            used = sum(1 for s in window if ruleset.counts_as_kind(s.kind) in limit.kinds)
            assert used <= maximum, (limit.id, day, session.network, used)


@_settings(120)
@given(case=_patient_and_history(max_size=14))
def test_remaining_never_increases_when_an_accepted_session_is_added_on_its_date(
    case: tuple[Patient, list[Session]],
) -> None:
    patient, drawn = case
    accepted: list[Session] = []
    for decision in assess_history(patient, drawn):
        session = decision.session
        if not decision.allowed:
            continue
        for network in Network:
            before = remaining(patient, accepted, session.date, network)
            after = remaining(patient, [*accepted, session], session.date, network)
            assert after.keys() == before.keys()
            for kind, left in after.items():
                assert _at_most(left, before[kind]), (kind, network, left, before[kind])
        accepted.append(session)


@_settings(80)
@given(data=st.data())
def test_next_allowed_date_is_the_first_date_the_session_is_accepted(
    data: st.DataObject,
) -> None:
    patient, drawn = data.draw(_patient_and_history(max_size=8))
    history = _accepted(patient, drawn)
    session = data.draw(sessions_near(patient, history), label="session")

    found = next_allowed_date(patient, history, session)

    # Brute force, day by day, over a bounded horizon.
    horizon = min(LAST_DATE, session.date + dt.timedelta(days=SEARCH_DAYS))
    expected: dt.date | None = None
    day = session.date
    while day <= horizon:
        if assess(patient, history, attrs.evolve(session, date=day)).allowed:
            expected = day
            break
        day += ONE_DAY
    if expected is not None or horizon == LAST_DATE:
        assert found == expected
    else:
        # Refused on every day up to the horizon: the answer lies beyond it, if anywhere.
        assert found is None or (
            found > horizon and assess(patient, history, attrs.evolve(session, date=found)).allowed
        )


@_settings(100)
@given(case=_patient_and_history(max_size=12))
def test_json_round_trip_is_the_identity(case: tuple[Patient, list[Session]]) -> None:
    patient, drawn = case
    for decision in assess_history(patient, drawn):
        assert Assessment.from_json(decision.to_json()) == decision


@_settings(120)
@given(data=st.data())
def test_check_booking_displaces_exactly_the_booked_sessions_the_candidate_pushes_out(
    data: st.DataObject,
) -> None:
    # check_booking (bookings ahead): a booked session is displaced when
    # assess_history(history + booked) accepts it and
    # assess_history(history + booked + [candidate]) refuses it.
    patient = data.draw(patients())
    drawn = data.draw(histories(patient, min_size=1, max_size=16, max_tracks=2))
    cut = data.draw(st.integers(min_value=0, max_value=len(drawn)))
    history, booked = drawn[:cut], drawn[cut:]
    anchor = drawn[0].date
    on = st.dates(min_value=anchor, max_value=min(LAST_DATE, anchor + dt.timedelta(days=400)))
    candidate = data.draw(sessions(patient=patient, on=on, home=drawn[0].network))

    answer = check_booking(patient, history, booked, candidate)

    items = [*history, *booked]
    with_candidate = [*items, candidate]
    before = dict(zip(_date_order(items), assess_history(patient, items), strict=True))
    after = dict(
        zip(_date_order(with_candidate), assess_history(patient, with_candidate), strict=True)
    )
    expected = [
        after[i]
        for i in _date_order(items)
        if i >= len(history) and before[i].allowed and not after[i].allowed
    ]
    assert expected == list(answer.displaced)
    assert after[len(items)] == answer.assessment


def _near_change_dates() -> st.SearchStrategy[dt.date]:
    """Dates of the coverage, often a change date or the day before or after one."""
    near = sorted(
        {
            change + offset * ONE_DAY
            for change in default_rules().change_dates()
            for offset in (-1, 0, 1)
            if FIRST_DATE <= change + offset * ONE_DAY <= LAST_DATE
        }
    )
    return st.one_of(st.dates(min_value=FIRST_DATE, max_value=LAST_DATE), st.sampled_from(near))


@st.composite
def _setting_and_role(draw: st.DrawFn) -> tuple[Setting, Role]:
    setting = draw(st.sampled_from(Setting))
    # An individual session is always given by a psychologist (RULES.md §10).
    role = Role.PSYCHOLOGIST if setting is Setting.INDIVIDUAL else draw(st.sampled_from(Role))
    return setting, role


@_settings(200)
@given(day=_near_change_dates(), setting_and_role=_setting_and_role())
def test_practitioner_fee_is_constant_between_change_dates(
    day: dt.date, setting_and_role: tuple[Setting, Role]
) -> None:
    setting, role = setting_and_role
    period_start = max(change for change in default_rules().change_dates() if change <= day)

    assert practitioner_fee(day, setting, role) == practitioner_fee(period_start, setting, role)


@_settings(200)
@given(data=st.data())
def test_young_patient_share_changes_from_one_day_to_the_next_only_on_2024_02_01(
    data: st.DataObject,
) -> None:
    day = data.draw(
        st.one_of(st.just(YOUTH_FREE_START), _near_change_dates().filter(lambda d: d > FIRST_DATE)),
        label="day",
    )
    # Aged 23 or younger on ``day`` (and so on the day before).
    youngest_birth = day - relativedelta(years=24) + ONE_DAY
    patient = data.draw(patients(min_birth_date=youngest_birth), label="patient")
    before = data.draw(sessions(patient=patient, on=st.just(day - ONE_DAY)), label="session")
    # Earlier sessions of the day before are in the window of both days.
    history = data.draw(
        st.lists(sessions(patient=patient, on=st.just(day - ONE_DAY)), max_size=2),
        label="history",
    )

    share_before = patient_share(patient, history, before)
    share_after = patient_share(patient, history, attrs.evolve(before, date=day))

    changes = share_after != share_before
    assert changes == (day == YOUTH_FREE_START and share_before != 0)
