"""The stable codes of decisions: reason codes, share codes and the names of their facts.

Every code is a string-valued enum, so that the code written in JSON and CSV stays
the same text, while code that names a reason or a fact gets a typo caught by the
type checker. Each code lists the facts (:class:`Param`) its message needs, and each
fact has one type: a number stays a number, a date a date, until the message is
rendered.

>>> ReasonCode.DAY_LIMIT == "day.limit"
True
>>> PARAMS_OF[ReasonCode.DAY_LIMIT]
frozenset({<Param.DATE: 'date'>})
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

__all__ = [
    "PARAMS_OF",
    "PARAM_TYPES",
    "WINDOWED",
    "Param",
    "ParamValue",
    "ReasonCode",
    "ShareCode",
]


class ReasonCode(enum.StrEnum):
    """Why a session is refused. The order of the refusals is that of the checks table."""

    AGE_NETWORK = "age.network"
    NETWORK_SWITCH = "network.switch"
    FUNCTION_NOT_IN_FORCE = "function.not_in_force"
    QUOTA_EXCEEDED = "quota.exceeded"
    QUOTA_COMBINATION = "quota.combination"
    DAY_LIMIT = "day.limit"
    ASSESSMENT_MISSING = "assessment.missing"
    VIDEO_FIRST_IN_PERSON = "video.first_in_person"
    MODALITY_CONDITION = "modality.condition"
    CO_CONSULTATION_CO_PROVIDER = "co_consultation.co_provider"


class ShareCode(enum.StrEnum):
    """Which step of the patient-share precedence set the share of an accepted session."""

    COMMUNITY = "share.community"
    YOUTH = "share.youth"
    FIRST_FREE = "share.first_free"
    PREFERENTIAL = "share.preferential"
    STANDARD = "share.standard"
    GROUP = "share.group"


class Param(enum.StrEnum):
    """The name of one fact of a reason (a parameter of its message)."""

    AGE = "age"
    NETWORK = "network"
    NETWORKS = "networks"
    OTHER_NETWORK = "other_network"
    LAST_DATE = "last_date"
    FREES_ON = "frees_on"
    FUNCTION = "function"
    RULESET = "ruleset"
    DATE = "date"
    LIMIT = "limit"
    MAXIMUM = "maximum"
    USED = "used"
    KIND = "kind"
    CONFLICT = "conflict"
    MODALITY = "modality"
    AMOUNT = "amount"
    MAX_AGE = "max_age"
    WINDOW = "window"


#: The value of a fact: a code or a list of codes joined by ``,`` (text), a count or
#: an age (whole number), a date, or an amount in euros.
ParamValue = str | int | dt.date | Decimal

#: The type of each fact.
PARAM_TYPES: Final[Mapping[Param, type]] = {
    Param.AGE: int,
    Param.NETWORK: str,
    Param.NETWORKS: str,
    Param.OTHER_NETWORK: str,
    Param.LAST_DATE: dt.date,
    Param.FREES_ON: dt.date,
    Param.FUNCTION: str,
    Param.RULESET: str,
    Param.DATE: dt.date,
    Param.LIMIT: str,
    Param.MAXIMUM: int,
    Param.USED: int,
    Param.KIND: str,
    Param.CONFLICT: str,
    Param.MODALITY: str,
    Param.AMOUNT: Decimal,
    Param.MAX_AGE: int,
    Param.WINDOW: str,
}

#: The facts each code carries: exactly these, no more, no fewer. A refusal (a
#: :class:`ReasonCode`) and ``share.first_free`` may also carry :attr:`Param.WINDOW`,
#: the window their rule set counts in as ``policy/months`` (e.g. ``"trailing/12"``);
#: a message that names the window without it says "the window".
PARAMS_OF: Final[Mapping[ReasonCode | ShareCode, frozenset[Param]]] = {
    ReasonCode.AGE_NETWORK: frozenset({Param.AGE, Param.NETWORK, Param.NETWORKS}),
    ReasonCode.NETWORK_SWITCH: frozenset(
        {Param.NETWORK, Param.OTHER_NETWORK, Param.LAST_DATE, Param.FREES_ON}
    ),
    ReasonCode.FUNCTION_NOT_IN_FORCE: frozenset({Param.FUNCTION, Param.RULESET, Param.DATE}),
    ReasonCode.QUOTA_EXCEEDED: frozenset(
        {Param.LIMIT, Param.MAXIMUM, Param.USED, Param.NETWORK, Param.FREES_ON}
    ),
    ReasonCode.QUOTA_COMBINATION: frozenset({Param.KIND, Param.CONFLICT, Param.FREES_ON}),
    ReasonCode.DAY_LIMIT: frozenset({Param.DATE}),
    ReasonCode.ASSESSMENT_MISSING: frozenset({Param.FUNCTION}),
    ReasonCode.VIDEO_FIRST_IN_PERSON: frozenset(),
    ReasonCode.MODALITY_CONDITION: frozenset({Param.MODALITY}),
    ReasonCode.CO_CONSULTATION_CO_PROVIDER: frozenset(),
    ShareCode.COMMUNITY: frozenset({Param.AMOUNT}),
    ShareCode.YOUTH: frozenset({Param.AMOUNT, Param.MAX_AGE}),
    ShareCode.FIRST_FREE: frozenset({Param.AMOUNT}),
    ShareCode.PREFERENTIAL: frozenset({Param.AMOUNT}),
    ShareCode.STANDARD: frozenset({Param.AMOUNT}),
    ShareCode.GROUP: frozenset({Param.AMOUNT}),
}

#: The codes whose reason may also carry :attr:`Param.WINDOW` (see :data:`PARAMS_OF`).
WINDOWED: Final[frozenset[ReasonCode | ShareCode]] = frozenset({*ReasonCode, ShareCode.FIRST_FREE})
