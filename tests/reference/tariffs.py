"""What the patient pays and what the practitioner receives (rules §8, §9).

Money is :class:`~decimal.Decimal` euros with two decimals, read from the rule tables
by the session's own date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from inami_ppl._validate import check_date, to_enum
from inami_ppl.codes import Param, ParamValue, ShareCode
from inami_ppl.decision import Reason
from inami_ppl.errors import InvalidInputError
from inami_ppl.model import Function, Patient, Role, Session, Setting, Source
from inami_ppl.periods import age_on
from inami_ppl.rulesets import Parameter, Rules, Ruleset, resolve_rules
from reference._tally import Tally

__all__ = ["Share", "fee_for", "fee_rule", "practitioner_fee", "share_for"]


@attrs.frozen(kw_only=True)
class Share:
    """A patient share, the step of §8 that set it and the rule value of that step."""

    amount: Decimal
    code: ShareCode
    rule: Parameter
    max_age: int | None = None
    window: str | None = None

    @property
    def reason(self) -> Reason:
        """The explanation: the ``share.*`` code with the amount (and the age bound)."""
        params: dict[Param, ParamValue] = {Param.AMOUNT: self.amount}
        if self.max_age is not None:
            params[Param.MAX_AGE] = self.max_age
        if self.window is not None:
            params[Param.WINDOW] = self.window
        return Reason(code=self.code, params=params, sources=(self.rule.source,))


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
    if session.function is Function.COMMUNITY:
        return _share(ruleset, "share.community", ShareCode.COMMUNITY)
    youth = ruleset.parameter("share.youth_free_max_age")
    if youth is not None:
        max_age = youth.value
        assert isinstance(max_age, int)
        if age_on(patient.birth_date, session.date) <= max_age:
            return Share(amount=_FREE, code=ShareCode.YOUTH, rule=youth, max_age=max_age)
    if session.setting is Setting.GROUP:
        return _share(ruleset, "share.group", ShareCode.GROUP)
    first_free = ruleset.require("share.first_individual_free")
    if first_free.value and tally.individual_sessions() == 0:
        return Share(
            amount=_FREE, code=ShareCode.FIRST_FREE, rule=first_free, window=ruleset.window.code
        )
    if patient.preferential:
        return _share(ruleset, "share.individual_preferential", ShareCode.PREFERENTIAL)
    return _share(ruleset, "share.individual", ShareCode.STANDARD)


_FREE = Decimal("0.00")


def _share(ruleset: Ruleset, name: str, code: ShareCode) -> Share:
    return Share(amount=ruleset.decimal(name), code=code, rule=ruleset.require(name))


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
