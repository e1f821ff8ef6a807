"""Whether the time per session stays flat as a patient's history grows, under both windows.

Run from the repository root:

    .venv/bin/python benchmarks/bench_growth.py          # n = 100 .. 20,000 (about a minute)
    .venv/bin/python benchmarks/bench_growth.py --quick  # n = 100 .. 5,000, single runs
    .venv/bin/python benchmarks/bench_growth.py --count  # instructions per session, not time

For each n, one adult patient (born 1980, adults network) has n sessions on random dates
at a constant density (``DENSITY`` a day, so n days / DENSITY long, ending on 2027-12-31,
all under the 2024 rule set), made by ``bench_assess.make_session``: the same mix of
functions, settings, modalities and providers. The same density at every n; but a short
history spans a few days, where no maximum of the 12-month window fills, and a long one
years: the decisions of ``assess_history`` differ in kind as well as in number (its result
column gives the reasons per session and the share refused for a full maximum, whose reason
costs the most to work out). Three calls are timed:

* ``assess(patient, history, session)``: the history in random order, a support session on
  the last day. It reads the whole history, so its time is O(n): its time per session of
  history must stay flat. That is the time beyond the same call with an empty history
  (measured alongside, ``n = 0``), divided by n.
* ``assess_history(patient, sessions)``: the n sessions in random order, judged in one
  pass (most are refused: quotas, one a day); and, as ``assess_history accepted``, the same
  dates with support group sessions with the context (no maximum, not held to one a day),
  all accepted, so that the window holds every session of the last 12 months.
* ``next_allowed_date(patient, history, session)``: a support/individual session on the
  history's first day. The history fills its maximum in every window and has sessions on
  almost every day, so every candidate date is tried (the answer is ``None``).

Each under the trailing window (the bundled rules) and the episode window (the same rules
with ``policy = "episode"``). The target: the time per session, from n = 100 to 20,000,
within +-25 % of its value at n = 100 (the spread is the largest departure from it).
Figures are medians of several runs measured in one run of this script, in the manner of
``timeit`` (``bench_assess.measure``); the machine may be shared, so compare ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.metadata
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import LAST_DAY, PATIENT, make_session, measure
from bench_work import opcodes

from inami_ppl import (
    Assessment,
    Function,
    Modality,
    Network,
    Rules,
    Session,
    Setting,
    assess,
    assess_history,
    default_rules,
    next_allowed_date,
)

SIZES = (100, 1_000, 5_000, 20_000)
QUICK_SIZES = (100, 1_000, 5_000)
DENSITY = 16  # sessions a day: 20,000 sessions span 1,250 days, all after 2024-04-01
TARGET_SPREAD = 0.25  # time per session within +-25 % of its value at the smallest n
FUNCTIONS = ("assess", "assess_history", "assess_history accepted", "next_allowed_date")


def episode_rules() -> Rules:
    """The bundled rules with the window opened by an episode's first session."""
    rules = default_rules()
    rulesets = tuple(
        attrs.evolve(r, window=attrs.evolve(r.window or rules.window, policy="episode"))
        for r in rules.rulesets
    )
    return attrs.evolve(rules, rulesets=rulesets)


