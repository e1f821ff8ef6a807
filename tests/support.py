"""Small builders shared by the rule tests: dates and sessions written as the rules read."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

from inami_ppl import Assessment, Patient, Rules, Session, assess_history, default_rules


def d(text: str) -> dt.date:
    """A date from its ISO text."""
    return dt.date.fromisoformat(text)


ADULT = Patient(birth_date=d("1980-06-15"))
ADULT_BIM = Patient(birth_date=d("1980-06-15"), preferential=True)
CHILD = Patient(birth_date=d("2012-03-10"))


def s(
    day: str, function: str, setting: str = "individual", network: str = "adults", **fields: Any
) -> Session:
    """A session on ``day``."""
    return Session(date=d(day), network=network, function=function, setting=setting, **fields)


def weekly(
    start: str,
    count: int,
    function: str,
    setting: str = "individual",
    network: str = "adults",
    **fields: Any,
) -> list[Session]:
    """``count`` sessions a week apart from ``start``."""
    first = d(start)
    return [
        Session(
            date=first + dt.timedelta(weeks=i),
            network=network,
            function=function,
            setting=setting,
            **fields,
        )
        for i in range(count)
    ]


def allowed(patient: Patient, sessions: list[Session]) -> list[bool]:
    """Whether each session of a history is accepted, in date order."""
    return [a.allowed for a in assess_history(patient, sessions)]


def last(patient: Patient, sessions: list[Session]) -> Assessment:
    """The decision on the last session of a history (in date order)."""
    return assess_history(patient, sessions)[-1]


def episode_rules() -> Rules:
    """The bundled rules with the window opened by an episode's first session (RULES.md §4)."""
    return dated_window_rules(*("episode" for _ in default_rules().rulesets))


def dated_window_rules(*policies: str) -> Rules:
    """The bundled rules with the window policy of each rule set, in date order, named."""
    rules = default_rules()
    ordered = sorted(rules.rulesets, key=lambda r: r.start)
    if len(policies) != len(ordered):
        raise ValueError(f"{len(ordered)} policies expected")
    rulesets = tuple(
        attrs.evolve(r, window=attrs.evolve(r.window or rules.window, policy=policy))
        for r, policy in zip(ordered, policies, strict=True)
    )
    return attrs.evolve(rules, rulesets=rulesets)


# The frozen rule table that the mechanism tests read (conftest.py makes it the default).
FIXTURE_TABLE = Path(__file__).parent / "fixtures" / "rules.toml"


def python_prints(code: str) -> str:
    """What ``code`` prints in a new interpreter of this Python, which must end with exit 0."""
    done = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
