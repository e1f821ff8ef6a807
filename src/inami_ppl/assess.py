"""Decisions on sessions: eligibility, quotas and tariffs brought together.

:func:`assess`, :func:`assess_history`, :func:`remaining`, :func:`next_allowed_date`
and :func:`patient_share` (the public API).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Final, NamedTuple

import attrs

from inami_ppl import decision, quotas
from inami_ppl._collect import fewer_collections
from inami_ppl._compiled import Compiled, compiled
from inami_ppl._plans import plan_for
from inami_ppl._tally import Tally
from inami_ppl._validate import check_date, to_enum
from inami_ppl.checks import refusals
from inami_ppl.codes import Param
from inami_ppl.context import Context
from inami_ppl.decision import Assessment, Reason
from inami_ppl.errors import InvalidInputError, OutOfCoverageError
from inami_ppl.model import Network, Patient, Session, SessionFacts, Setting, as_session
from inami_ppl.periods import ONE_DAY, WindowPolicy, age_until, birthday, track
from inami_ppl.quotas import Remaining
from inami_ppl.rulesets import Parameter, Rules, Ruleset, resolve_rules
from inami_ppl.tariffs import Share, share_for, share_of

__all__ = [
    "assess",
    "assess_history",
    "judge_in_order",
    "next_allowed_date",
    "patient_share",
    "remaining",
    "verdict",
    "verdicts_in_order",
    "written_up",
]


def checked_patient(value: object) -> Patient:
    """``value`` when it is a :class:`Patient`; bad input otherwise."""
    if not isinstance(value, Patient):
        raise InvalidInputError("patient", value, "a Patient")
    return value


def checked_session(field: str, value: object) -> Session:
    """``value`` when it is a :class:`Session`; bad input otherwise."""
    if not isinstance(value, Session):
        raise InvalidInputError(field, value, "a Session")
    return value


def checked_sessions(field: str, values: object, rules: Rules) -> list[Session]:
    """Check a history: an iterable of sessions, none before the covered period."""
    if isinstance(values, str | bytes | Session) or not isinstance(values, Iterable):
        raise InvalidInputError(field, values, "an iterable of Session")
    out = []
    for i, value in enumerate(values):
        session = checked_session(f"{field}[{i}]", value)
        if session.date < rules.coverage_start:
            raise OutOfCoverageError(
                f"{field}[{i}].date", session.date, f"a date on or after {rules.coverage_start}"
            )
        out.append(session)
    return out


def _check_born(patient: Patient, session: SessionFacts) -> None:
    """A birth date after the session is bad input, not a refusal (rules §2, §11)."""
    if patient.birth_date > session.date:
        raise InvalidInputError(
            "birth_date", patient.birth_date, f"a date on or before {session.date.isoformat()}"
        )


def _policy(rules: Rules) -> WindowPolicy:
    return rules.policy()


class Verdict(NamedTuple):
    """What the engine found for one session, before it is written up as an :class:`Assessment`.

    ``reasons`` is empty when the session is accepted; ``share`` and ``fee`` (the fee
    of an individual session and its row) are then set.
    """

    ctx: Context
    reasons: tuple[Reason, ...]
    share: Share | None
    fee: tuple[Parameter, Decimal] | None


# The two tuples built for every session, made by ``tuple.__new__`` as ``_make`` does: a
# named tuple's own constructor is a Python function, called twice for every session.
_context: Final = functools.partial(tuple.__new__, Context)
_verdict: Final = functools.partial(tuple.__new__, Verdict)


def verdict(patient: Patient, session: SessionFacts, ruleset: Ruleset, tally: Tally) -> Verdict:
    """Apply every rule of §2-§8 of the rules to ``session`` against the window in ``tally``.

    The engine's one loop (:func:`verdicts_in_order`) run on one session, which it does not
    add to the tally.
    """
    return next(_verdicts(((patient, session),), lambda _: ruleset, tally, add=False))


def written_up(found: Verdict) -> Assessment:
    """The :class:`Assessment` of a verdict: amounts, quota use, sources, reasons' window."""
    ctx, reasons, share, fee_row = found
    rules, session = ctx.rules, as_session(ctx.session)
    in_force = session.function in rules.functions
    uses = quotas.quota_uses(ctx.standing, accepted=not reasons) if in_force else ()
    if share is None:
        # The messages name the window as the rule set's policy defines it.
        window = (Param.WINDOW, rules.window_code)
        unconfirmed = rules.unconfirmed_values(())
        return Assessment(
            session=session,
            allowed=False,
            reasons=tuple(
                decision.found(code=r.code, params=(*r.params, window), sources=r.sources)
                for r in reasons
            ),
            patient_share=None,
            practitioner_fee=None,
            insurer_share=None,
            ruleset=rules.ruleset.id,
            unconfirmed=bool(unconfirmed),
            unconfirmed_values=unconfirmed,
            quota=uses,
        )
    # The fee of an accepted individual session is its rule set's (``_verdicts``).
    granted = rules.granted(share, individual=fee_row is not None)
    return Assessment(
        session=session,
        allowed=True,
        reasons=(),
        patient_share=share.amount,
        practitioner_fee=granted.fee,
        insurer_share=granted.insurer,
        ruleset=rules.ruleset.id,
        unconfirmed=bool(granted.unconfirmed_values),
        unconfirmed_values=granted.unconfirmed_values,
        quota=uses,
        sources=granted.sources,
        billing_code=rules.billing_code(session),
        share_reason=share.reason,
        applied=granted.applied,
    )


