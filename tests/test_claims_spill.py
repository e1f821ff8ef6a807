"""An input of any order beyond the memory threshold is judged through temporary files."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from inami_ppl.claims import ReadProgress, assess_file, assess_records, spill
from inami_ppl.claims.schema import InvalidRowError
from test_claims_files import HEADER, RECORD, claims_of


def shuffled_rows(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    rows = [
        f"p{rng.randrange(count // 3 + 1)},1980-06-15,2024-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d},adults,support,{rng.choice(['individual', 'group'])}"
        for _ in range(count)
    ]
    rows[rng.randrange(count)] = "p1,1980-06-15,2024-13-01,adults,support,individual"
    rows[rng.randrange(count)] = ",1980-06-15,2024-05-01,adults,support,individual"
    rows[rng.randrange(count)] = "only,three,cells"
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_spilled_input_gives_the_claims_held_in_memory(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n".join([HEADER, *shuffled_rows(1500, seed)]) + "\n"
    held = claims_of(text)
    monkeypatch.setattr(spill, "SPILL_AFTER", 100)
    monkeypatch.setattr("inami_ppl.claims.spill._CHUNK", 7)
    spilled = claims_of(text)
    assert held == spilled
    assert list(range(2, 1502)) == [c.line for c in spilled]


def test_spilled_input_in_strict_mode_stops_at_the_first_malformed_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spill, "SPILL_AFTER", 10)
    good = [f"p{i},1980-06-15,2024-05-06,adults,support,individual" for i in range(40)]
    text = "\n".join([HEADER, *good, "p1,1980-06-15,2024-13-01,adults,support,individual"]) + "\n"
    with pytest.raises(InvalidRowError, match="line 42"):
        claims_of(text, strict=True)


def test_records_that_cannot_be_copied_to_a_temporary_file_are_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spill, "SPILL_AFTER", 1)
    record = {**RECORD, "callback": lambda: None}
    with pytest.raises(Exception, match="cells of plain values") as caught:
        list(assess_records([record] * 300))
    assert "records" == caught.value.field  # type: ignore[attr-defined]


def test_a_progress_callback_gets_the_share_of_the_file_read(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    rows = [f"p{i},1980-06-15,2024-05-06,adults,support,individual" for i in range(3000)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    seen: list[ReadProgress] = []
    claims = list(assess_file(path, progress=seen.append))
    assert 3000 == len(claims)
    assert [1024, 2048, 3000] == [p.rows for p in seen]
    fractions = [p.fraction for p in seen]
    assert all(f is not None and 0 < f <= 1 for f in fractions)
    assert 1.0 == fractions[-1]
    assert sorted(fractions) == fractions  # type: ignore[type-var]


def test_progress_on_a_stream_without_a_size_has_no_fraction() -> None:
    seen: list[ReadProgress] = []
    list(assess_file(io.StringIO(HEADER + "\n"), progress=seen.append))
    assert [ReadProgress(rows=0, bytes_read=None, total_bytes=None)] == seen
    assert seen[0].fraction is None


def test_a_progress_that_is_not_callable_is_an_error() -> None:
    with pytest.raises(Exception, match="a callable"):
        list(assess_file(io.StringIO(HEADER + "\n"), progress=3))  # type: ignore[arg-type]
