"""What the patient pays and what the practitioner receives (rules §8, §9).

Money is :class:`~decimal.Decimal` euros with two decimals, read from the rule tables
by the session's own date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from inami_ppl._compiled import Compiled, Share, compiled
from inami_ppl._tally import Tally
from inami_ppl._validate import check_date, to_enum
from inami_ppl.codes import ShareCode
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Function, Patient, Role, Session, SessionFacts, Setting, Source
from inami_ppl.periods import age_on
from inami_ppl.rulesets import Parameter, Rules, Ruleset, resolve_rules

__all__ = ["Share", "fee_for", "fee_rule", "practitioner_fee", "share_for", "share_of"]


def share_for(patient: Patient, session: Session, ruleset: Ruleset, tally: Tally) -> Share:
    """The patient share of ``session``, by the precedence of rules §8.

    1. community sessions pay the community share (0): ``share.community``;
    2. from 2024-02-01, patients aged 23 or younger pay 0 [SEED]: ``share.youth``;
    3. the first individual session in the window is free [SEED; A on "first"]:
       ``share.first_free``;
    4. individual sessions (co-consultations included) pay 11.00 (``share.standard``),
       or 4.00 with the increased reimbursement (BIM, ``share.preferential``) [SEED];
    5. group sessions pay 2.50 [SEED]: ``share.group``.
    """
    age = age_on(patient.birth_date, session.date)
    return share_of(compiled(ruleset), patient, session, age, tally)


def share_of(
    rules: Compiled, patient: Patient, session: SessionFacts, age: int, tally: Tally
) -> Share:
    """:func:`share_for` from the compiled rules and the patient's ``age`` on the date."""
    if session.function is Function.COMMUNITY:
        return rules.shares[ShareCode.COMMUNITY]
    youth_max = rules.youth_max
    if youth_max is not None and age <= youth_max:
        return rules.shares[ShareCode.YOUTH]
    if session.setting is Setting.GROUP:
        return rules.shares[ShareCode.GROUP]
    if rules.first_free.value and tally.individual_sessions() == 0:
        return rules.shares[ShareCode.FIRST_FREE]
    if patient.preferential:
        return rules.shares[ShareCode.PREFERENTIAL]
    return rules.shares[ShareCode.STANDARD]


_GROUP_FEES = {
    Role.PSYCHOLOGIST: "fee.group.psychologist",
    Role.PHYSICIAN: "fee.group.physician",
    Role.OTHER: "fee.group.other",
}


def fee_rule(ruleset: Ruleset, setting: Setting, role: Role) -> Parameter:
    """The rule value of the fee for one session (individual) or one group facilitator (§9)."""
    if setting is Setting.INDIVIDUAL:
        if role is not Role.PSYCHOLOGIST:
            raise InvalidInputError(
                "role", role.value, "'psychologist' for an individual session (§10)"
            )
        name = "fee.individual"
    else:
        name = _GROUP_FEES[role]
    return ruleset.require(name)


def fee_for(ruleset: Ruleset, setting: Setting, role: Role) -> tuple[Decimal, Source]:
    """The fee for one session (individual) or one facilitator of a group session (§9)."""
    rule = fee_rule(ruleset, setting, role)
    return ruleset.decimal(rule.name), rule.source


def practitioner_fee(
    on: dt.date,
    setting: Setting | str,
    role: Role | str = Role.PSYCHOLOGIST,
    *,
    rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> Decimal:
    """The practitioner's fee for a session on ``on`` (rules §9).

    For a group session, the fee of one facilitator: a clinical psychologist or
    orthopedagogue and a physician receive the higher amount, other facilitators
    the lower one.

    >>> import datetime as dt
    >>> practitioner_fee(dt.date(2024, 1, 1), "individual")
    Decimal('81.74')
    >>> practitioner_fee(dt.date(2023, 12, 31), "group", "other")
    Decimal('126.00')

    Raises:
        InvalidInputError: an unknown setting or role, or a role other than
            psychologist for an individual session.
        OutOfCoverageError: ``on`` is outside the period the rules cover.

    """
    check_date("on", on)
    ruleset = resolve_rules(rules).at(on, accept_unconfirmed=accept_unconfirmed)
    amount, _ = fee_for(ruleset, to_enum(Setting, "setting", setting), to_enum(Role, "role", role))
    return amount
