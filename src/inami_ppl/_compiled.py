"""The rules of one day compiled for judging: every value a check reads, looked up once.

A :class:`~inami_ppl.rulesets.Ruleset` answers questions by name (``flag("...")``,
``require("...")``), which is clear but costs a lookup and a check on every call. The
checks of :mod:`inami_ppl.eligibility`, :mod:`inami_ppl.quotas` and
:mod:`inami_ppl.tariffs` run for every session of a claims file, so they read a
:class:`Compiled` instead: the same values, built once per rule set (a few per
file), in tuples and dictionaries indexed by what a session is (its kind, its
network). Nothing here decides anything: it only holds the tables in the shape the
checks read them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Final, NamedTuple, final

import attrs

from inami_ppl._ruletypes import (
    Combination,
    FunctionRule,
    Limit,
    Parameter,
    RuleValue,
    all_kinds,
)
from inami_ppl.codes import Param, ParamValue, ShareCode
from inami_ppl.decision import Reason
from inami_ppl.model import Function, Kind, Network, SessionFacts, Source
from inami_ppl.rulesets import Ruleset

if TYPE_CHECKING:
    from inami_ppl._plans import Plan

__all__ = ["Compiled", "Granted", "Share", "compiled"]

#: A maximum that holds a kind: the limit, its maximum for the network, and the raw
#: kinds (of any rule set) whose accepted sessions count toward it.
LimitFor = tuple[Limit, int, tuple[Kind, ...]]

_FREE: Final = Decimal("0.00")


@final
@attrs.frozen(kw_only=True)
class Share:
    """A patient share, the step of §8 that set it and the rule value of that step."""

    amount: Decimal
    code: ShareCode
    rule: Parameter
    max_age: int | None = None
    #: The window its rule set counts in (``policy/months``), for ``share.first_free``.
    window: str | None = None
    #: The explanation: the ``share.*`` code with the amount (and the age bound).
    reason: Reason = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Build the explanation once."""
        params: dict[Param, ParamValue] = {Param.AMOUNT: self.amount}
        if self.max_age is not None:
            params[Param.MAX_AGE] = self.max_age
        if self.window is not None:
            params[Param.WINDOW] = self.window
        reason = Reason(code=self.code, params=params, sources=(self.rule.source,))
        object.__setattr__(self, "reason", reason)


class Granted(NamedTuple):
    """The values of an accepted decision that come from the rules alone (§8, §9).

    The fee and the insurer's share of an individual session (``None`` for a group
    session), and the rule values that set the share and the fee: their sources,
    the names of the unconfirmed ones, and each value as the decision shows it.
    """

    fee: Decimal | None
    insurer: Decimal | None
    sources: tuple[Source, ...]
    unconfirmed_values: tuple[str, ...]
    applied: tuple[RuleValue, ...]


