"""Judging an input of any order in bounded memory, through anonymous temporary files.

The rows are spread over :data:`BUCKETS` files by patient, each file is judged on its
own (all of a patient's rows are in the same one) and the claims are merged back into
the input order. Memory stays bounded by one bucket (about 1/128 of the rows), at the
cost of writing the rows and their decisions to disk once and reading them back. The
files have no name on disk (they vanish when closed, or when the process ends in any
way) and hold only what this process wrote: ``pickle`` reads nothing else.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Final, TypeVar, cast

from inami_ppl.claims.cells import patient_id_of
from inami_ppl.errors import InvalidInputError

__all__ = ["BUCKETS", "SPILL_AFTER", "Raw", "spill"]

#: Rows held in memory before an ungrouped input is spilled to temporary files.
SPILL_AFTER = 50_000
#: How many temporary files the rows of an ungrouped input are spread over.
BUCKETS: Final = 128
# Rows (or claims) written to a temporary file at a time.
_CHUNK: Final = 256

#: A row as read: its position in the input, its line, its record (or its RowError).
Raw = tuple[int, int, object]
#: What judging a row gives (a claim, an output line...).
R = TypeVar("R")


def _patient(record: object) -> str | None:
    return patient_id_of(record) if isinstance(record, Mapping) else None


def _bucket(patient: str | None) -> int:
    if patient is None:
        return 0
    return zlib.crc32(patient.encode("utf-8", "surrogatepass")) % BUCKETS


def _dump(chunk: list[object], stream: IO[bytes]) -> None:
    try:
        pickle.dump(chunk, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        raise InvalidInputError(
            "records", type(error).__name__, "cells of plain values (text, numbers, dates)"
        ) from None
    chunk.clear()


def _chunks(stream: IO[bytes]) -> Iterator[list[object]]:
    """The chunks written by :func:`_dump` (the library's own anonymous files)."""
    stream.seek(0)
    while True:
        try:
            yield pickle.load(stream)  # noqa: S301  (our own unnamed temporary file)
        except EOFError:
            return


def _plain(record: object) -> object:
    return dict(record) if isinstance(record, Mapping) else record


def spill(
    raws: Iterable[Raw],
    judge: Callable[[list[Raw]], list[tuple[int, R]]],
    check: Callable[[int, int, object], object] | None = None,
    patient: Callable[[object], str | None] = _patient,
) -> Iterator[R]:
    """Spread the rows over bucket files by patient, ``judge`` each bucket, merge the results.

    ``check``, when given, is called on each row as it is read (to stop early);
    ``patient`` tells the patient of a row's record (by default, of a mapping).
    """
    with _Files() as buckets, _Files() as results:
        buffers: list[list[object]] = [[] for _ in range(BUCKETS)]
        for raw in raws:
            position, line, record = raw
            if check is not None:
                check(*raw)
            index = _bucket(patient(record))
            buffers[index].append((position, line, _plain(record)))
            if len(buffers[index]) >= _CHUNK:
                _dump(buffers[index], buckets.at(index))
        for index, chunk in enumerate(buffers):
            if chunk:
                _dump(chunk, buckets.at(index))
        for index in range(BUCKETS):
            rows = [cast("Raw", raw) for chunk in _chunks(buckets.at(index)) for raw in chunk]
            buckets.drop(index)
            out: list[object] = []
            for pair in judge(rows):
                out.append(pair)
                if len(out) >= _CHUNK:
                    _dump(out, results.at(index))
            if out:
                _dump(out, results.at(index))
        streams: list[Iterator[tuple[int, R]]] = [
            _pairs(results.at(index)) for index in range(BUCKETS)
        ]
        for _, result in heapq.merge(*streams, key=_first):
            yield result


def _pairs(stream: IO[bytes]) -> Iterator[tuple[int, R]]:
    for chunk in _chunks(stream):
        yield from cast("list[tuple[int, R]]", chunk)


class _Files:
    """Anonymous temporary files (no name on disk), opened on first use, closed at the end."""

    def __init__(self) -> None:
        self.files: dict[int, IO[bytes]] = {}

    def at(self, index: int) -> IO[bytes]:
        if index not in self.files:
            self.files[index] = tempfile.TemporaryFile()  # noqa: SIM115  (closed in __exit__)
        return self.files[index]

    def drop(self, index: int) -> None:
        self.files.pop(index).close()

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, *_: object) -> None:
        for stream in self.files.values():
            stream.close()
        self.files.clear()


def _first(pair: tuple[int, object]) -> int:
    return pair[0]
