"""Write a synthetic national year of claims: deterministic, grouped by patient.

About 6.7 sessions per patient (so about 300,000 patients for 2,000,000 sessions), dates
from 2023-07-01 to 2024-12-31 so that every history crosses from the 2021 convention
(first-line, specialized) to the 2024 one (support, treatment, community,
co-consultation). The mix is meant to look like the real thing, not to be it: a third
of the patients in the children and adolescents network, a quarter with the increased
reimbursement, mostly individual sessions, a skewed number of sessions per patient so
that some histories run into the maxima, and a few same-day and video-first sessions,
video sessions without their reason and co-consultations without their co-provider.

    python benchmarks/generate_claims.py --sessions 2000000 --seed 1 -o benchmarks/out/claims-2M.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

COLUMNS = (
    "patient_id",
    "birth_date",
    "preferential",
    "date",
    "network",
    "function",
    "setting",
    "modality",
    "with_context",
    "functional_assessment",
    "provider",
    "unable_to_travel",
    "co_provider",
)
FIRST_DAY = dt.date(2023, 7, 1)
LAST_DAY = dt.date(2024, 12, 31)
SWITCH = dt.date(2024, 4, 1)  # the 2024 convention
SPAN = (LAST_DAY - FIRST_DAY).days
PROVIDERS = 10_000
# Sessions per patient: many short histories, some long ones (mean about 6.7).
LENGTHS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25)
LENGTH_WEIGHTS = (14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 3, 2)


def _function(rng: random.Random, day: dt.date, track: str) -> tuple[str, str]:
    """A (function, setting) in force on ``day`` for a patient on ``track``."""
    if day < SWITCH:
        function = "specialized" if track == "intense" else "first_line"
        setting = "group" if rng.random() < 0.12 else "individual"
        return function, setting
    roll = rng.random()
    if roll < 0.04:
        return "community", "group"
    if roll < 0.07:
        return "co_consultation", "individual"
    function = "treatment" if track == "intense" else "support"
    return function, "group" if rng.random() < 0.1 else "individual"


def _patient_rows(rng: random.Random, number: int, sessions: int) -> Iterator[list[str]]:
    children = rng.random() < 1 / 3
    age = rng.randint(3, 23) if children else rng.randint(15, 85)
    start = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN))
    born = start - dt.timedelta(days=age * 365 + rng.randrange(365))
    network = "children_adolescents" if children else "adults"
    preferential = "true" if rng.random() < 0.27 else "false"
    track = "intense" if rng.random() < 0.3 else "light"
    provider = f"psy-{rng.randrange(PROVIDERS):05d}"
    gap = rng.choice((7, 7, 14, 14, 21, 30))
    day = start
    for i in range(sessions):
        day = min(day, LAST_DAY)
        function, setting = _function(rng, day, track)
        modality = "practice"
        if rng.random() < 0.06:
            modality = "video"  # sometimes before any session in person: refused
        elif rng.random() < 0.05:
            modality = "outreach"
        with_context = "true" if rng.random() < 0.03 else "false"
        assessment = "true" if i == 0 and function in ("specialized", "treatment") else "false"
        if function in ("specialized", "treatment") and i == 0 and rng.random() < 0.1:
            assessment = "false"  # a missing functional assessment: refused
        # Drawn without the random stream, so that the other cells stay those of a seed:
        # one video session in ten lacks its reason, and one co-consultation in ten its
        # co-provider (both refused).
        mark = (number + i) % 10
        unable = "true" if modality == "video" and mark else "false"
        co_provider = ""
        if function == "co_consultation" and mark:
            co_provider = f"{(number * 7919 + i) % 10**11:011d}"
        yield [
            f"P{number:07d}",
            born.isoformat(),
            preferential,
            day.isoformat(),
            network,
            function,
            setting,
            modality,
            with_context,
            assessment,
            provider,
            unable,
            co_provider,
        ]
        if rng.random() > 0.02:  # now and then two sessions on one day: refused
            day += dt.timedelta(days=gap + rng.randrange(-2, 3))


def rows(sessions: int, seed: int) -> Iterator[list[str]]:
    """Exactly ``sessions`` rows, patient after patient."""
    rng = random.Random(seed)
    left = sessions
    number = 0
    while left > 0:
        number += 1
        length = min(left, rng.choices(LENGTHS, LENGTH_WEIGHTS)[0])
        left -= length
        yield from _patient_rows(rng, number, length)


def write(path: Path, sessions: int, seed: int) -> None:
    """Write the file (the parent folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(sessions, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    write(args.output, args.sessions, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
