"""The cells of a claims file read once and remembered, for the lean path.

A national year repeats a few hundred combinations of session cells (networks,
functions, settings, flags), a few thousand dates and a few hundred thousand birth
dates. :class:`Remembered` keeps what the general reader (:mod:`~inami_ppl.claims.cells`)
made of each distinct value, so that a row whose values were all seen before is read
with a few lookups into :class:`Facts`; a row with a value never seen is read in full
by the general reader, which then teaches its values (:meth:`Remembered.learn`).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Final, NamedTuple

from inami_ppl.claims.cells import BadCellError, RowReader
from inami_ppl.claims.schema import COLUMNS
from inami_ppl.model import Function, Kind, Modality, Network, Patient, SessionFacts, Setting

__all__ = ["Facts", "Remembered"]

# Distinct values remembered before a cache starts again (a file of odd values).
_REMEMBERED: Final = 200_000
# The session cells that make a session's shape (from network to functional_assessment),
# with the flag of the patient's condition.
_SHAPE: Final = (
    *COLUMNS[COLUMNS.index("network") : COLUMNS.index("provider")],
    "unable_to_travel",
)


class Facts(NamedTuple):
    """A session's values as the rules read them (:class:`~inami_ppl.model.SessionFacts`).

    The values of the session's shape come last, in the order of a remembered shape.
    """

    date: dt.date
    provider: str | None
    co_provider: str | None
    network: Network
    function: Function
    setting: Setting
    modality: Modality
    with_context: bool
    functional_assessment: bool
    unable_to_travel: bool
    kind: Kind


_Shape = tuple[Network, Function, Setting, Modality, bool, bool, bool, Kind]

# ``Facts._make`` without its check of the length (a remembered shape has its 8 values).
_facts: Final = functools.partial(tuple.__new__, Facts)


class Remembered:
    """What the general reader made of each distinct cell value of one file's columns."""

    def __init__(self, columns: tuple[str, ...], reader: RowReader) -> None:
        """Remember values of rows with ``columns``, read by ``reader``."""
        self.reader = reader
        index = {name: i for i, name in enumerate(columns)}
        self._pid = index["patient_id"]
        self._birth = index["birth_date"]
        self._date = index["date"]
        self._pref = index.get("preferential")
        self._provider = index.get("provider")
        self._co = index.get("co_provider")
        shape = [index[name] for name in _SHAPE if name in index]
        self._shape_of = operator.itemgetter(*shape)
        self._patients: dict[tuple[str, str | None], Patient] = {}
        self._dates: dict[str, dt.date] = {}
        self._shapes: dict[object, _Shape] = {}
        self._co_providers: dict[str, str] = {}

    def facts(self, cells: list[str]) -> tuple[str, Patient, Facts] | None:
        """The row's patient and session from remembered values; ``None``: read it in full."""
        pid = cells[self._pid].strip()
        pref = None if self._pref is None else cells[self._pref]
        day = self._dates.get(cells[self._date])
        shape = self._shapes.get(self._shape_of(cells))
        if day is None or shape is None or not pid or not pid.isascii():
            return None
        patient = self._patients.get((cells[self._birth], pref))
        if patient is None:
            # A new patient in a row of known values: its two cells alone are read.
            patient = self._patient(cells[self._birth], pref)
            if patient is None:
                return None
        if patient.birth_date > day:
            return None
        provider: str | None = None
        if self._provider is not None:
            text = cells[self._provider]
            if not text.isascii():
                return None
            provider = text.strip() or None
        co_provider: str | None = None
        if self._co is not None and cells[self._co]:
            co_provider = self._co_providers.get(cells[self._co])
            if co_provider is None or shape[1] is not Function.CO_CONSULTATION:
                return None
        return pid, patient, _facts((day, provider, co_provider, *shape))

    def _patient(self, birth: str, preferential: str | None) -> Patient | None:
        """The patient of two cells, remembered; ``None`` when the general reader refuses one."""
        record = (
            {"birth_date": birth}
            if preferential is None
            else {
                "birth_date": birth,
                "preferential": preferential,
            }
        )
        try:
            patient = self.reader.patient(record)
        except BadCellError:
            return None
        if len(self._patients) > _REMEMBERED:
            self._patients.clear()
        self._patients[(birth, preferential)] = patient
        return patient

    def learn(self, cells: list[str], patient: Patient, session: SessionFacts) -> None:
        """Remember the values of a row the general reader read."""
        for cache in (self._patients, self._dates, self._shapes, self._co_providers):
            if len(cache) > _REMEMBERED:
                cache.clear()
        pref = None if self._pref is None else cells[self._pref]
        self._patients[(cells[self._birth], pref)] = patient
        self._dates[cells[self._date]] = session.date
        self._shapes[self._shape_of(cells)] = (
            session.network,
            session.function,
            session.setting,
            session.modality,
            session.with_context,
            session.functional_assessment,
            session.unable_to_travel,
            session.kind,
        )
        if self._co is not None and session.co_provider is not None:
            self._co_providers[cells[self._co]] = session.co_provider
