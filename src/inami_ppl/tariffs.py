"""What the patient pays and what the practitioner receives (rules §8, §9).

Money is :class:`~decimal.Decimal` euros with two decimals, read from the rule tables
by the session's own date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from inami_ppl._tally import Tally
from inami_ppl._validate import check_date, to_enum
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Function, Patient, Role, Session, Setting, Source
from inami_ppl.periods import age_on
from inami_ppl.rulesets import Rules, Ruleset, resolve_rules

__all__ = ["Share", "fee_for", "fee_name", "practitioner_fee", "share_for"]


@attrs.frozen(kw_only=True)
class Share:
    """A patient share with the source of the rule of §8 that set it."""

    amount: Decimal
    source: Source
    name: str


def share_for(patient: Patient, session: Session, ruleset: Ruleset, tally: Tally) -> Share:
    """The patient share of ``session``, by the precedence of rules §8.

    1. community sessions pay the community share (0);
    2. from 2024-02-01, patients aged 23 or younger pay 0 [SEED];
    3. the first individual session in the window is free [SEED; A on "first"];
    4. individual sessions (co-consultations included) pay 11.00, or 4.00 with the
       increased reimbursement (BIM) [SEED];
    5. group sessions pay 2.50 [SEED].
    """
    if session.function is Function.COMMUNITY:
        return _share(ruleset, "share.community")
    youth = ruleset.parameter("share.youth_free_max_age")
    if youth is not None:
        max_age = youth.value
        assert isinstance(max_age, int)  # noqa: S101  (types are checked when loading)
        if age_on(patient.birth_date, session.date) <= max_age:
            return Share(amount=Decimal("0.00"), source=youth.source, name=youth.name)
    if session.setting is Setting.GROUP:
        return _share(ruleset, "share.group")
    first_free = ruleset.require("share.first_individual_free")
    if first_free.value and tally.individual_sessions() == 0:
        return Share(amount=Decimal("0.00"), source=first_free.source, name=first_free.name)
    if patient.preferential:
        return _share(ruleset, "share.individual_preferential")
    return _share(ruleset, "share.individual")


def _share(ruleset: Ruleset, name: str) -> Share:
    return Share(amount=ruleset.decimal(name), source=ruleset.require(name).source, name=name)


_GROUP_FEES = {
    Role.PSYCHOLOGIST: "fee.group.psychologist",
    Role.PHYSICIAN: "fee.group.physician",
    Role.OTHER: "fee.group.other",
}


def fee_name(setting: Setting, role: Role) -> str:
    """The name of the fee value for a session (individual) or a group facilitator (§9)."""
    if setting is Setting.INDIVIDUAL:
        if role is not Role.PSYCHOLOGIST:
            raise InvalidInputError(
                "role", role.value, "'psychologist' for an individual session (§10)"
            )
        return "fee.individual"
    return _GROUP_FEES[role]


def fee_for(ruleset: Ruleset, setting: Setting, role: Role) -> tuple[Decimal, Source]:
    """The fee for one session (individual) or one facilitator of a group session (§9)."""
    name = fee_name(setting, role)
    return ruleset.decimal(name), ruleset.require(name).source


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
