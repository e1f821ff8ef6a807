"""What every check reads: one session, its patient, the rules of its date and its window.

Every rule check of :mod:`inami_ppl.eligibility` and :mod:`inami_ppl.quotas` takes
one :class:`Context` and returns the reason it finds, or ``None`` when its rule is
met; :mod:`inami_ppl.checks` lists them in one table.
"""

from __future__ import annotations

from typing import NamedTuple

from inami_ppl._compiled import Compiled
from inami_ppl._tally import Tally
from inami_ppl.model import Kind, Patient, SessionFacts
from inami_ppl.rulesets import Limit, Ruleset

__all__ = ["Context", "Standing"]

#: A maximum that holds a kind: the limit, its maximum for the network, the sessions used.
Standing = tuple[Limit, int, int]


class Context(NamedTuple):
    """The facts one decision is made of (an immutable tuple, cheap to build).

    ``tally`` holds the accepted sessions of the window; ``rules`` is ``ruleset``
    compiled (:class:`~inami_ppl._compiled.Compiled`); ``age`` is the patient's age
    on the session's date; ``standing`` says how each maximum that holds the
    session's kind stands. All are computed once per decision.
    """

    patient: Patient
    session: SessionFacts
    ruleset: Ruleset
    rules: Compiled
    tally: Tally
    age: int
    standing: tuple[Standing, ...]

    def counted(self, kind: Kind) -> int:
        """Accepted sessions in the window that count as ``kind`` under the rule set (§6)."""
        return self.tally.count_all(self.rules.raw_kinds.get(kind, ()))
