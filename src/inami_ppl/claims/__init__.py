"""Claims files: many patients' sessions at once.

A claims file has one row per session, as CSV with a header or as JSON lines, with
the columns of :data:`COLUMNS`. :func:`assess_records` and :func:`assess_file` turn
rows into :class:`Claim` results, one per row, in the input order; every patient's
sessions are judged together, in date order, exactly as
:func:`~inami_ppl.assess_history` does. A malformed row becomes a claim with a
:class:`RowError` (its line and field): it is never dropped.

Memory: with ``grouped=True`` the rows of one patient must stand next to each other
(any order of dates within them) and only one patient is held at a time. With the
default ``grouped=False`` any order is accepted: beyond a few tens of thousands of
rows, they are spilled to anonymous temporary files and memory stays bounded.

>>> import io
>>> text = '''patient_id,birth_date,date,network,function,setting
... p1,1980-06-15,2024-05-06,adults,support,individual
... p1,1980-06-15,2024-05-06,adults,support,group
... '''
>>> [(c.line, c.allowed, c.codes) for c in assess_file(io.StringIO(text))]
[(2, True, ()), (3, False, ('day.limit',))]

The package's modules, each with one job: :mod:`~inami_ppl.claims.schema` (columns,
claims, errors), :mod:`~inami_ppl.claims.cells` (reading one row's cells),
:mod:`~inami_ppl.claims.judge` (judging each patient's rows),
:mod:`~inami_ppl.claims.readers` (CSV and JSON lines in),
:mod:`~inami_ppl.claims.columns` (the output columns, defined once) and
:mod:`~inami_ppl.claims.writers` (CSV and JSON lines out).
"""

from __future__ import annotations

from inami_ppl.claims.cells import ISO_DATE
from inami_ppl.claims.columns import OUTPUT, OUTPUT_COLUMNS, OutputColumn
from inami_ppl.claims.judge import assess_records, assess_rows
from inami_ppl.claims.readers import (
    DELIMITERS,
    Format,
    assess_file,
    guess_format,
    open_claims,
    read_csv,
    read_jsonl,
)
from inami_ppl.claims.schema import (
    COLUMNS,
    IDENTIFYING,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Claim,
    ClaimsFileError,
    InvalidRowError,
    NumberedRow,
    ReadProgress,
    RowError,
)
from inami_ppl.claims.writers import (
    claim_cells,
    claim_json,
    jsonl_line,
    output_header,
    write_csv,
    write_jsonl,
)

__all__ = [
    "COLUMNS",
    "DELIMITERS",
    "IDENTIFYING",
    "ISO_DATE",
    "OPTIONAL_COLUMNS",
    "OUTPUT",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "Claim",
    "ClaimsFileError",
    "Format",
    "InvalidRowError",
    "NumberedRow",
    "OutputColumn",
    "ReadProgress",
    "RowError",
    "assess_file",
    "assess_records",
    "assess_rows",
    "claim_cells",
    "claim_json",
    "guess_format",
    "jsonl_line",
    "open_claims",
    "output_header",
    "read_csv",
    "read_jsonl",
    "write_csv",
    "write_jsonl",
]
