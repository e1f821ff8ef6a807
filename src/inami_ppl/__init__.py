"""Belgium's rules for reimbursed first-line psychological care, as a typed library.

INAMI/RIZIV reimburses sessions with clinical psychologists and orthopedagogues
through the mental-health networks. ``inami_ppl`` decides whether a session is
reimbursable, explains refusals with stable reason codes, and computes what the
patient pays and what the practitioner receives, from rule tables that carry their
sources.
"""

from __future__ import annotations

import functools

from inami_ppl.assess import assess, assess_history, next_allowed_date, patient_share, remaining
from inami_ppl.booking import BookingCheck, check_booking
from inami_ppl.checks import REASON_CODES
from inami_ppl.codes import Param, ReasonCode, ShareCode
from inami_ppl.decision import FORMAT_VERSION, Assessment, QuotaUse, Reason
from inami_ppl.eligibility import networks_for
from inami_ppl.errors import InamiPplError, InvalidInputError, OutOfCoverageError, RuleDataError
from inami_ppl.messages import LANGUAGES
from inami_ppl.model import (
    Confidence,
    Function,
    Kind,
    Modality,
    Network,
    Patient,
    Role,
    Session,
    Setting,
    Source,
)
from inami_ppl.periods import EpisodeWindow, TrailingWindow, age_on
from inami_ppl.quotas import Remaining
from inami_ppl.rulesets import Rules, Ruleset, RuleValue, default_rules, load_rules, ruleset_for
from inami_ppl.tariffs import practitioner_fee


def __getattr__(name: str) -> str:
    """``__version__``: the installed package's version, read when first asked for.

    Reading the package's metadata takes a fifth of the time the package takes to load,
    which every run of the command would pay for a version it seldom shows.
    """
    if name == "__version__":
        return _version()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415  (see above)

    try:
        return version("inami-ppl")
    except PackageNotFoundError:  # pragma: no cover - only when run from a bare source tree
        return "0.0.0"


__all__ = [
    "FORMAT_VERSION",
    "LANGUAGES",
    "REASON_CODES",
    "Assessment",
    "BookingCheck",
    "Confidence",
    "EpisodeWindow",
    "Function",
    "InamiPplError",
    "InvalidInputError",
    "Kind",
    "Modality",
    "Network",
    "OutOfCoverageError",
    "Param",
    "Patient",
    "QuotaUse",
    "Reason",
    "ReasonCode",
    "Remaining",
    "Role",
    "RuleDataError",
    "RuleValue",
    "Rules",
    "Ruleset",
    "Session",
    "Setting",
    "ShareCode",
    "Source",
    "TrailingWindow",
    "__version__",
    "age_on",
    "assess",
    "assess_history",
    "check_booking",
    "default_rules",
    "load_rules",
    "networks_for",
    "next_allowed_date",
    "patient_share",
    "practitioner_fee",
    "remaining",
    "ruleset_for",
]
