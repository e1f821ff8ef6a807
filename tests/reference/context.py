"""What every check reads: one session, its patient, the rules of its date and its window.

Every rule check of :mod:`inami_ppl.eligibility` and :mod:`inami_ppl.quotas` takes
one :class:`Context` and returns the reason it finds, or ``None`` when its rule is
met; :mod:`inami_ppl.checks` lists them in one table.
"""

from __future__ import annotations

from collections import Counter
from typing import final

import attrs

from inami_ppl.model import Kind, Patient, Session
from inami_ppl.rulesets import Limit, Ruleset
from reference._tally import Tally

__all__ = ["Context", "Standing"]

#: A maximum that holds a kind: the limit, its maximum for the network, the sessions used.
Standing = tuple[Limit, int, int]


@final
@attrs.frozen(kw_only=True)
class Context:
    """The facts one decision is made of.

    ``tally`` holds the accepted sessions of the window; ``counts`` counts them by
    the kind they count as under ``ruleset``, and ``standing`` says how each maximum
    that holds the session's kind stands. Both are computed once per decision.
    """

    patient: Patient
    session: Session
    ruleset: Ruleset
    tally: Tally
    counts: Counter[Kind]
    standing: list[Standing]
