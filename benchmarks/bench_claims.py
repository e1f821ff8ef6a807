"""How fast a claims file is assessed, against a plain CSV pass and a straightforward engine.

For each size (sessions), on a synthetic national year grouped by patient (see
``generate_claims.py``), each measurement runs in a fresh process so that its peak memory
(``ru_maxrss``) is its own:

- ``floor``: one ``csv.DictReader`` pass over the file, nothing else: the least any
  Python tool reading the file can cost;
- ``library``: what ``inami-ppl assess --grouped FILE -o /dev/null`` does: read, assess
  each patient in date order, write every output row;
- ``assess``: the same without writing the output (what the naive engine below does);
- ``naive``: for every session, ``inami_ppl.assess`` with the patient's whole accepted
  history so far (re-scanned each time), from ``DictReader`` rows; only up to
  ``--naive-max`` sessions, as it grows with the square of the history.

    python benchmarks/bench_claims.py                      # 10k, 100k, 1M, 2M
    python benchmarks/bench_claims.py --quick              # 10k and 50k
    python benchmarks/bench_claims.py --sizes 10000 200000 --naive-max 200000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import claims_file, machine, measure, report

# Targets of the claims work (benchmarks, not tests).
TARGET_RATIO = 4.0  # library time <= 4 x the DictReader pass, at 2M
TARGET_FLATNESS = 0.25  # time per session within +-25 % from 10k to 2M
TARGET_MEMORY_MB = 500.0  # peak memory for 2M, grouped


def _floor(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8", newline="") as stream:
        for _ in csv.DictReader(stream):
            count += 1
    return count


def _library(path: Path) -> int:
    from inami_ppl.claims import assess_rows, claim_cells, open_claims, read_csv  # noqa: PLC0415

    count = 0
    with open_claims(path) as stream, Path(os.devnull).open("w", newline="") as sink:
        columns, rows = read_csv(stream)
        writer = csv.writer(sink, lineterminator="\n")
        for claim in assess_rows(rows, grouped=True):
            writer.writerow(claim_cells(claim, columns))
            count += 1
    return count


def _assess_only(path: Path) -> int:
    from inami_ppl.claims import assess_rows, open_claims, read_csv  # noqa: PLC0415

    with open_claims(path) as stream:
        _, rows = read_csv(stream)
        return sum(1 for _ in assess_rows(rows, grouped=True))


def _naive(path: Path) -> int:
    from inami_ppl import Patient, Session, assess  # noqa: PLC0415

    def flag(text: str) -> bool:
        return text == "true"

    count = 0
    with path.open(encoding="utf-8", newline="") as stream:
        for _, group in itertools.groupby(csv.DictReader(stream), key=lambda r: r["patient_id"]):
            rows = sorted(group, key=lambda r: r["date"])
            accepted: list[Session] = []
            for row in rows:
                patient = Patient(
                    birth_date=dt.date.fromisoformat(row["birth_date"]),
                    preferential=flag(row["preferential"]),
                )
                session = Session(
                    date=dt.date.fromisoformat(row["date"]),
                    network=row["network"],
                    function=row["function"],
                    setting=row["setting"],
                    modality=row["modality"],
                    with_context=flag(row["with_context"]),
                    functional_assessment=flag(row["functional_assessment"]),
                    provider=row["provider"] or None,
                )
                if assess(patient, accepted, session).allowed:
                    accepted.append(session)
                count += 1
    return count


MEASURES = {"floor": _floor, "library": _library, "assess": _assess_only, "naive": _naive}


def _measure_here(kind: str, path: Path) -> None:
    if kind != "floor":
        # Load the rule tables once before the clock starts: a one-time cost (tens of ms),
        # not a cost per session.
        from inami_ppl import default_rules  # noqa: PLC0415

        default_rules()
    report(MEASURES[kind], path)


def _measure(kind: str, path: Path) -> dict[str, float]:
    return measure(__file__, kind, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark claims files.")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000, 2_000_000]
    )
    parser.add_argument("--quick", action="store_true", help="sizes 10,000 and 50,000")
    parser.add_argument("--naive-max", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure_here(args.measure[0], Path(args.measure[1]))
        return 0
    sizes = [10_000, 50_000] if args.quick else args.sizes
    print(machine())
    print("one fresh process per measurement; times are wall-clock seconds (perf_counter)\n")
    header = (
        f"{'sessions':>10}  {'floor s':>8}  {'library s':>9}  {'sessions/s':>10}  "
        f"{'us/session':>10}  {'peak MB':>8}  {'x floor':>7}  {'assess s':>8}  {'naive s':>8}  "
        f"{'naive/assess':>12}"
    )
    print(header)
    print("-" * len(header))
    results = []
    for size in sizes:
        path = claims_file(size, args.seed)
        floor = _measure("floor", path)
        library = _measure("library", path)
        assess = _measure("assess", path)
        naive = _measure("naive", path) if size <= args.naive_max else None
        per = library["seconds"] / library["rows"] * 1e6
        ratio = library["seconds"] / floor["seconds"]
        results.append((size, per, ratio, library["peak_mb"]))
        naive_s = f"{naive['seconds']:8.2f}" if naive else f"{'-':>8}"
        naive_r = f"{naive['seconds'] / assess['seconds']:12.2f}" if naive else f"{'-':>12}"
        print(
            f"{size:>10,}  {floor['seconds']:8.2f}  {library['seconds']:9.2f}  "
            f"{library['rows'] / library['seconds']:10,.0f}  {per:10.1f}  "
            f"{library['peak_mb']:8.0f}  {ratio:7.2f}  {assess['seconds']:8.2f}  "
            f"{naive_s}  {naive_r}",
            flush=True,
        )
    print(f"\nnaive: only for sizes up to {args.naive_max:,} (--naive-max)\n")
    _targets(results)
    return 0


def _targets(results: list[tuple[int, float, float, float]]) -> None:
    largest, _, ratio, memory = results[-1]
    pers = sorted(per for _, per, _, _ in results)
    middle = statistics.median(pers)
    deviation = max(abs(per / middle - 1) for per in pers)
    verdict = {True: "PASS", False: "MISS"}
    print(f"targets (the last size, {largest:,} sessions, for time and memory):")
    print(
        f"  time <= {TARGET_RATIO:.0f} x the DictReader pass: {ratio:.2f} x  "
        f"{verdict[ratio <= TARGET_RATIO]}"
    )
    print(
        f"  time per session within +-{TARGET_FLATNESS:.0%} of the median "
        f"({middle:.1f} us) at every size: largest gap {deviation:.0%}  "
        f"{verdict[deviation <= TARGET_FLATNESS]}"
    )
    print(
        f"  peak memory < {TARGET_MEMORY_MB:.0f} MB: {memory:.0f} MB  "
        f"{verdict[memory < TARGET_MEMORY_MB]}"
    )


if __name__ == "__main__":
    sys.exit(main())
