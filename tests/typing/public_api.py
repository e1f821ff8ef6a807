"""The public API as users write it, checked by ``mypy --strict`` and never run.

A change that breaks a user's typed code fails the type check here first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import assert_type

import inami_ppl
from inami_ppl import (
    Assessment,
    BookingCheck,
    Function,
    Network,
    Patient,
    Reason,
    ReasonCode,
    Remaining,
    Rules,
    Ruleset,
    Session,
    Setting,
    age_on,
    assess,
    assess_history,
    check_booking,
    default_rules,
    networks_for,
    next_allowed_date,
    patient_share,
    practitioner_fee,
    remaining,
    ruleset_for,
)
from inami_ppl.analytics import Summary, Totals, WhatIf, summarize, totals, what_if
from inami_ppl.claims import Claim, ReadProgress, assess_file, assess_records


def uses() -> None:
    """Never called: mypy reads it, pytest only imports the module."""
    patient = Patient(birth_date=dt.date(1980, 1, 1), preferential=True)
    session = Session(
        date=dt.date(2024, 5, 2),
        network=Network.ADULTS,
        function="support",
        setting=Setting.INDIVIDUAL,
        provider="12345678",
    )
    history: list[Session] = [session]

    decision = assess(patient, history, session)
    assert_type(decision, Assessment)
    assert_type(decision.allowed, bool)
    assert_type(decision.reasons, tuple[Reason, ...])
    assert_type(decision.codes, tuple[str, ...])
    assert_type(decision.patient_share, Decimal | None)
    assert_type(decision.practitioner_fee, Decimal | None)
    assert_type(decision.ruleset, str)
    assert_type(decision.to_json(), str)
    assert_type(Assessment.from_json(decision.to_json()), Assessment)
    assert_type(decision.reasons[0].message("fr"), str)

    assert_type(assess_history(patient, history), list[Assessment])
    left = remaining(patient, history, dt.date(2024, 6, 1), "adults")
    assert_type(left, Remaining)
    assert_type(left[(Function.SUPPORT, Setting.INDIVIDUAL)], int | None)
    assert_type(left.to_dict(), dict[str, int | None])
    assert_type(check_booking(patient, history, [], session), BookingCheck)
    assert_type(check_booking(patient, history, [], session).displaced, tuple[Assessment, ...])
    assert_type(networks_for(patient, dt.date(2024, 5, 2)), frozenset[Network])
    assert_type(Session.from_dict(session.to_dict()), Session)
    assert_type(Patient.from_dict(patient.to_dict()), Patient)
    assert_type(decision.share_reason, Reason | None)
    assert_type(Reason(code=ReasonCode.DAY_LIMIT, params={"date": dt.date(2024, 5, 2)}), Reason)
    assert_type(next_allowed_date(patient, history, session), dt.date | None)
    assert_type(patient_share(patient, history, session), Decimal)
    assert_type(practitioner_fee(dt.date(2024, 5, 2), "group", "other"), Decimal)
    assert_type(age_on(patient.birth_date, dt.date(2024, 5, 2)), int)
    assert_type(networks_for(patient.birth_date, dt.date(2024, 5, 2)), frozenset[Network])
    assert_type(ruleset_for(dt.date(2024, 5, 2)), Ruleset)

    rules = default_rules().with_overrides({"fee.individual": "90"}, start=dt.date(2025, 1, 1))
    assert_type(rules, Rules)
    assert_type(assess(patient, history, session, rules=rules, accept_unconfirmed=True), Assessment)
    assert_type(inami_ppl.__version__, str)
    amended = default_rules().amend(b"format = 1", name="amendment.toml")
    assert_type(amended, Rules)
    assert_type(
        assess(patient, history, session, rules=amended).unconfirmed_values, tuple[str, ...]
    )
    assert_type(assess(patient, history, session, rules=amended).billing_code, str | None)
    assert_type([c.line() for c in default_rules().diff(amended)], list[str])
    assert_type(amended.labels("fr"), dict[str, str])

    claims = assess_records([{"patient_id": "a", "birth_date": "1980-01-01"}], grouped=True)
    assert_type(claims, Iterator[Claim])
    assert_type(assess_file("claims.csv", format="csv"), Iterator[Claim])
    seen: list[ReadProgress] = []
    belgian = assess_file(
        "export.csv",
        encoding="cp1252",
        delimiter=";",
        date_format="%d/%m/%Y",
        progress=seen.append,
    )
    assert_type(belgian, Iterator[Claim])
    assert_type(seen[0].fraction, float | None)
    assert_type(totals(claims), Totals)
    assert_type(summarize([], by=["network", "month"]), Summary)
    assert_type(what_if("claims.csv", rules), WhatIf)
    assert_type(what_if("claims.csv", rules).insurer_difference, Decimal)
