"""Writing claims as CSV or JSON lines: every cell safe to open in a spreadsheet.

CSV cells are quoted whenever they hold a comma, a semicolon, a tab, a quote or a line
break (under every Python version: the standard ``csv`` module of Python 3.11 and
3.12 leaves a lone carriage return unquoted), so that a spreadsheet splitting on
``,`` or on ``;`` (Belgian Excel) keeps each cell whole. Echoed text that a
spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage
return at the start of the cell or after a separator) gets an apostrophe first.
Text that is not UTF-8 (lone surrogates) is written as U+FFFD.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Final

from inami_ppl.claims.cells import has_surrogates
from inami_ppl.claims.columns import OUTPUT, echoed, json_value, text_value
from inami_ppl.claims.schema import COLUMNS, Claim
from inami_ppl.errors import InvalidInputError
from inami_ppl.messages import LANGUAGES

__all__ = [
    "check_language",
    "check_output",
    "claim_cells",
    "claim_json",
    "csv_line",
    "echo_cells",
    "jsonl_line",
    "neutral",
    "output_header",
    "quoted_cells",
    "result_cells",
    "write_csv",
    "write_jsonl",
]

# A spreadsheet reads a cell starting with one of these as a formula.
_FORMULA_FIRST: Final = frozenset("=+-@\t\r")
# A formula start at the start of the text or after anything a spreadsheet may split on.
_FORMULA: Final = re.compile(r"(?:^|(?<=[,;\t\r\n]))( *)(?=[=+\-@\t\r])")
# Cells holding one of these are quoted, whatever the delimiter.
_QUOTE: Final = re.compile(r'[,;\t\r\n"]')
# With ``;`` between cells (for Excel), commas are decimal marks: no quotes for them.
_QUOTE_BY: Final = {",": _QUOTE, ";": re.compile(r'[;\t\r\n"]')}
# The same but the delimiter: a line without them needs no quotes if it has one
# delimiter fewer than cells.
_OTHERS: Final = {",": re.compile(r'[;\t\r\n"]'), ";": re.compile(r'[\t\r\n"]')}


def _replace_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it can be written."""
    if text.isascii() or not has_surrogates(text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def neutral(value: str) -> str:
    """A cell that a spreadsheet will not run as a formula; non-UTF-8 bytes as U+FFFD.

    >>> neutral("=1+1"), neutral("dr;=1+1"), neutral("2024-05-06")
    ("'=1+1", "dr;'=1+1", '2024-05-06')
    """
    value = _replace_surrogates(value)
    if value[:1] in _FORMULA_FIRST or _QUOTE.search(value):
        return _FORMULA.sub(r"\1'", value)
    return value


def _echo(value: object) -> str:
    if type(value) is str and value.isascii() and value[:1] not in _FORMULA_FIRST:
        return neutral(value) if _QUOTE.search(value) else value  # the common case: plain text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    return neutral(value if isinstance(value, str) else str(value))


def csv_line(cells: Sequence[str], delimiter: str = ",", end: str = "\n") -> str:
    """One CSV line: cells quoted when they hold a separator, a quote or a line break."""
    line = delimiter.join(cells)
    others = _OTHERS.get(delimiter, _QUOTE)
    if others.search(line) is None and line.count(delimiter) == len(cells) - 1:
        return line + end  # the common case: no cell needs quotes
    return delimiter.join(quoted_cells(cells, delimiter)) + end


def quoted_cells(cells: Sequence[str], delimiter: str) -> list[str]:
    """Each cell as :func:`csv_line` writes it (quoted when it needs to be)."""
    needs = _QUOTE_BY.get(delimiter, _QUOTE).search
    return [_quoted(cell) if needs(cell) else cell for cell in cells]


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@functools.lru_cache(maxsize=64)
def _echoed(columns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return echoed(columns)


def claim_cells(
    claim: Claim, columns: Sequence[str] = COLUMNS, *, lang: str = "en", decimal: str = "."
) -> list[str]:
    """One CSV output row: the ``columns`` echoed from the input, then the output columns.

    Echoed cells that a spreadsheet would read as a formula get an apostrophe
    (see the module's text). ``decimal`` is the decimal mark of amounts.
    """
    return [*echo_cells(claim.cells, columns), *result_cells(claim, lang, decimal)]


def echo_cells(cells: Mapping[str, object], columns: Sequence[str]) -> list[str]:
    """The input ``columns`` of a row as the output repeats them (formulas neutralised)."""
    return [_echo(cells.get(name)) for name, _ in _echoed(tuple(columns))]


def result_cells(claim: Claim, lang: str, decimal: str) -> list[str]:
    """The output columns of ``claim`` (:data:`~inami_ppl.claims.columns.OUTPUT`) as text."""
    out = []
    for column in OUTPUT:
        text = text_value(column, column.get(claim, lang), decimal)
        out.append(neutral(text) if column.kind == "text" else text)
    return out


def output_header(columns: Sequence[str] = COLUMNS) -> list[str]:
    """The CSV output header for input ``columns`` (echoed names neutralised like cells)."""
    return [neutral(shown) for _, shown in _echoed(tuple(columns))] + [c.name for c in OUTPUT]


def claim_json(claim: Claim, *, lang: str = "en") -> dict[str, object]:
    """One JSON lines output object: the input values, then the output columns.

    Text that is not UTF-8 (lone surrogates) has U+FFFD in its place, as in CSV output.
    """
    cells = claim.cells
    out: dict[str, object] = {
        _replace_surrogates(shown): _json_cell(cells[name]) for name, shown in _echoed(tuple(cells))
    }
    out.update((column.name, json_value(column, column.get(claim, lang))) for column in OUTPUT)
    return out


def _json_cell(value: object) -> object:
    return _replace_surrogates(value) if isinstance(value, str) else value


def jsonl_line(claim: Claim, *, lang: str = "en") -> str:
    """One line of JSON lines output (:func:`claim_json`), with its end of line."""
    text = json.dumps(claim_json(claim, lang=lang), ensure_ascii=False, default=_json_default)
    # A lone surrogate nested in a JSON input value is written as U+FFFD too.
    return _replace_surrogates(text) + "\n"


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_language(lang: object) -> None:
    """Check the language of the messages before anything is written.

    Raises:
        InvalidInputError: ``lang`` is not one of the languages of the messages.

    """
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise InvalidInputError("lang", lang, "one of " + ", ".join(LANGUAGES))


def check_output(stream: object, lang: object) -> None:
    """Check the arguments of a writer before anything is written.

    Raises:
        InvalidInputError: ``stream`` has no ``write`` or ``lang`` is not a language.

    """
    check_language(lang)
    if not callable(getattr(stream, "write", None)):
        raise InvalidInputError("stream", type(stream).__name__, "an open text file")


def _check_columns(columns: object) -> tuple[str, ...]:
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise InvalidInputError("columns", type(columns).__name__, "a sequence of column names")
    if not all(isinstance(name, str) for name in columns):
        raise InvalidInputError("columns", "a name that is not text", "column names as text")
    return tuple(columns)


def write_csv(
    claims: Iterable[Claim],
    stream: IO[str],
    columns: Sequence[str] = COLUMNS,
    *,
    lang: str = "en",
    excel: bool = False,
) -> None:
    """Write claims as CSV with :func:`output_header` (open the file with ``newline=""``).

    With ``excel=True`` the file is what Belgian Excel opens as is: ``;`` between
    cells, a decimal comma, a UTF-8 byte-order mark and CRLF line ends.

    Raises:
        InvalidInputError: a bad argument, before anything is written.

    """
    check_output(stream, lang)
    names = _check_columns(columns)
    if not isinstance(excel, bool):
        raise InvalidInputError("excel", excel, "True or False")
    delimiter, end, decimal = (";", "\r\n", ",") if excel else (",", "\n", ".")
    if excel:
        stream.write("\ufeff")
    stream.write(csv_line(output_header(names), delimiter, end))
    for claim in claims:
        cells = claim_cells(claim, names, lang=lang, decimal=decimal)
        stream.write(csv_line(cells, delimiter, end))


def write_jsonl(claims: Iterable[Claim], stream: IO[str], *, lang: str = "en") -> None:
    """Write claims as JSON lines, one object a line, in the order given.

    Raises:
        InvalidInputError: a bad argument, before anything is written.

    """
    check_output(stream, lang)
    for claim in claims:
        stream.write(jsonl_line(claim, lang=lang))
