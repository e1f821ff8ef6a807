"""The output columns of a claims file: defined once, written as CSV, JSON lines and pandas.

Each :class:`OutputColumn` says how to get its value from a :class:`Claim` and of
which kind it is; the writers and :func:`~inami_ppl.frames.assess_frame` only turn
kinds into text, JSON values or typed pandas columns. Adding a column is one entry
in :data:`OUTPUT`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final, Literal, cast, final

import attrs

from inami_ppl.claims.schema import Claim
from inami_ppl.decision import Assessment

__all__ = [
    "ECHO_PREFIX",
    "OUTPUT",
    "OUTPUT_COLUMNS",
    "Kind",
    "OutputColumn",
    "echoed",
    "json_value",
    "money",
    "text_value",
]

#: How a column's values are written: ``bool`` (true/false), ``money`` (euros as
#: ``Decimal``), ``codes`` (a tuple of texts, joined), ``text``, ``int``.
Kind = Literal["bool", "money", "codes", "text", "int"]
#: The prefix given to an input column named like an output column, to keep both.
ECHO_PREFIX: Final = "input_"


@final
@attrs.frozen
class OutputColumn:
    """One column added to each row of the output.

    ``get`` takes the claim and the language of the messages and gives the value, or
    ``None`` when the row has none (a malformed row has no decision). ``joiner`` joins
    the items of a ``codes`` column in text output.
    """

    name: str
    kind: Kind
    get: Callable[[Claim, str], object]
    joiner: str = ";"


def _decision(get: Callable[[Assessment, str], object]) -> Callable[[Claim, str], object]:
    """A getter of a value of the decision: ``None`` for a malformed row."""

    def of(claim: Claim, lang: str) -> object:
        return None if claim.assessment is None else get(claim.assessment, lang)

    return of


def _share_code(assessment: Assessment, _: str) -> str | None:
    reason = assessment.share_reason
    return None if reason is None else reason.code.value


def _error(claim: Claim, _: str) -> str | None:
    return None if claim.error is None else claim.error.detail


#: The output columns, in order, after the echoed input columns.
OUTPUT: Final = (
    OutputColumn("allowed", "bool", _decision(lambda a, _: a.allowed)),
    OutputColumn("reasons", "codes", _decision(lambda a, _: a.codes)),
    OutputColumn("patient_share", "money", _decision(lambda a, _: a.patient_share)),
    OutputColumn("practitioner_fee", "money", _decision(lambda a, _: a.practitioner_fee)),
    OutputColumn("insurer_share", "money", _decision(lambda a, _: a.insurer_share)),
    OutputColumn("ruleset", "text", _decision(lambda a, _: a.ruleset)),
    OutputColumn("share_reason", "text", _decision(_share_code)),
    OutputColumn("unconfirmed", "bool", _decision(lambda a, _: a.unconfirmed)),
    OutputColumn("unconfirmed_values", "codes", _decision(lambda a, _: a.unconfirmed_values)),
    OutputColumn("billing_code", "text", _decision(lambda a, _: a.billing_code)),
    OutputColumn("messages", "codes", _decision(lambda a, lang: a.messages(lang)), " | "),
    OutputColumn("line", "int", lambda claim, _: claim.line),
    OutputColumn("error", "text", _error),
)
#: The names of the columns added to each row of the output, after the input columns.
OUTPUT_COLUMNS: Final = tuple(column.name for column in OUTPUT)
_OUTPUT_NAMES: Final = frozenset(OUTPUT_COLUMNS)


def money(value: Decimal, decimal: str = ".") -> str:
    """Euros as written in every output: ``12.50`` (``12,50`` with ``decimal=","``)."""
    text = str(value)
    return text if decimal == "." else text.replace(".", decimal)


def text_value(column: OutputColumn, value: object, decimal: str = ".") -> str:
    """A value of ``column`` as a CSV cell."""
    if value is None:
        return ""
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind == "codes":
        return column.joiner.join(cast("tuple[str, ...]", value))
    if column.kind == "money":
        return money(cast("Decimal", value), decimal)
    return str(value)


def json_value(column: OutputColumn, value: object) -> object:
    """A value of ``column`` as a JSON value (codes as a list, money as text)."""
    if column.kind == "codes":
        return list(cast("tuple[str, ...]", value or ()))
    if column.kind == "money" and value is not None:
        return money(cast("Decimal", value))
    return value


def echoed(columns: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The input columns repeated in the output: ``(input name, output name)`` pairs.

    An input column named like an output column is kept under a prefixed name
    (``allowed`` as ``input_allowed``), never overwritten.
    """
    out = []
    for name in columns:
        shown = name
        while shown in _OUTPUT_NAMES or (shown != name and shown in columns):
            shown = ECHO_PREFIX + shown
        out.append((name, shown))
    return tuple(out)