@final
class Compiled:
    """The values of one :class:`Ruleset`, in the shape the checks read them.

    A parameter that has no value on this day is kept as ``None``; the check that
    needs it then asks the rule set, which raises the same error it always did.
    """

    __slots__ = (
        "_billing",
        "_granted",
        "_networks",
        "_unconfirmed",
        "_values",
        "co_provider",
        "combinations_for",
        "context_exempt",
        "day_max",
        "fee_individual",
        "fee_row",
        "first_free",
        "forced_switch",
        "functions",
        "limits_for",
        "modality_condition",
        "one_per_window",
        "plans",
        "raw_kinds",
        "ruleset",
        "shares",
        "video_first",
        "window_code",
        "youth_max",
    )

    def __init__(self, ruleset: Ruleset) -> None:
        """Look up every value of ``ruleset`` once."""
        self.ruleset = ruleset
        self.window_code = ruleset.window.code
        self.functions: dict[Function, FunctionRule] = {r.function: r for r in ruleset.functions}
        # Every parameter but the optional ones has a value on every covered day (the
        # loader checks it); the optional ones are None when they have none.
        need = ruleset.require
        self.one_per_window = need("network.one_per_window")
        self.forced_switch = need("network.forced_switch_allowed")
        self.context_exempt = need("day.context_exempt")
        self.day_max = need("day.max_sessions")
        self.video_first = need("video.first_in_person")
        self.modality_condition = need("modality.condition")
        self.first_free = need("share.first_individual_free")
        self.fee_individual = need("fee.individual")
        #: The fee of an individual session (§9) and its row of the tables.
        self.fee_row = (self.fee_individual, _decimal(self.fee_individual))
        self.co_provider = ruleset.parameter("co_consultation.co_provider")
        youth = ruleset.parameter("share.youth_free_max_age")
        self.shares = {
            code: Share(amount=_decimal(need(name)), code=code, rule=need(name))
            for code, name in _SHARE_NAMES.items()
        }
        self.shares[ShareCode.FIRST_FREE] = Share(
            amount=_FREE, code=ShareCode.FIRST_FREE, rule=self.first_free, window=self.window_code
        )
        self.youth_max: int | None = None
        if youth is not None:
            assert isinstance(youth.value, int)  # noqa: S101  (types are checked when loading)
            self.youth_max = youth.value
            self.shares[ShareCode.YOUTH] = Share(
                amount=_FREE, code=ShareCode.YOUTH, rule=youth, max_age=youth.value
            )
        self.raw_kinds = _raw_kinds(ruleset)
        self.limits_for = _limits_for(ruleset, self.raw_kinds)
        self.combinations_for: dict[Kind, tuple[Combination, ...]] = {}
        for combination in ruleset.combinations:
            known = self.combinations_for.get(combination.kind, ())
            self.combinations_for[combination.kind] = (*known, combination)
        self._networks: dict[int, frozenset[Network]] = {}
        self._unconfirmed: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._billing: dict[tuple[object, ...], str | None] = {}
        self._values: dict[str, RuleValue] = {}
        self._granted: dict[tuple[ShareCode, bool], Granted] = {}
        # The plans of :mod:`inami_ppl._plans`, by (kind, network), built when first read.
        self.plans: dict[tuple[Kind, Network], Plan] = {}

    def open_networks(self, age: int) -> frozenset[Network]:
        """The networks open at ``age`` (rules §2)."""
        found = self._networks.get(age)
        if found is None:
            ruleset = self.ruleset
            open_to: set[Network] = set()
            if age <= ruleset.integer("age.children_adolescents.max"):
                open_to.add(Network.CHILDREN_ADOLESCENTS)
            if age >= ruleset.integer("age.adults.min"):
                open_to.add(Network.ADULTS)
            found = self._networks[age] = frozenset(open_to)
        return found

    def unconfirmed_values(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """:meth:`Ruleset.unconfirmed_values`, remembered for each set of names."""
        found = self._unconfirmed.get(names)
        if found is None:
            found = self._unconfirmed[names] = self.ruleset.unconfirmed_values(names)
        return found

    def rule_value(self, rule: Parameter) -> RuleValue:
        """The value of ``rule`` as a decision shows it, built once per rule set."""
        found = self._values.get(rule.name)
        if found is None:
            found = self._values[rule.name] = rule.rule_value()
        return found

    def granted(self, share: Share, *, individual: bool) -> Granted:
        """What an accepted session with ``share`` takes from these rules (built once).

        ``individual``: the session is individual, and its fee is this rule set's
        individual fee (§9); a group session's fee is paid per facilitator.
        """
        key = (share.code, individual)
        found = self._granted.get(key)
        if found is None:
            applied = (share.rule, self.fee_individual) if individual else (share.rule,)
            fee = self.fee_row[1] if individual else None
            found = self._granted[key] = Granted(
                fee=fee,
                insurer=None if fee is None else fee - share.amount,
                sources=tuple(rule.source for rule in applied),
                unconfirmed_values=self.unconfirmed_values(tuple(rule.name for rule in applied)),
                applied=tuple(self.rule_value(rule) for rule in applied),
            )
        return found

    def billing_code(self, session: SessionFacts) -> str | None:
        """:meth:`Ruleset.billing_code`, remembered for each combination of the fields."""
        if not self.ruleset.billing_codes:
            return None
        key = (
            session.date,
            session.function,
            session.setting,
            session.modality,
            session.network,
            session.with_context,
        )
        if key not in self._billing:
            self._billing[key] = self.ruleset.billing_code(session)
        return self._billing[key]


# The steps of §8 whose share is an amount of the tables.
_SHARE_NAMES: Final = {
    ShareCode.COMMUNITY: "share.community",
    ShareCode.GROUP: "share.group",
    ShareCode.PREFERENTIAL: "share.individual_preferential",
    ShareCode.STANDARD: "share.individual",
}


def _decimal(rule: Parameter) -> Decimal:
    value = rule.value
    assert isinstance(value, Decimal)  # noqa: S101  (types are checked when loading)
    return value


def _raw_kinds(ruleset: Ruleset) -> dict[Kind, tuple[Kind, ...]]:
    """For each kind of this rule set, the kinds (of any rule set) whose sessions count as it."""
    out: dict[Kind, tuple[Kind, ...]] = {}
    for function in Function:
        for raw in all_kinds(function):
            target = ruleset.counts_as_kind(raw)
            if target is not None:
                out[target] = (*out.get(target, ()), raw)
    return out


def _limits_for(
    ruleset: Ruleset, raw_kinds: dict[Kind, tuple[Kind, ...]]
) -> dict[tuple[Kind, Network], tuple[LimitFor, ...]]:
    """For each (kind, network): the maxima that hold it, in table order."""
    out: dict[tuple[Kind, Network], tuple[LimitFor, ...]] = {}
    every = [kind for function in Function for kind in all_kinds(function)]
    for kind in every:
        for network in Network:
            found = []
            for limit in ruleset.limits:
                maximum = limit.maximum(network)
                if maximum is not None and kind in limit.kinds:
                    found.append((limit, maximum, _raws(limit.kinds, raw_kinds)))
            out[(kind, network)] = tuple(found)
    return out


def _raws(kinds: Iterable[Kind], raw_kinds: dict[Kind, tuple[Kind, ...]]) -> tuple[Kind, ...]:
    return tuple(raw for kind in sorted(kinds) for raw in raw_kinds.get(kind, ()))


@functools.lru_cache(maxsize=256)
def compiled(ruleset: Ruleset) -> Compiled:
    """The compiled form of ``ruleset`` (rule sets compare by identity: built once each)."""
    return Compiled(ruleset)
