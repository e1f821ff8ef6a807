"""Shared hypothesis strategies: patients, sessions of both rule sets, small histories.

The strategies draw mostly realistic input (a function in force on the session's date,
a network open to the patient, a few kinds per history, dates close together so that
the 12-month maxima, the combinations and the one-a-day rule are reached) and
sometimes input that a real history can hold but the rules refuse (a function out of
force, the other network, a video session first).

Every date lies in the covered period (2021-09-01 .. 2027-12-31) and every birth date
before it, so that no strategy ever produces input that is an error rather than a
refusal (``RULES.md`` §1, §2, §11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st

from inami_ppl import Function, Modality, Network, Patient, Session, Setting, default_rules
from inami_ppl.model import SETTINGS

__all__ = [
    "EDGE_DATES",
    "FIRST_DATE",
    "FUNCTIONS_IN_FORCE",
    "LAST_DATE",
    "PROVIDERS",
    "RULESET_2024_START",
    "YOUTH_FREE_START",
    "dates",
    "histories",
    "kinds_in_force",
    "open_networks",
    "patients",
    "ruleset_id",
    "sessions",
    "sessions_near",
    "settings_of",
]

FIRST_DATE = dt.date(2021, 9, 1)
LAST_DATE = dt.date(2027, 12, 31)
RULESET_2024_START = dt.date(2024, 4, 1)
YOUTH_FREE_START = dt.date(2024, 2, 1)
LAST_BIRTH_DATE = FIRST_DATE - dt.timedelta(days=1)

# The rule sets and their functions, read from the frozen fixture table (the default
# rules of the tests): a rule set or a function added to it is drawn without another edit.
# They choose what to draw, never what to expect.
FUNCTIONS_IN_FORCE: dict[str, tuple[Function, ...]] = {
    r.id: tuple(rule.function for rule in r.functions) for r in default_rules().rulesets
}


# RULES.md §2: children and adolescents up to and including 23, adults from 15.
_CHILDREN_MAX_AGE = 23
_ADULTS_MIN_AGE = 15

PROVIDERS = ("psy-1", "psy-2")

# Dates where something changes (rule sets, amounts, the youth rule) or where month
# arithmetic is delicate (29 February and the month ends around it).
EDGE_DATES: tuple[dt.date, ...] = (
    FIRST_DATE,
    dt.date(2021, 9, 2),
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
    dt.date(2024, 1, 31),
    YOUTH_FREE_START,
    dt.date(2024, 2, 28),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 1),
    dt.date(2024, 3, 31),
    RULESET_2024_START,
    dt.date(2025, 2, 28),
    dt.date(2025, 3, 1),
    dt.date(2027, 2, 28),
    LAST_DATE,
)

Kind = tuple[Function, Setting]


def ruleset_id(day: dt.date) -> str:
    """The rule set in force on ``day`` (``RULES.md`` §1)."""
    return default_rules().at(day).id


def settings_of(function: Function) -> tuple[Setting, ...]:
    """The settings ``function`` has (``RULES.md`` §3; ``test_model`` checks them)."""
    return tuple(s for s in Setting if s in SETTINGS[function])


def kinds_in_force(day: dt.date) -> tuple[Kind, ...]:
    """Every (function, setting) of the rule set in force on ``day``."""
    return tuple(
        (function, setting)
        for function in FUNCTIONS_IN_FORCE[ruleset_id(day)]
        for setting in settings_of(function)
    )


_ALL_KINDS: tuple[Kind, ...] = tuple(
    (function, setting) for function in Function for setting in settings_of(function)
)


# Tracks of care: a 2021 kind and a 2024 kind that follows it (for drawing histories only).
_TRACKS: tuple[tuple[Kind, Kind], ...] = (
    ((Function.FIRST_LINE, Setting.INDIVIDUAL), (Function.SUPPORT, Setting.INDIVIDUAL)),
    ((Function.SPECIALIZED, Setting.INDIVIDUAL), (Function.TREATMENT, Setting.INDIVIDUAL)),
    ((Function.FIRST_LINE, Setting.GROUP), (Function.SUPPORT, Setting.GROUP)),
    ((Function.SPECIALIZED, Setting.GROUP), (Function.TREATMENT, Setting.GROUP)),
    ((Function.FIRST_LINE, Setting.GROUP), (Function.COMMUNITY, Setting.GROUP)),
    ((Function.FIRST_LINE, Setting.INDIVIDUAL), (Function.CO_CONSULTATION, Setting.INDIVIDUAL)),
)


def open_networks(birth_date: dt.date, day: dt.date) -> tuple[Network, ...]:
    """The networks open on ``day`` to someone born on ``birth_date`` (``RULES.md`` §2)."""
    age = relativedelta(day, birth_date).years
    out = []
    if age <= _CHILDREN_MAX_AGE:
        out.append(Network.CHILDREN_ADOLESCENTS)
    if age >= _ADULTS_MIN_AGE:
        out.append(Network.ADULTS)
    return tuple(out)


def dates(
    min_value: dt.date = FIRST_DATE, max_value: dt.date = LAST_DATE
) -> st.SearchStrategy[dt.date]:
    """Dates in ``[min_value, max_value]``, often one of the edge dates in that range."""
    edges = [day for day in EDGE_DATES if min_value <= day <= max_value]
    uniform = st.dates(min_value=min_value, max_value=max_value)
    if not edges:
        return uniform
    return st.one_of(uniform, st.sampled_from(edges))


@st.composite
def patients(
    draw: st.DrawFn,
    min_birth_date: dt.date = dt.date(1940, 1, 1),
    max_birth_date: dt.date = LAST_BIRTH_DATE,
) -> Patient:
    """A patient born before the covered period; often one who crosses 15 or 24 in it."""
    leap_days = [
        day
        for day in (dt.date(1996, 2, 29), dt.date(2000, 2, 29), dt.date(2008, 2, 29))
        if min_birth_date <= day <= max_birth_date
    ]
    # Born 1997-2012: aged 15 or 24 at some point of 2021-2027, when networks open or close.
    crossing_first = max(min_birth_date, dt.date(1997, 1, 1))
    crossing_last = min(max_birth_date, dt.date(2012, 12, 31))
    choices = [st.dates(min_value=min_birth_date, max_value=max_birth_date)]
    if crossing_first <= crossing_last:
        choices.append(st.dates(min_value=crossing_first, max_value=crossing_last))
    if leap_days:
        choices.append(st.sampled_from(leap_days))
    birth_date = draw(st.one_of(choices))
    return Patient(birth_date=birth_date, preferential=draw(st.booleans()))


@st.composite
def _kind_on(draw: st.DrawFn, day: dt.date, preferred: Sequence[Kind] = ()) -> Kind:
    """A kind for a session on ``day``: mostly one in force (preferably from ``preferred``).

    About one session in ten gets any function at all, so that ``function.not_in_force``
    is exercised.
    """
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.sampled_from(_ALL_KINDS))
    in_force = kinds_in_force(day)
    usable = [kind for kind in preferred if kind in in_force]
    if usable and draw(st.integers(min_value=0, max_value=4)) > 0:
        return draw(st.sampled_from(usable))
    return draw(st.sampled_from(in_force))


@st.composite
def _network_on(
    draw: st.DrawFn, patient: Patient | None, day: dt.date, home: Network | None = None
) -> Network:
    """A network: mostly ``home`` or another one open to the patient on ``day``."""
    if patient is None or draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.sampled_from(tuple(Network)))
    open_to = open_networks(patient.birth_date, day)
    if home is not None and home in open_to and draw(st.integers(min_value=0, max_value=5)) > 0:
        return home
    return draw(st.sampled_from(open_to))


@st.composite
def sessions(
    draw: st.DrawFn,
    *,
    patient: Patient | None = None,
    on: st.SearchStrategy[dt.date] | None = None,
    preferred: Sequence[Kind] = (),
    home: Network | None = None,
    providers: Sequence[str] = PROVIDERS,
) -> Session:
    """One session of either rule set, dated by ``on`` (default: the covered period).

    The function is mostly in force on the date and the setting always one the
    function has; the network is mostly open to ``patient`` (when given).
    """
    day = draw(dates() if on is None else on)
    function, setting = draw(_kind_on(day, preferred))
    return Session(
        date=day,
        network=draw(_network_on(patient, day, home)),
        function=function,
        setting=setting,
        modality=draw(
            st.one_of(st.just(Modality.PRACTICE), st.sampled_from(tuple(Modality))),
        ),
        with_context=draw(st.integers(min_value=0, max_value=4)) == 0,
        functional_assessment=draw(st.integers(min_value=0, max_value=2)) == 0,
        provider=draw(st.one_of(st.none(), st.sampled_from(providers))),
    )


@st.composite
def histories(
    draw: st.DrawFn,
    patient: Patient,
    *,
    min_size: int = 0,
    max_size: int = 10,
    max_tracks: int = 3,
    first: dt.date = FIRST_DATE,
    last: dt.date = LAST_DATE,
) -> list[Session]:
    """A small history of one patient: sessions close together, of a few kinds, in date order.

    The sessions lie within a span (from one day to about two and a half years) that
    starts on a drawn anchor, so that windows fill up and the same date comes back (one
    a day). Their kinds come mostly from at most ``max_tracks`` tracks of care, each a
    2021 kind and its 2024 successor, so that a history across 2024-04-01 carries its
    sessions over to the new rule set.
    """
    span = draw(st.sampled_from([0, 20, 90, 200, 365, 500, 900]))
    anchor = draw(dates(first, max(first, last - dt.timedelta(days=span))))
    end = min(last, anchor + dt.timedelta(days=span))
    tracks = draw(st.lists(st.sampled_from(_TRACKS), min_size=1, max_size=max_tracks, unique=True))
    preferred = [kind for track in tracks for kind in track]
    home = draw(st.sampled_from(open_networks(patient.birth_date, anchor)))
    on = st.dates(min_value=anchor, max_value=end)
    # Draw the size first: left to itself, ``st.lists`` seldom makes long lists, and the
    # maxima need many sessions in one window.
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    drawn = draw(
        st.lists(
            sessions(patient=patient, on=on, preferred=preferred, home=home),
            min_size=size,
            max_size=size,
        )
    )
    return sorted(drawn, key=lambda s: s.date)


@st.composite
def sessions_near(
    draw: st.DrawFn, patient: Patient, history: Sequence[Session], days_after: int = 400
) -> Session:
    """A session for ``patient`` among or shortly after ``history``, of the kinds it holds.

    It often falls on a date of the history (one a day) and often has a kind and a
    network of the history (maxima, combinations, network switch).
    """
    if not history:
        return draw(sessions(patient=patient))
    first = min(s.date for s in history)
    last = min(LAST_DATE, max(s.date for s in history) + dt.timedelta(days=days_after))
    on = st.one_of(
        st.dates(min_value=first, max_value=last),
        st.sampled_from(sorted({s.date for s in history})),
    )
    preferred = sorted({(s.function, s.setting) for s in history})
    home = draw(st.sampled_from([s.network for s in history]))
    return draw(sessions(patient=patient, on=on, preferred=preferred, home=home))
