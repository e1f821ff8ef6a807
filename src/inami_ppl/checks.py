"""The rule checks in one table, in the order a refusal lists its reasons.

Every check has the same signature: it takes one :class:`~inami_ppl.context.Context`
and returns the :class:`~inami_ppl.Reason` it finds, or ``None``. A new rule is a new
row here; :data:`REASON_CODES` and the order of the reasons of a refusal come from
this table.

>>> REASON_CODES[:3]
('age.network', 'network.switch', 'function.not_in_force')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, final

import attrs

from inami_ppl import eligibility, quotas
from inami_ppl.codes import ReasonCode
from inami_ppl.context import Context
from inami_ppl.decision import Reason

__all__ = ["CHECKS", "REASON_CODES", "Check", "refusals"]


@final
@attrs.frozen
class Check:
    """One rule: its reason code, the check, and whether it needs the function in force.

    When the session's function is not in force on its date, the checks that depend
    on it (the quotas, the functional assessment, the co-provider) are not evaluated.
    """

    code: ReasonCode
    rule: Callable[[Context], Reason | None]
    needs_function: bool = False


#: Every check, in the order of the reason codes.
CHECKS: Final = (
    Check(ReasonCode.AGE_NETWORK, eligibility.check_age_network),
    Check(ReasonCode.NETWORK_SWITCH, eligibility.check_network_switch),
    Check(ReasonCode.FUNCTION_NOT_IN_FORCE, eligibility.check_function_in_force),
    Check(ReasonCode.QUOTA_EXCEEDED, quotas.check_maxima, needs_function=True),
    Check(ReasonCode.QUOTA_COMBINATION, quotas.check_combination, needs_function=True),
    Check(ReasonCode.DAY_LIMIT, eligibility.check_day_limit),
    Check(ReasonCode.ASSESSMENT_MISSING, eligibility.check_assessment, needs_function=True),
    Check(ReasonCode.VIDEO_FIRST_IN_PERSON, eligibility.check_video),
    Check(ReasonCode.MODALITY_CONDITION, eligibility.check_modality_condition),
    Check(
        ReasonCode.CO_CONSULTATION_CO_PROVIDER, eligibility.check_co_provider, needs_function=True
    ),
)

#: The stable reason codes, in the order a refusal lists them.
REASON_CODES: Final = tuple(check.code.value for check in CHECKS)


# The codes in table order, and each code's check as (rule, needs_function).
_ORDER: Final = tuple(check.code for check in CHECKS)
_BY_CODE: Final = {check.code: (check.rule, check.needs_function) for check in CHECKS}


def refusals(ctx: Context, broken: Sequence[ReasonCode] | None = None) -> tuple[Reason, ...]:
    """Every rule the session breaks, in table order (empty when it is accepted).

    With ``broken`` (codes in table order, as :meth:`inami_ppl._plans.Plan.broken` gives
    them), only the checks of those codes are asked: the others are known to pass.
    """
    in_force = ctx.session.function in ctx.rules.functions
    found: list[Reason] = []
    for code in _ORDER if broken is None else broken:
        rule, needs_function = _BY_CODE[code]
        if (in_force or not needs_function) and (reason := rule(ctx)) is not None:
            found.append(reason)
    return tuple(found)
