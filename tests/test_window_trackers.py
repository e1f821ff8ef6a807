"""The incremental form of the window policies answers what the policies answer.

A tracker is fed the accepted dates in order and answers ``first_day`` and
``leaves_on`` without re-reading them; its answers must be those of the policy asked
with the same dates (``WindowPolicy.first_day(on, dates)``), for every policy the
tables can name and for the dated mix of several rule sets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inami_ppl import EpisodeWindow, InvalidInputError, TrailingWindow
from inami_ppl._ruleset import DatedWindow
from inami_ppl._tally import Tally
from inami_ppl.periods import WindowPolicy, add_months, track
from support import d, episode_rules, s

FIRST = dt.date(2020, 1, 1)
LAST = dt.date(2031, 12, 31)


def _switching(*changes: tuple[dt.date, WindowPolicy]) -> DatedWindow:
    """A dated window: each policy from its date on (the first one before every date)."""

    def policy_on(on: dt.date) -> WindowPolicy:
        chosen = changes[0][1]
        for start, policy in changes:
            if on >= start:
                chosen = policy
        return chosen

    return DatedWindow(policy_on)


@attrs.frozen
class PlainWindow:
    """A policy with only the two methods of the protocol (no incremental form)."""

    inner: WindowPolicy

    def first_day(self, on: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        return self.inner.first_day(on, earlier)

    def leaves_on(self, day: dt.date, earlier: Sequence[dt.date]) -> dt.date:
        return self.inner.leaves_on(day, earlier)


POLICIES: dict[str, WindowPolicy] = {
    "trailing 12": TrailingWindow(12),
    "episode 12": EpisodeWindow(12),
    "episode 6": EpisodeWindow(6),
    "episode then trailing": _switching(
        (FIRST, EpisodeWindow(12)), (dt.date(2024, 4, 1), TrailingWindow(12))
    ),
    "trailing, episode, trailing 24": _switching(
        (FIRST, TrailingWindow(12)),
        (dt.date(2023, 1, 1), EpisodeWindow(12)),
        (dt.date(2025, 6, 1), TrailingWindow(24)),
    ),
    "protocol only": PlainWindow(EpisodeWindow(12)),
}


@st.composite
def date_lists(draw: st.DrawFn) -> list[dt.date]:
    """Sorted dates: gaps of any length, repeats, and dates where an episode ends."""
    dates = [draw(st.dates(min_value=FIRST, max_value=dt.date(2022, 12, 31)))]
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        step = draw(st.sampled_from(["gap", "same", "episode end", "after an earlier date"]))
        if step == "gap":
            nxt = dates[-1] + dt.timedelta(days=draw(st.integers(min_value=1, max_value=400)))
        elif step == "same":
            nxt = dates[-1]
        else:
            earlier = draw(st.sampled_from(dates))
            months = draw(st.sampled_from([6, 12, 24]))
            nxt = add_months(earlier, months) + dt.timedelta(days=draw(st.integers(-1, 1)))
        dates.append(max(dates[-1], min(nxt, LAST)))
    return dates


def _queries(dates: Sequence[dt.date]) -> list[dt.date]:
    """Dates where an answer can change: each date, its neighbours, its anniversaries."""
    out = {FIRST, LAST}
    for day in dates:
        for near in (day, add_months(day, 6), add_months(day, 12), add_months(day, 24)):
            out.update(near + dt.timedelta(days=k) for k in (-1, 0, 1))
    return sorted(day for day in out if day <= LAST)


@pytest.mark.parametrize("name", POLICIES)
@settings(max_examples=150, deadline=None)
@given(dates=date_lists())
def test_a_tracker_answers_what_the_policy_answers_for_the_dates_fed_so_far(
    name: str, dates: list[dt.date]
) -> None:
    policy = POLICIES[name]
    tracker = track(policy)
    for i, day in enumerate(dates):
        tracker.add(day)
        fed = dates[: i + 1]
        for on in _queries(fed):
            assert policy.first_day(on, fed) == tracker.first_day(on), on
        for earlier in fed:
            assert policy.leaves_on(earlier, fed) == tracker.leaves_on(earlier), earlier


@pytest.mark.parametrize("name", POLICIES)
@settings(max_examples=60, deadline=None)
@given(dates=date_lists())
def test_a_tally_moves_its_window_as_a_tally_built_afresh(name: str, dates: list[dt.date]) -> None:
    # The window of one tally moved forward is the window of a tally built for the date
    # as long as the window's first day never went back (a dated window may move it back
    # where the policy changes: the sessions dropped then stay dropped), and it says when
    # each of its sessions leaves as the policy does.
    policy = POLICIES[name]
    sessions = [s(day.isoformat(), "support") for day in dates]
    moving = Tally(policy)
    floor = dt.date.min
    for i, session in enumerate(sessions):
        moving.add(session)
        first = moving.first_day(session.date)
        assert policy.first_day(session.date, moving.dates) == first
        moving.move_to(session.date)
        fresh = Tally.of(policy, sessions[: i + 1], session.date)
        if first >= floor:
            assert fresh.count(session.kind) == moving.count(session.kind)
        floor = max(floor, first)
        assert policy.leaves_on(session.date, moving.dates) == moving.leaves_on(session.date)


def test_an_episode_tracker_keeps_only_the_openings() -> None:
    tracker = EpisodeWindow(12).tracker()
    for day in ("2024-01-10", "2024-06-01", "2025-01-10", "2025-02-01", "2026-03-01"):
        tracker.add(d(day))
    assert d("2024-01-10") == tracker.first_day(d("2025-01-09"))
    assert d("2025-01-10") == tracker.first_day(d("2025-12-31"))
    assert d("2026-01-10") == tracker.first_day(d("2026-01-10"))  # between two episodes
    assert d("2026-01-10") == tracker.leaves_on(d("2025-02-01"))
    assert d("2027-03-01") == tracker.leaves_on(d("2026-03-01"))


def test_an_episode_tracker_refuses_dates_out_of_order() -> None:
    tracker = EpisodeWindow(12).tracker()
    tracker.add(d("2024-05-02"))
    with pytest.raises(InvalidInputError) as raised:
        tracker.add(d("2024-05-01"))
    assert ("day", "a date on or after 2024-05-02") == (raised.value.field, raised.value.expected)
    assert d("2024-05-01") == raised.value.value


def test_a_dated_tracker_builds_the_tracker_of_a_later_policy_from_every_date() -> None:
    # Under the episode policy from 2025, the 2024 sessions still open the episode.
    policy = _switching((FIRST, TrailingWindow(12)), (d("2025-01-01"), EpisodeWindow(12)))
    tracker = policy.tracker()
    for day in ("2024-06-01", "2024-07-01", "2025-05-01"):
        tracker.add(d(day))
    assert d("2024-06-01") == tracker.first_day(d("2025-05-31"))
    assert d("2025-06-01") == tracker.first_day(d("2025-06-01"))
    assert d("2024-01-01") == tracker.first_day(d("2024-12-31"))  # trailing before 2025


def test_the_rules_give_a_tally_that_tracks_their_policy() -> None:
    rules = episode_rules()
    tally = Tally(rules.policy())
    tally.add(s("2024-05-02", "support"))
    tally.add(s("2025-05-02", "support"))
    assert d("2025-05-02") == tally.first_day(d("2025-06-01"))
    assert d("2026-05-02") == tally.leaves_on(d("2025-05-02"))


def test_a_policy_with_only_the_protocol_is_tracked_by_asking_it() -> None:
    tracker = track(PlainWindow(EpisodeWindow(12)))
    tracker.add(d("2024-05-02"))
    assert d("2024-05-02") == tracker.first_day(d("2025-05-01"))
    assert d("2025-05-02") == tracker.first_day(d("2025-05-02"))
    assert d("2025-05-02") == tracker.leaves_on(d("2024-05-02"))


KINDS = ["support", "treatment", "community"]


@settings(max_examples=150, deadline=None)
@given(
    dates=date_lists(),
    functions=st.lists(st.sampled_from(KINDS), min_size=40, max_size=40),
    networks=st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_a_tally_finds_the_kth_oldest_and_the_last_date_in_a_network_as_its_window_says(
    dates: list[dt.date], functions: list[str], networks: list[bool]
) -> None:
    policy = TrailingWindow(12)
    sessions = [
        s(
            day.isoformat(),
            function,
            "group",
            network="children_adolescents" if young else "adults",
        )
        for day, function, young in zip(dates, functions, networks, strict=False)
    ]
    tally = Tally(policy)
    for i, session in enumerate(sessions):
        tally.add(session)
        tally.move_to(session.date)
        first = policy.first_day(session.date, ())
        window = [x for x in sessions[: i + 1] if x.date >= first]
        kinds = list(dict.fromkeys(x.kind for x in window))
        for chosen in ([session.kind], kinds, kinds[1:]):
            held = sorted(x.date for x in window if x.kind in chosen)
            assert len(held) == tally.count_all(chosen)
            for k in range(1, len(held) + 1):
                assert held[k - 1] == tally.kth_oldest(chosen, k)
        for network in {x.network for x in window}:
            assert max(x.date for x in window if x.network is network) == tally.last_in(network)


def _state(tally: Tally) -> dict[str, object]:
    """Everything a tally holds, to compare two tallies."""
    state = {name: getattr(tally, name) for name in Tally.__slots__ if name != "_tracker"}
    state["_by_kind"] = {kind: (dates.days, len(dates)) for kind, dates in tally._by_kind.items()}
    state["_tracker"] = [tally.first_day(on) for on in _queries(tally.dates)]
    return state


SESSION_KINDS = [
    ("support", "individual", "practice"),
    ("support", "group", "practice"),
    ("treatment", "individual", "video"),
    ("community", "group", "home"),
]


@pytest.mark.parametrize("name", POLICIES)
@settings(max_examples=80, deadline=None)
@given(
    dates=date_lists(),
    shapes=st.lists(st.sampled_from(SESSION_KINDS), min_size=31, max_size=31),
    flags=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=31, max_size=31),
    data=st.data(),
)
def test_a_tally_built_for_a_date_holds_what_adding_every_session_then_moving_holds(
    name: str,
    dates: list[dt.date],
    shapes: list[tuple[str, str, str]],
    flags: list[tuple[bool, bool]],
    data: st.DataObject,
) -> None:
    # ``Tally.of`` only notes the sessions before the window (it does not count them in
    # and out): the tally it builds must be the one made by adding each session in turn
    # and moving to the date, and it must then move and take sessions as that one does.
    policy = POLICIES[name]
    sessions = [
        attrs.evolve(
            s(day.isoformat(), function, setting, modality=modality, provider=f"psy-{i % 3}"),
            with_context=context,
            functional_assessment=assessed,
        )
        for i, (day, (function, setting, modality), (context, assessed)) in enumerate(
            zip(dates, shapes, flags, strict=False)
        )
    ]
    on = data.draw(st.sampled_from(_queries(dates)))
    built = Tally.of(policy, sessions, on)
    added = Tally(policy)
    for session in (x for x in sessions if x.date <= on):
        added.add(session)
    added.move_to(on)
    assert _state(built) == _state(added)
    for later in (x for x in sessions if x.date > on):
        for tally in (built, added):
            tally.move_to(later.date)
            tally.add(later)
        assert _state(built) == _state(added)
