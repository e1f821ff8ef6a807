"""The claims file's columns, its results and its errors.

The input columns (:data:`COLUMNS`), those every row must fill
(:data:`REQUIRED_COLUMNS`), those that identify a person (:data:`IDENTIFYING`: never
shown in a message), and the values a row turns into: a :class:`Claim`, or a
:class:`RowError` saying why it could not be assessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final, final

import attrs

from inami_ppl.decision import Assessment
from inami_ppl.errors import IDENTIFYING, InvalidInputError

__all__ = [
    "COLUMNS",
    "IDENTIFYING",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "Cells",
    "Claim",
    "ClaimsFileError",
    "InvalidRowError",
    "NumberedRow",
    "ReadProgress",
    "RowError",
]

#: The input columns, in the order of a claims file.
COLUMNS: Final = (
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
#: The columns every row must fill; the others take the defaults when empty or absent.
REQUIRED_COLUMNS: Final = ("patient_id", "birth_date", "date", "network", "function", "setting")
#: The input columns added after the first release: a file without them is read with their
#: defaults.
OPTIONAL_COLUMNS: Final = ("unable_to_travel", "co_provider")


class InvalidRowError(InvalidInputError):
    """A row of a claims file is malformed (raised in strict mode; see :class:`RowError`)."""

    def __init__(self, error: RowError) -> None:
        """Wrap the row error."""
        super().__init__(f"line {error.line}: {error.field}", error.shown, error.expected)
        self.line = error.line
        self.args = (error.message,)


class ClaimsFileError(InvalidInputError):
    """A claims file cannot be read at all (no header, a missing or repeated column...)."""


@final
@attrs.frozen(kw_only=True)
class RowError:
    """Why one row could not be assessed: its line, the field and what was expected.

    ``value`` is a short excerpt of the cell as read, or ``None`` when it is not shown:
    for the columns that identify a person (:data:`IDENTIFYING`) and for cells that
    hold what looks like other cells or rows. The message names the line and the
    field, so that error reports can be shared.
    """

    line: int
    field: str
    expected: str
    value: str | None = None

    @property
    def shown(self) -> str:
        """The value as the message shows it."""
        return "(not shown)" if self.value is None else repr(self.value)

    @property
    def detail(self) -> str:
        """``date: expected an ISO date (YYYY-MM-DD), got '2024-13-01'``."""
        got = "" if self.value is None else f", got {self.value!r}"
        return f"{self.field}: expected {self.expected}{got}"

    @property
    def message(self) -> str:
        """The detail with the line: ``line 7: date: expected ...``."""
        return f"line {self.line}: {self.detail}"


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return repr(value)  # a JSON list or object in a cell
    return value


@final
class Cells(Mapping[str, object]):
    """A row's cells as read: an immutable mapping that can be hashed, copied and pickled."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, object]) -> None:
        """Copy ``data``."""
        self._data = dict(data)

    def __getitem__(self, key: str) -> object:
        """The cell of column ``key``."""
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        """The column names, in the row's order."""
        return iter(self._data)

    def __len__(self) -> int:
        """The number of cells."""
        return len(self._data)

    def __hash__(self) -> int:
        """A hash of the cells (lists and objects hashed by their text)."""
        return hash(tuple((key, _hashable(value)) for key, value in self._data.items()))

    def __eq__(self, other: object) -> bool:
        """Equal to any mapping with the same cells."""
        return isinstance(other, Mapping) and self._data == dict(other)

    def __repr__(self) -> str:
        """``Cells({...})``."""
        return f"Cells({self._data!r})"

    def __reduce__(self) -> tuple[type[Cells], tuple[dict[str, object]]]:
        """Pickle as the class and a copy of the cells."""
        return Cells, (self._data,)


def _cells(value: Mapping[str, object]) -> Cells:
    return value if isinstance(value, Cells) else Cells(value)


@final
@attrs.frozen(kw_only=True)
class Claim:
    """One row of a claims file and what became of it.

    Exactly one of ``assessment`` and ``error`` is set. ``cells`` are the row's
    values as read (text for CSV, JSON values for JSON lines), in column order.
    """

    line: int
    cells: Mapping[str, object] = attrs.field(converter=_cells)
    patient_id: str | None
    assessment: Assessment | None = None
    error: RowError | None = None

    @property
    def allowed(self) -> bool | None:
        """Whether the session is reimbursed; ``None`` for a malformed row."""
        return None if self.assessment is None else self.assessment.allowed

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes of a refusal (empty when allowed or malformed)."""
        return () if self.assessment is None else self.assessment.codes


#: A row as the readers give it: its line number and its cells, or why it is unreadable.
NumberedRow = tuple[int, "Mapping[str, object] | RowError"]


@final
@attrs.frozen(kw_only=True)
class ReadProgress:
    """How far the reading of a claims file has gone, as given to a progress callback.

    ``total_bytes`` is ``None`` when the size is unknown (a pipe, standard input).
    """

    rows: int
    bytes_read: int | None
    total_bytes: int | None

    @property
    def fraction(self) -> float | None:
        """The share of the input read, from 0 to 1; ``None`` when it is unknown."""
        if self.bytes_read is None or not self.total_bytes:
            return None
        return min(1.0, self.bytes_read / self.total_bytes)