def dense_sessions(rng: random.Random, n: int) -> list[Session]:
    """``n`` sessions, ``DENSITY`` a day on average, ending on the last covered day."""
    span = max(1, n // DENSITY)
    first = LAST_DAY - dt.timedelta(days=span - 1)
    return [make_session(rng, first + dt.timedelta(days=rng.randrange(span))) for _ in range(n)]


def calls(sessions: list[Session], rules: Rules) -> dict[str, Callable[[], object]]:
    """The three calls timed for one history."""
    first = min((s.date for s in sessions), default=LAST_DAY)
    support = Session(
        date=LAST_DAY, network=Network.ADULTS, function=Function.SUPPORT, setting=Setting.INDIVIDUAL
    )
    blocked = attrs.evolve(support, date=first)
    return {
        "assess": functools.partial(assess, PATIENT, sessions, support, rules=rules),
        "assess_history": functools.partial(assess_history, PATIENT, sessions, rules=rules),
        "assess_history accepted": functools.partial(
            assess_history, PATIENT, [_in_group(s) for s in sessions], rules=rules
        ),
        "next_allowed_date": functools.partial(
            next_allowed_date, PATIENT, sessions, blocked, rules=rules
        ),
    }


Key = tuple[str, str, int]  # function, window policy, n


def _in_group(session: Session) -> Session:
    """``session`` as a support group session with the context: always accepted."""
    return attrs.evolve(
        session,
        function=Function.SUPPORT,
        setting=Setting.GROUP,
        modality=Modality.PRACTICE,
        with_context=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="n up to 5,000, single short runs")
    parser.add_argument("--seed", type=int, default=20240401, help="random seed (20240401)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="history lengths (default 100 1000 5000 20000)"
    )
    parser.add_argument(
        "--count",
        action="store_true",
        help="count the bytecode instructions per session instead of timing (slow at 20,000)",
    )
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes or (QUICK_SIZES if args.quick else SIZES))
    repeat, min_time = (3, 0.0) if args.quick else (7, 0.1)
    policies = {"trailing": default_rules(), "episode": episode_rules()}

    print("inami_ppl benchmark: growth of the time per session with the history")
    print(f"  Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"  platform {platform.platform()}, machine {platform.machine()}")
    print(f"  inami-ppl {importlib.metadata.version('inami-ppl')}, seed {args.seed}")
    if args.count:
        print("  counted: one call of each, its bytecode instructions (sys.settrace)")
    else:
        mode = "quick (smoke run, not for figures)" if args.quick else "full"
        print(f"  {mode}: {repeat} rounds; a run lasts at least {min_time:g} s; GC on")
    print(f"  histories: n sessions of one patient, {DENSITY} a day, ending on {LAST_DAY}")
    print()
    timed: dict[Key, tuple[Callable[[], object], str]] = {}
    for n in sizes:
        sessions = dense_sessions(random.Random(args.seed + n), n)
        for policy, rules in policies.items():
            for name, call in calls(sessions, rules).items():
                timed[name, policy, n] = call, _describe(call())
    for policy, rules in policies.items():
        call = calls([], rules)["assess"]
        timed["assess", policy, 0] = call, _describe(call())
    if args.count:
        _counted(timed, sizes)
        return 0
    loops, runs = _measure(timed, repeat=repeat, min_time=min_time)
    best = _table(timed, loops, runs, sizes)
    print()
    print(
        f"Target: time per session (best run) flat within +-{TARGET_SPREAD:.0%} of its value"
        f" at n = {sizes[0]:,}, up to n = {sizes[-1]:,}"
    )
    misses = 0
    for (name, policy), figures in best.items():
        ratios = {n: t / figures[sizes[0]] for n, t in figures.items()}
        spread = max(abs(r - 1) for r in ratios.values())
        verdict = "PASS" if spread <= TARGET_SPREAD else "MISS"
        misses += verdict == "MISS"
        shown = " ".join(f"x{ratios[n]:.2f}" for n in sizes)
        print(f"  {name:<23} {policy:<9} {shown}  spread {spread:.0%}  {verdict}")
    return 1 if misses else 0


def _measure(
    timed: dict[Key, tuple[Callable[[], object], str]], *, repeat: int, min_time: float
) -> tuple[dict[Key, int], dict[Key, list[float]]]:
    """Loops and seconds per call of each run, every call measured once per round.

    The rounds come one after the other, so that a busy moment of a shared machine falls
    on all sizes alike rather than on one.
    """
    runs: dict[Key, list[float]] = {key: [] for key in timed}
    loops: dict[Key, int] = {}
    for _ in range(repeat):
        for key, (call, _result) in timed.items():
            if key not in loops:
                timing = measure(call, repeat=1, min_time=min_time)
                loops[key] = timing.loops
                runs[key].append(timing.per_call[0])
            else:
                started = time.perf_counter()
                for _ in range(loops[key]):
                    call()
                runs[key].append((time.perf_counter() - started) / loops[key])
    return loops, runs


def _table(
    timed: dict[Key, tuple[Callable[[], object], str]],
    loops: dict[Key, int],
    runs: dict[Key, list[float]],
    sizes: Sequence[int],
) -> dict[tuple[str, str], dict[int, float]]:
    """Print the figures; return the best time per session by (function, policy) and n."""
    header = (
        f"  {'function':<23} {'window':<9} {'n':>7} {'loops':>5} {'median ms/call':>15}"
        f" {'us/session':>11} {'best us/s.':>11} {'vs n=' + format(sizes[0], ','):>9}  result"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    best: dict[tuple[str, str], dict[int, float]] = {}
    order = sorted(timed, key=lambda key: (FUNCTIONS.index(key[0]), key[1] != "trailing", key[2]))
    for name, policy, n in order:
        result = timed[name, policy, n][1]
        median, fastest = statistics.median(runs[name, policy, n]), min(runs[name, policy, n])
        shown = f"  {name:<23} {policy:<9} {n:>7,} {loops[name, policy, n]:>5}"
        shown += f" {median * 1e3:>15,.2f}"
        if n == 0:
            print(f"{shown} {'-':>11} {'-':>11} {'-':>9}  {result} (the fixed cost)")
            continue
        # For assess, the time per session of history: beyond the empty history's.
        fixed = min(runs[name, policy, 0]) if name == "assess" else 0.0
        figures = best.setdefault((name, policy), {})
        figures[n] = (fastest - fixed) / n
        ratio = figures[n] / figures[sizes[0]]
        print(
            f"{shown} {(median - fixed) / n * 1e6:>11.2f} {figures[n] * 1e6:>11.2f}"
            f" {ratio:>9.2f}  {result}"
        )
    print(
        "  us/session: median and best run divided by n (for assess, beyond the cost of the"
        " empty history)"
    )
    return best


def _counted(timed: dict[Key, tuple[Callable[[], object], str]], sizes: Sequence[int]) -> None:
    """Print the instructions per session of each call: work, which the clock's noise hides.

    The same on every run: a line that grows here grows in work (a call that re-reads the
    history, or decisions of another kind); a line flat here but not in time grows in the
    cost of the same work (a larger heap, the collector).
    """
    print(f"  {'function':<23} {'window':<9} " + " ".join(f"{n:>9,}" for n in sizes))
    fixed: dict[str, int] = {}
    order = sorted(timed, key=lambda key: (FUNCTIONS.index(key[0]), key[1] != "trailing", key[2]))
    rows: dict[tuple[str, str], list[float]] = {}
    for name, policy, n in order:
        count = sum(opcodes(timed[name, policy, n][0]).values())
        if n == 0:
            fixed[policy] = count
            continue
        # For assess, the work per session of history: beyond the empty history's.
        beyond = count - fixed[policy] if name == "assess" else count
        rows.setdefault((name, policy), []).append(beyond / n)
    for (name, policy), per in rows.items():
        shown = " ".join(f"{value:>9.1f}" for value in per)
        ratios = " ".join(f"x{value / per[0]:.2f}" for value in per)
        print(f"  {name:<23} {policy:<9} {shown}   {ratios}")
    print(
        "  bytecode instructions per session of one call (for assess, beyond the empty"
        " history), and their ratio to the first size"
    )


def _describe(result: object) -> str:
    if isinstance(result, list):
        # The refusals' reasons per session: a refusal costs more than an acceptance, and
        # one that names a full maximum more than one for a second session on a day.
        reasons = sum(len(a.reasons) for a in result) / max(1, len(result))
        full = sum("quota.exceeded" in a.codes for a in result) / max(1, len(result))
        accepted = sum(a.allowed for a in result)
        return f"{accepted:,} accepted, {reasons:.2f} reasons a session, {full:.0%} quota full"
    if isinstance(result, Assessment):
        return "allowed" if result.allowed else "refused: " + ",".join(result.codes)
    return f"next date {result}"


if __name__ == "__main__":
    sys.exit(main())
