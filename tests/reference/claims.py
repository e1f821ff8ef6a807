"""What ``inami-ppl assess`` writes, computed by the general claims path and the reference engine.

:func:`reference_run` reads a claims file with :func:`~inami_ppl.claims.read_csv` (or
:func:`~inami_ppl.claims.read_jsonl`), judges it with
:func:`~inami_ppl.claims.assess_rows` and writes it with
:func:`~inami_ppl.claims.write_csv` (or :func:`~inami_ppl.claims.write_jsonl`), with the
messages on standard error and the exit code the command gives: the command's output
as the straightforward way computes it. Within :func:`reference_engine`, the claims path
judges each patient with the reference engine (``reference.assess.judge_in_order``)
instead of the library's; every decision is checked to come from it. Whatever fast path
the command takes, its bytes must be these (``test_claims_equivalence.py``,
``scripts/compare_engines.py``).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import attrs

import inami_ppl.claims.judge
from inami_ppl import cli
from inami_ppl.analytics import TotalsCounter
from inami_ppl.claims import (
    ISO_DATE,
    Claim,
    read_csv,
    read_jsonl,
    write_csv,
    write_jsonl,
)
from inami_ppl.decision import Assessment
from inami_ppl.model import Patient, Session
from inami_ppl.rulesets import Rules, default_rules
from reference import assess as reference_assess

__all__ = [
    "Reference",
    "reference_engine",
    "reference_output",
    "reference_result",
    "reference_run",
]

# The name through which the claims path judges each patient's sessions.
SEAM = "judge_in_order"
# The exit codes of the command: every row read, some rows malformed.
EXIT_OK = 0
EXIT_INVALID_ROWS = 1
# The message of a cell that is not in the file's encoding, and the hint that follows it.
_NOT_UTF8 = "valid UTF-8 text"
_HINT = "hint: the file is not UTF-8; if Excel saved it, try --encoding cp1252"


@attrs.frozen
class Reference:
    """The command's output (bytes), its lines on standard error and its exit code."""

    output: bytes
    stderr: list[str]
    exit_code: int


@attrs.define
class _Count:
    decisions: int = 0


@contextlib.contextmanager
def reference_engine() -> Iterator[_Count]:
    """Within: the claims path judges with the reference engine; yields its count of decisions."""
    seam = inami_ppl.claims.judge
    library = vars(seam)[SEAM]  # a KeyError if the claims path no longer judges there
    count = _Count()

    def judge_in_order(
        items: Iterable[tuple[Patient, Session]], rules: Rules, *, accept_unconfirmed: bool
    ) -> Iterator[Assessment]:
        for decision in reference_assess.judge_in_order(
            items, rules, accept_unconfirmed=accept_unconfirmed
        ):
            count.decisions += 1
            yield decision

    setattr(seam, SEAM, judge_in_order)
    try:
        yield count
    finally:
        setattr(seam, SEAM, library)


def _source(source: str | bytes | os.PathLike[str], encoding: str) -> io.TextIOWrapper:
    if isinstance(source, os.PathLike):
        return Path(source).open(encoding=encoding, errors="surrogateescape", newline="")
    data = source.encode() if isinstance(source, str) else source
    return io.TextIOWrapper(
        io.BytesIO(data), encoding=encoding, errors="surrogateescape", newline=""
    )


def reference_run(
    source: str | bytes | os.PathLike[str],
    output: IO[bytes],
    errors: IO[str],
    *,
    grouped: bool = False,
    lang: str = "en",
    excel: bool = False,
    summary: bool = False,
    rules: Sequence[str | os.PathLike[str]] = (),
    accept_unconfirmed: bool = False,
    date_format: str = ISO_DATE,
    encoding: str = "utf-8-sig",
    jsonl: bool = False,
) -> int:
    """Write to ``output`` and ``errors`` what ``inami-ppl assess`` would; return its exit code.

    ``source`` is a path, or the file's text or bytes. The options are the command's
    (``rules``: the files of ``--rules``; ``jsonl``: JSON lines in and out).
    """
    amended = default_rules()
    for name in rules:
        amended = amended.amend(Path(name).read_bytes(), name=os.fspath(name))
    counter = TotalsCounter()
    judged = 0
    invalid = 0

    def told(claims: Iterable[Claim]) -> Iterator[Claim]:
        nonlocal judged, invalid
        hint = encoding == "utf-8-sig"
        for claim in claims:
            counter.add(claim)
            judged += claim.assessment is not None
            if claim.error is not None:
                invalid += 1
                errors.write(f"inami-ppl: {claim.error.message}\n")
                if hint and claim.error.expected == _NOT_UTF8:
                    hint = False
                    errors.write(f"inami-ppl: {_HINT}\n")
            yield claim

    text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
    with _source(source, encoding) as stream, reference_engine() as count:
        columns, rows = read_jsonl(stream) if jsonl else read_csv(stream)
        claims = told(
            inami_ppl.claims.assess_rows(
                rows,
                grouped=grouped,
                rules=amended,
                accept_unconfirmed=accept_unconfirmed,
                date_format=date_format,
            )
        )
        if jsonl:
            write_jsonl(claims, text, lang=lang)
        else:
            write_csv(claims, text, columns, lang=lang, excel=excel)
    text.detach()
    if count.decisions != judged:
        raise AssertionError(
            f"{judged} rows judged, {count.decisions} of them by the reference engine"
        )
    if summary:
        with contextlib.redirect_stderr(errors):
            cli._print_summary(counter.totals())
    return EXIT_INVALID_ROWS if invalid else EXIT_OK


def reference_result(source: str | bytes | os.PathLike[str], **options: object) -> Reference:
    """:func:`reference_run` in memory: the output, the lines of standard error, the exit code."""
    output = io.BytesIO()
    errors = io.StringIO()
    code = reference_run(source, output, errors, **options)  # type: ignore[arg-type]
    return Reference(output.getvalue(), errors.getvalue().splitlines(), code)


def reference_output(source: str | bytes | os.PathLike[str], **options: object) -> bytes:
    """The bytes ``inami-ppl assess`` writes for ``source`` with ``options`` (see above)."""
    return reference_result(source, **options).output
