"""Random claims files with random corruption: nothing lost, nothing leaked.

Every non-blank line of the input is in exactly one output row (a row over several
lines counts for each of them) or in one reported error, and no message holds a
value of a column that identifies a person (patient id, birth date, provider).
"""

from __future__ import annotations

import io
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inami_ppl.claims import Claim, ClaimsFileError, assess_file

HEADER = "patient_id,birth_date,date,network,function,setting,modality,provider,note"
NETWORKS = ("adults", "children_adolescents")


KINDS = (("support", "individual"), ("support", "group"), ("treatment", "individual"))


def _date(draw: st.DrawFn, first: int, last: int) -> str:
    year, month, day = (
        draw(st.integers(first, last)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 28)),
    )
    return f"{year}-{month:02d}-{day:02d}"


@st.composite
def rows(draw: st.DrawFn) -> str:
    pid = "PID" + draw(st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789é", min_size=6, max_size=6))
    birth = _date(draw, 1940, 2004)
    day = _date(draw, 2022, 2025)
    network = draw(st.sampled_from(NETWORKS))
    function, setting = draw(
        st.sampled_from(
            [("support", "individual"), ("support", "group"), ("treatment", "individual")]
        )
    )
    provider = "PRV" + draw(st.text("0123456789", min_size=8, max_size=8))
    note = draw(st.sampled_from(["", "ok", "à revoir", "=1+1"]))
    return f"{pid},{birth},{day},{network},{function},{setting},practice,{provider},{note}"


# A line of these only is blank (``""`` is one empty cell).
BLANK = ' \t\r\n"'
CORRUPTIONS = (b'"', b"\r", b"\n", b"\r\n", b",", b";", b"\t", b"\xe9", b"\xff", b"", b'""')


@st.composite
def files(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    lines = draw(st.lists(rows(), min_size=1, max_size=12))
    encoding = draw(st.sampled_from(["utf-8", "cp1252"]))
    body = bytearray("".join(line + "\n" for line in lines).encode(encoding))
    for _ in range(draw(st.integers(0, 4))):
        # Half the time at the start of a cell, where a quote opens a quoted cell.
        starts = [0, *(i + 1 for i, byte in enumerate(body) if byte in b",\n")]
        at = draw(st.sampled_from(starts) | st.integers(0, len(body)))
        cut = draw(st.integers(0, 2))
        body[at : at + cut] = draw(st.sampled_from(CORRUPTIONS))
    private = [value for line in lines for value in _identifying(line)]
    return (HEADER + "\n").encode() + bytes(body), private


def _identifying(line: str) -> list[str]:
    cells = line.split(",")
    return [cells[0], cells[1], cells[7]]


def _breaks(text: str) -> int:
    return len(io.StringIO(text, newline="").readlines()) - 1 if text else 0


def _covered(claim: Claim) -> list[int]:
    span = sum(_breaks(value) for value in claim.cells.values() if isinstance(value, str))
    return list(range(claim.line, claim.line + span + 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_every_line_is_in_one_row_or_one_error_and_no_message_shows_a_person(
    case: tuple[bytes, list[str]],
) -> None:
    data, private = case
    text = data.decode("utf-8", "surrogateescape")
    stream = io.TextIOWrapper(
        io.BytesIO(data), encoding="utf-8-sig", errors="surrogateescape", newline=""
    )
    try:
        claims = list(assess_file(stream))
    except ClaimsFileError as error:  # pragma: no cover - the header is never corrupted
        raise AssertionError(str(error)) from None
    covered = Counter(line for claim in claims for line in _covered(claim))
    assert all(count == 1 for count in covered.values()), covered
    physical = io.StringIO(text, newline="").readlines()
    nonblank = {number for number, line in enumerate(physical, start=1) if line.strip(BLANK)}
    assert nonblank - {1} <= set(covered)
    assert set(covered) <= set(range(2, len(physical) + 1))
    for claim in claims:
        if claim.error is not None:
            message = claim.error.message
            assert not [value for value in private if value in message], message
