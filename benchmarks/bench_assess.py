"""How long assess and assess_history take, and how that grows with the history.

Run from the repository root:

    .venv/bin/python benchmarks/bench_assess.py           # full figures
    .venv/bin/python benchmarks/bench_assess.py --quick   # a smoke run (seconds)
    .venv/bin/python benchmarks/bench_assess.py --profile # add a cProfile of assess_history

Every history is built deterministically from ``random.Random(seed)``: one adult patient
(born 1980) in the adults network, sessions spread over 2021-09-01..2027-12-31, with the
functions of the rule set in force on each date and a setting each function has.
Timings use ``time.perf_counter`` in the manner of ``timeit``: a number of loops long
enough to be measured, repeated several times; the median run is reported. The garbage
collector stays on, as in real use.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import importlib.metadata
import math
import platform
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from inami_ppl import (
    Function,
    Modality,
    Network,
    Patient,
    Session,
    Setting,
    assess,
    assess_history,
    default_rules,
)

FIRST_DAY = dt.date(2021, 9, 1)
CONVENTION_2024 = dt.date(2024, 4, 1)
LAST_DAY = dt.date(2027, 12, 31)
PATIENT = Patient(birth_date=dt.date(1980, 6, 15))

ASSESS_SIZES = (10, 100, 1_000)
HISTORY_SIZES = (1_000, 10_000)

# Functions of each convention, weighted: individual care dominates 2021; from 2024 the
# groups (no per-patient maximum) are common, so that long accepted histories exist.
FUNCTIONS_2021: tuple[tuple[Function, int], ...] = (
    (Function.FIRST_LINE, 3),
    (Function.SPECIALIZED, 2),
)
FUNCTIONS_2024: tuple[tuple[Function, int], ...] = (
    (Function.SUPPORT, 4),
    (Function.TREATMENT, 3),
    (Function.COMMUNITY, 2),
    (Function.CO_CONSULTATION, 1),
)
MODALITIES: tuple[tuple[Modality, int], ...] = (
    (Modality.PRACTICE, 14),
    (Modality.VIDEO, 3),
    (Modality.OUTREACH, 2),
    (Modality.HOME, 1),
)
SETTINGS: dict[Function, tuple[Setting, ...]] = {
    Function.FIRST_LINE: (Setting.INDIVIDUAL, Setting.GROUP),
    Function.SPECIALIZED: (Setting.INDIVIDUAL, Setting.GROUP),
    Function.COMMUNITY: (Setting.GROUP,),
    Function.SUPPORT: (Setting.INDIVIDUAL, Setting.GROUP),
    Function.TREATMENT: (Setting.INDIVIDUAL, Setting.GROUP),
    Function.CO_CONSULTATION: (Setting.INDIVIDUAL,),
}
PROVIDERS: tuple[str | None, ...] = ("psy-0001", "psy-0002", "psy-0003", None)

T = TypeVar("T")


class Timing(NamedTuple):
    loops: int
    per_call: list[float]  # seconds per call, one figure per run

    @property
    def median(self) -> float:
        return statistics.median(self.per_call)

    @property
    def best(self) -> float:
        return min(self.per_call)


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(values, weights)[0]


def make_session(rng: random.Random, day: dt.date) -> Session:
    """A plausible session on ``day``: a function in force then, with a setting it has."""
    functions = FUNCTIONS_2021 if day < CONVENTION_2024 else FUNCTIONS_2024
    function = _pick(rng, functions)
    setting = rng.choice(SETTINGS[function])
    if function is Function.COMMUNITY:
        modality = Modality.OUTREACH
    elif function is Function.CO_CONSULTATION:
        modality = Modality.PRACTICE
    else:
        modality = _pick(rng, MODALITIES)
    needs_assessment = function in {Function.SPECIALIZED, Function.TREATMENT}
    return Session(
        date=day,
        network=Network.ADULTS,
        function=function,
        setting=setting,
        modality=modality,
        with_context=rng.random() < 0.1,
        functional_assessment=needs_assessment and rng.random() < 0.3,
        provider=rng.choice(PROVIDERS),
    )


def random_sessions(rng: random.Random, n: int, last: dt.date = LAST_DAY) -> list[Session]:
    """``n`` sessions on random dates in ``FIRST_DAY..last`` (several may share a date)."""
    span = (last - FIRST_DAY).days
    days = (FIRST_DAY + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))
    return [make_session(rng, day) for day in days]


def accepted_pool(rng: random.Random, last: dt.date, retries: int = 3) -> list[Session]:
    """The sessions accepted when a patient asks for one session every day until ``last``.

    A day whose request is refused is asked again with another random session, up to
    ``retries`` times. Any subset of the result is a plausible accepted history:
    quotas only loosen when sessions are removed.
    """
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range((last - FIRST_DAY).days + 1)]
    wanted = {day: make_session(rng, day) for day in days}
    for _ in range(retries):
        for decision in assess_history(PATIENT, wanted.values()):
            if not decision.allowed:
                wanted[decision.session.date] = make_session(rng, decision.session.date)
    return [a.session for a in assess_history(PATIENT, wanted.values()) if a.allowed]


def measure(func: Callable[[], object], *, repeat: int, min_time: float) -> Timing:
    """Seconds per call of ``func``: ``repeat`` runs of enough loops to last ``min_time``."""
    loops = 1
    while True:  # as timeit.Timer.autorange: 1, 2, 5, 10, 20, 50, ... loops
        start = time.perf_counter()
        for _ in range(loops):
            func()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        loops = _next_loops(loops)
    runs = [elapsed / loops]
    for _ in range(repeat - 1):
        start = time.perf_counter()
        for _ in range(loops):
            func()
        runs.append((time.perf_counter() - start) / loops)
    return Timing(loops, runs)


def _next_loops(loops: int) -> int:
    scale = 1
    while loops >= 10 * scale:
        scale *= 10
    return {1: 2, 2: 5, 5: 10}[loops // scale] * scale


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


def bench_assess(rng: random.Random, *, repeat: int, min_time: float) -> None:
    """Print the table for ``assess`` against unsorted histories of accepted sessions."""
    target = Session(
        date=LAST_DAY, network=Network.ADULTS, function=Function.SUPPORT, setting="individual"
    )
    until = LAST_DAY - dt.timedelta(days=1)
    pool = accepted_pool(rng, until)
    print("assess(patient, history, session)")
    print(f"  history: N of the {len(pool):,} sessions accepted when one a day is asked for")
    print(f"           ({FIRST_DAY}..{until}, refused days asked again), in random order.")
    print(f"  session: support/individual on {LAST_DAY} (adults, practice).")
    header = (
        f"  {'history':>8} {'loops':>6} {'median us/call':>15} {'min us/call':>12}"
        f" {'us/hist. session':>17} {'growth':>7} {'n log n':>8}  decision"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    previous: tuple[int, float] | None = None
    for n in ASSESS_SIZES:
        if n > len(pool):
            raise SystemExit(f"only {len(pool)} accepted sessions for a history of {n}")
        history = rng.sample(pool, n)  # random order: assess sorts it itself
        decision = assess(PATIENT, history, target)
        timing = measure(
            functools.partial(assess, PATIENT, history, target), repeat=repeat, min_time=min_time
        )
        verdict = "allowed" if decision.allowed else "refused: " + ",".join(decision.codes)
        growth = ideal = "-"
        if previous is not None:
            before_n, before_t = previous
            growth = f"x{timing.median / before_t:.2f}"
            ideal = f"x{n * math.log(n) / (before_n * math.log(before_n)):.1f}"
        print(
            f"  {n:>8,} {timing.loops:>6} {_us(timing.median):>15} {_us(timing.best):>12}"
            f" {timing.median * 1e6 / n:>17.2f} {growth:>7} {ideal:>8}  {verdict}"
        )
        previous = (n, timing.median)
    print("  growth: median time vs the previous row; n log n: the growth n log n would give.")
    print()


def bench_history(rng: random.Random, *, repeat: int, min_time: float) -> None:
    """Print the table for ``assess_history`` over random (mostly refused) histories."""
    print("assess_history(patient, sessions)")
    print(f"  sessions: N requests on random dates {FIRST_DAY}..{LAST_DAY}, in random order")
    print("            (several a day for large N): many are refused (quota, one a day, ...).")
    header = (
        f"  {'sessions':>8} {'loops':>6} {'accepted':>16} {'median ms/call':>15}"
        f" {'median us/session':>18} {'min us/session':>15}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    per_session: dict[int, float] = {}
    best: dict[int, float] = {}
    for n in HISTORY_SIZES:
        sessions = random_sessions(rng, n)
        accepted = sum(a.allowed for a in assess_history(PATIENT, sessions))
        timing = measure(
            functools.partial(assess_history, PATIENT, sessions), repeat=repeat, min_time=min_time
        )
        per_session[n] = timing.median / n
        best[n] = timing.best / n
        share = f"{accepted:,} ({accepted / n:.1%})"
        print(
            f"  {n:>8,} {timing.loops:>6} {share:>16} {timing.median * 1e3:>15,.1f}"
            f" {timing.median * 1e6 / n:>18.2f} {timing.best * 1e6 / n:>15.2f}"
        )
    small, large = HISTORY_SIZES
    ratio = per_session[large] / per_session[small]
    best_ratio = best[large] / best[small]
    log_ratio = math.log(large) / math.log(small)
    print(
        f"  per-session time, {large:,} vs {small:,}: x{ratio:.2f} (medians),"
        f" x{best_ratio:.2f} (best runs)"
    )
    print(
        f"  about 1 for linear work; a pure n log n cost would give x{log_ratio:.2f},"
        f" a quadratic one x{large / small:.0f}."
    )
    print()


def profile_history(rng: random.Random, n: int) -> None:
    """Print where ``assess_history`` spends its time over ``n`` random sessions."""
    sessions = random_sessions(rng, n)
    profiler = cProfile.Profile()
    profiler.enable()
    assess_history(PATIENT, sessions)
    profiler.disable()
    print(f"cProfile of assess_history over {n:,} sessions (top 20 by own time)")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="few, short runs (a smoke test)")
    parser.add_argument("--seed", type=int, default=20210901, help="random seed (20210901)")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of 10k sessions")
    args = parser.parse_args(argv)
    repeat, min_time = (3, 0.0) if args.quick else (7, 0.2)

    default_rules()  # load the bundled tables once, outside the timings
    print("inami_ppl benchmark: assess and assess_history")
    print(f"  Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"  platform {platform.platform()}, machine {platform.machine()}")
    print(f"  inami-ppl {importlib.metadata.version('inami-ppl')}, seed {args.seed}")
    mode = "quick (smoke run, not for figures)" if args.quick else "full"
    print(f"  {mode}: median of {repeat} runs; a run lasts at least {min_time:g} s; GC on")
    print()
    bench_assess(random.Random(args.seed), repeat=repeat, min_time=min_time)
    bench_history(random.Random(args.seed + 1), repeat=repeat, min_time=min_time)
    if args.profile:
        profile_history(random.Random(args.seed + 2), HISTORY_SIZES[-1])


if __name__ == "__main__":
    main()