def _judge(patient: Patient, session: Session, ruleset: Ruleset, tally: Tally) -> Assessment:
    return written_up(verdict(patient, session, ruleset, tally))


def assess(
    patient: Patient,
    history: Iterable[Session],
    session: Session,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Assessment:
    """Decide whether ``session`` is reimbursed, given the patient's accepted ``history``.

    ``history`` holds the patient's earlier accepted sessions in any order; sessions
    dated after ``session.date`` are ignored. The decision lists every rule broken,
    with reason codes in the order of the reason-code page.

    >>> import datetime as dt
    >>> from inami_ppl import Patient, Session
    >>> patient = Patient(birth_date=dt.date(1990, 4, 2))
    >>> first = Session(date=dt.date(2024, 5, 2), network="adults", function="support",
    ...                 setting="individual")
    >>> a = assess(patient, [], first)
    >>> a.allowed, a.patient_share, a.practitioner_fee
    (True, Decimal('0.00'), Decimal('81.74'))
    >>> again = assess(patient, [first], first)
    >>> again.codes
    ('day.limit',)
    >>> again.reasons[0].message("nl")
    'Maar één terugbetaalde sessie per dag: er vond al een sessie plaats op 02-05-2024.'

    Args:
        patient: the patient.
        history: earlier accepted sessions of this patient.
        session: the session to decide.
        rules: the rule tables to apply (default: those bundled with the package).
        accept_unconfirmed: apply the last rules to a session after the covered
            period instead of raising (the decision then says ``unconfirmed``).

    Raises:
        InvalidInputError: a value has the wrong type, or the birth date is after
            the session.
        OutOfCoverageError: a session is before the covered period, or after it
            without ``accept_unconfirmed``.

    """
    rules = resolve_rules(rules)
    patient = checked_patient(patient)
    session = checked_session("session", session)
    ruleset = rules.at(session.date, accept_unconfirmed=accept_unconfirmed)
    earlier = checked_sessions("history", history, rules)
    return _judge(patient, session, ruleset, Tally.of(_policy(rules), earlier, session.date))


def assess_history(
    patient: Patient,
    sessions: Iterable[Session],
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> list[Assessment]:
    """Decide every session of a patient in date order (input order within one date).

    Each session is judged against the sessions accepted before it; refused ones
    never count. The result has the length and order of the date-sorted input. The
    whole history costs one sort and one pass. While it runs, Python's garbage collector
    walks its youngest generation less often (as it does while a claims file is judged):
    a long history makes many decisions and no reference cycles.

    >>> import datetime as dt
    >>> from inami_ppl import Patient, Session
    >>> days = [dt.date(2022, 1, 3) + dt.timedelta(weeks=w) for w in range(9)]
    >>> sessions = [Session(date=d, network="adults", function="first_line",
    ...                     setting="individual") for d in days]
    >>> [a.allowed for a in assess_history(Patient(birth_date=dt.date(1980, 1, 1)), sessions)]
    [True, True, True, True, True, True, True, True, False]
    """
    rules = resolve_rules(rules)
    patient = checked_patient(patient)
    ordered = sorted(checked_sessions("sessions", sessions, rules), key=lambda s: s.date)
    with fewer_collections():
        return list(
            judge_in_order(
                ((patient, s) for s in ordered), rules, accept_unconfirmed=accept_unconfirmed
            )
        )


def judge_in_order(
    items: Iterable[tuple[Patient, Session]], rules: Rules, *, accept_unconfirmed: bool
) -> Iterator[Assessment]:
    """Judge one patient's sessions, already in date order, each against those accepted before.

    The engine of :func:`assess_history`, also used for claims files, where the
    patient's increased reimbursement may change from one session to the next (so
    each session comes with its own :class:`Patient`). The inputs are trusted: they
    are checked by the callers.
    """
    for found in verdicts_in_order(items, rules, accept_unconfirmed=accept_unconfirmed):
        yield written_up(found)


def verdicts_in_order(
    items: Iterable[tuple[Patient, SessionFacts]], rules: Rules, *, accept_unconfirmed: bool
) -> Iterator[Verdict]:
    """:func:`judge_in_order` before the decisions are written up (for bulk output)."""
    at = functools.partial(rules.at, accept_unconfirmed=accept_unconfirmed)
    return _verdicts(items, at, Tally(_policy(rules)), add=True)


def _verdicts(
    items: Iterable[tuple[Patient, SessionFacts]],
    ruleset_on: Callable[[dt.date], Ruleset],
    tally: Tally,
    *,
    add: bool,
) -> Iterator[Verdict]:
    """The engine: apply every rule of §2-§8 to each session against the window in ``tally``.

    The sessions come in date order. Each session's plan (:mod:`inami_ppl._plans`) tells at
    once which rules it breaks (most sessions break none); only the checks of those rules
    run, to say why. With ``add``, each accepted session is added to the tally.
    """
    add_session, move_to = tally.add, tally.move_to
    ruleset: Ruleset
    rules: Compiled
    until = dt.date.min  # before every date: the first session asks for its rule set
    # The age of the last birth date seen holds until its next birthday (dates in order).
    born, age, older_on = None, 0, dt.date.min
    for patient, session in items:
        day = session.date
        # The rule set of the last session holds the later dates up to its last day without
        # a change of value (the dates come in order; the rules after the covered period,
        # valid until its end, are asked again for each date).
        if day > until:
            ruleset = ruleset_on(day)
            until = ruleset.valid_until
            rules = compiled(ruleset)
        move_to(day)
        birth = patient.birth_date
        if birth > day:
            _check_born(patient, session)
        plan = rules.plans.get((session.kind, session.network))
        if plan is None:
            plan = plan_for(rules, session.kind, session.network)
        if birth is not born or day >= older_on:
            born, (age, older_on) = birth, age_until(birth, day)
        standing = plan.standing(tally)
        # The context of the checks: the window counted once for all of them.
        ctx = _context((patient, session, ruleset, rules, tally, age, standing))
        # Should the plan be more cautious than the checks, they find no reason, and the
        # session is accepted.
        broken = plan.broken(session, age, tally, standing)
        reasons = refusals(ctx, broken) if broken else ()
        if reasons:
            yield _verdict((ctx, reasons, None, None))
            continue
        share = share_of(rules, patient, session, age, tally)
        fee = rules.fee_row if session.setting is Setting.INDIVIDUAL else None
        if add:
            add_session(session)
        yield _verdict((ctx, (), share, fee))


def patient_share(
    patient: Patient,
    history: Iterable[Session],
    session: Session,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Decimal:
    """What the patient pays for ``session`` if it is accepted (rules §8).

    >>> import datetime as dt
    >>> from inami_ppl import Patient, Session
    >>> s = Session(date=dt.date(2023, 3, 1), network="adults", function="first_line",
    ...             setting="group")
    >>> patient_share(Patient(birth_date=dt.date(1980, 1, 1)), [], s)
    Decimal('2.50')
    """
    rules = resolve_rules(rules)
    patient = checked_patient(patient)
    session = checked_session("session", session)
    ruleset = rules.at(session.date, accept_unconfirmed=accept_unconfirmed)
    tally = Tally.of(_policy(rules), checked_sessions("history", history, rules), session.date)
    _check_born(patient, session)
    return share_for(patient, session, ruleset, tally).amount


def remaining(
    patient: Patient,
    history: Iterable[Session],
    on: dt.date,
    network: Network | str,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Remaining:
    """How many more sessions of each kind the maxima allow in the window ending on ``on``.

    For each (function, setting) of the rule set in force on ``on``: the sessions of
    only that kind that still fit (``0`` where a combination rule blocks it), or
    ``None`` where no maximum applies. Only quota rules count here: age, network
    switch, one-a-day, assessment, video and the other session conditions are
    ignored. The result is a ``dict``; its ``to_dict()`` is the JSON-ready form,
    keyed by ``"function/setting"``.

    >>> import datetime as dt
    >>> from inami_ppl import Patient, Session, Function, Setting
    >>> s = Session(date=dt.date(2024, 5, 2), network="adults", function="support",
    ...             setting="individual")
    >>> left = remaining(Patient(birth_date=dt.date(1980, 1, 1)), [s], dt.date(2024, 6, 1),
    ...                  "adults")
    >>> left[(Function.SUPPORT, Setting.INDIVIDUAL)], left[(Function.TREATMENT, Setting.GROUP)]
    (7, None)
    >>> left.to_dict()["support/individual"]
    7
    """
    rules = resolve_rules(rules)
    checked_patient(patient)
    check_date("on", on)
    ruleset = rules.at(on, accept_unconfirmed=accept_unconfirmed)
    tally = Tally.of(_policy(rules), checked_sessions("history", history, rules), on)
    return quotas.remaining_by_kind(to_enum(Network, "network", network), ruleset, tally)


def next_allowed_date(
    patient: Patient,
    history: Iterable[Session],
    session: Session,
    *,
    rules: Rules | None = None,
) -> dt.date | None:
    """The earliest date on or after ``session.date`` on which the session would be accepted.

    ``None`` when no date within the rules' coverage works. Only the dates where the
    decision can change are tried: a session entering or leaving the window, the day
    after a session, a birthday that opens or closes a network, a change of rules.

    >>> import datetime as dt
    >>> from inami_ppl import Patient, Session
    >>> s = Session(date=dt.date(2024, 5, 2), network="adults", function="support",
    ...             setting="individual")
    >>> next_allowed_date(Patient(birth_date=dt.date(1980, 1, 1)), [s], s)
    datetime.date(2024, 5, 3)
    """
    rules = resolve_rules(rules)
    patient = checked_patient(patient)
    session = checked_session("session", session)
    rules.at(session.date)
    earlier = sorted(checked_sessions("history", history, rules), key=lambda s: s.date)
    policy = _policy(rules)
    candidates = _candidates(patient, earlier, session.date, rules, policy)
    # One tally moved forward through the candidates, in date order: each session of the
    # history enters it once, and leaves it once (or more often, where a window policy
    # that changes with the rules takes it back into the window).
    tally = Tally(policy)
    added = 0
    for day in candidates:
        while added < len(earlier) and earlier[added].date <= day:
            tally.add(earlier[added])
            added += 1
        tally.move_to(day)
        moved = attrs.evolve(session, date=day)
        if _judge(patient, moved, rules.at(day), tally).allowed:
            return day
    return None


def _candidates(
    patient: Patient, earlier: list[Session], start: dt.date, rules: Rules, policy: WindowPolicy
) -> list[dt.date]:
    """The dates from ``start`` on where a decision can change, in order.

    A session entering or leaving the window (the policy asked once per date of the
    history), the day after a session, a birthday that opens or closes a network, a
    change of rules; none after the rules' coverage.
    """
    tracker = track(policy)
    dates = dict.fromkeys(s.date for s in earlier)  # in order, each once
    for day in dates:
        tracker.add(day)
    candidates = {start, *rules.change_dates()}
    for day in dates:
        candidates.update((day, day + ONE_DAY, tracker.leaves_on(day)))
    changes = rules.change_dates()
    ages = {rules.at(day).integer("age.adults.min") for day in changes}
    ages |= {rules.at(day).integer("age.children_adolescents.max") + 1 for day in changes}
    candidates.update(birthday(patient.birth_date, age) for age in ages)
    return sorted(day for day in candidates if start <= day <= rules.coverage_end)
