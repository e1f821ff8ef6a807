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

``--shuffle`` writes the rows in a random order (an export by date or by provider), holding
a 64th of them at a time; ``--fuzz RATE`` spoils that share of the rows with odd cells
(bad dates, unknown networks, quotes, separators and line breaks inside quoted cells,
formulas, bytes that are not UTF-8, empty cells) and odd lines (a cell more or fewer, an
empty line, a quote never closed), so that the engines can be compared on bad input too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

from inami_ppl.claims import COLUMNS

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


# Odd cells put in place of a good one by ``--fuzz``: what real files hold now and then.
ODD_CELLS: Final = (
    b"",  # an empty cell
    b" ",
    b"2024-02-30",  # no such day
    b"31/12/2024",  # another form of date
    b"2024-5-6",
    b"9999-12-31",
    b"adultes",  # no such network
    b"Adults",
    b"TRUE",
    b"yes",
    b"-1",
    b'he said "no"',  # quotes inside a quoted cell
    b"a,b;c\td",  # separators inside a quoted cell
    b"two\nlines",  # a cell over two lines
    b"three\r\nmore\nlines",
    b"=1+1",  # formulas
    b"+SUM(A1:A9)",
    b"@cmd",
    b"-2+3",
    b"caf\xe9",  # Latin-1, not UTF-8
    b"\xff\xfe",
    b"\xe2\x82",  # a cut UTF-8 sequence
    "\u00c6r\u00f8 \u20ac \U0001f600".encode(),  # UTF-8 beyond ASCII
    b"x" * 300,
    b"P0000001",  # another patient's id
)
# Whole lines put in place of a row by ``--fuzz``.
ODD_LINES: Final = (
    b"\n",  # an empty line
    b",,,,\n",
    b"only one cell\n",
    b'"a quote never closed,2024-01-01\n',
)
# The ways of spoiling a row: an odd cell (any column), one cell more, one cell fewer,
# an odd line.
CORRUPTIONS: Final = len(ODD_CELLS) + 2 + len(ODD_LINES)
_NEEDS_QUOTES: Final = re.compile(rb'[,"\r\n]')
# Temporary files a shuffled file is dealt into (memory: one of them at a time).
_BUCKETS: Final = 64


def csv_line(cells: Sequence[bytes]) -> bytes:
    """One CSV line, cells quoted only where they must be (as ``csv.writer`` does)."""
    quoted = (
        b'"' + cell.replace(b'"', b'""') + b'"' if _NEEDS_QUOTES.search(cell) else cell
        for cell in cells
    )
    return b",".join(quoted) + b"\n"


def corrupt(cells: Sequence[bytes], kind: int, column: int) -> bytes:
    """The line of a row spoilt in the way ``kind`` (``0 <= kind < CORRUPTIONS``)."""
    spoilt = list(cells)
    if kind < len(ODD_CELLS):
        spoilt[column % len(spoilt)] = ODD_CELLS[kind]
        return csv_line(spoilt)
    kind -= len(ODD_CELLS)
    if kind == 0:
        return csv_line([*spoilt, b"extra"])
    if kind == 1:
        return csv_line(spoilt[:-1])
    return ODD_LINES[kind - 2]


def _shuffled(lines: Iterable[bytes], seed: int) -> Iterator[bytes]:
    """``lines`` (one row each) in a random order, holding a 64th of them at a time."""
    rng = random.Random(seed)
    buckets = [tempfile.TemporaryFile() for _ in range(_BUCKETS)]  # noqa: SIM115  (closed below)
    try:
        for line in lines:
            buckets[rng.randrange(_BUCKETS)].write(line)
        for bucket in buckets:
            bucket.seek(0)
            held = bucket.readlines()
            bucket.close()
            rng.shuffle(held)
            yield from held
    finally:
        for bucket in buckets:
            bucket.close()


def _fuzzed(lines: Iterable[bytes], rate: float, seed: int) -> Iterator[bytes]:
    """``lines`` with a share ``rate`` of them spoilt (see :func:`corrupt`)."""
    rng = random.Random(seed)
    for line in lines:
        if rng.random() < rate:
            cells = line.rstrip(b"\n").split(b",")
            yield corrupt(cells, rng.randrange(CORRUPTIONS), rng.randrange(len(cells)))
        else:
            yield line


def write(
    path: Path, sessions: int, seed: int, *, shuffle: bool = False, fuzz: float = 0.0
) -> None:
    """Write the file (the parent folder is created).

    ``shuffle``: the rows in a random order (as an export by date is); ``fuzz``: that
    share of the rows spoilt (odd cells and lines, after the shuffle).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: Iterable[bytes] = (
        csv_line([cell.encode() for cell in row]) for row in rows(sessions, seed)
    )
    if shuffle:
        lines = _shuffled(lines, seed)
    if fuzz:
        lines = _fuzzed(lines, fuzz, seed)
    with path.open("wb") as stream:
        stream.write(csv_line([name.encode() for name in COLUMNS]))
        stream.writelines(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shuffle", action="store_true", help="rows in a random order")
    parser.add_argument(
        "--fuzz", type=float, default=0.0, metavar="RATE", help="spoil this share of rows"
    )
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    write(args.output, args.sessions, args.seed, shuffle=args.shuffle, fuzz=args.fuzz)
    return 0


if __name__ == "__main__":
    sys.exit(main())
