"""Claims assessed on Apache Spark: ``pip install "inami-ppl[spark]"``.

The core library never imports pyspark; this module does, and only when it is imported
itself. :func:`assess_spark` takes a Spark DataFrame with the columns of a claims file and
returns it with the decision of every row, the same decisions as the ``inami-ppl assess``
command gives on the same rows. The rows are shuffled by patient id and sorted by patient
and line within each partition (``repartition`` and ``sortWithinPartitions``); each
executor then judges whole patients a few thousand rows at a time (``mapInPandas``), with
the same engine as the command. The rule tables are sent to the executors once, as a
broadcast variable. (``groupBy(...).applyInPandas`` gives the same decisions but builds a
pandas frame for every patient, a handful of rows each: many times slower on claims.)

The output columns are those of the command's output (:data:`~inami_ppl.claims.OUTPUT_COLUMNS`)
with Spark types (:func:`output_schema`); the input columns are kept as they came.
``line`` is the row's position in the input DataFrame, counted from 1, in the order Spark
reads it (for a CSV file read with ``spark.read.csv``: the file's order, header excluded).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Final

import pandas as pd
from pyspark import Broadcast
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812  (the name every Spark user knows)
from pyspark.sql.types import (
    BooleanType,
    DataType,
    DecimalType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from inami_ppl.claims import OUTPUT_COLUMNS, assess_records, claim_cells
from inami_ppl.errors import InvalidInputError
from inami_ppl.frames import records_of
from inami_ppl.rulesets import Rules, default_rules

__all__ = ["assess_batches", "assess_spark", "output_schema", "spark_type", "what_if_spark"]

#: About how many rows each executor judges at once (whole patients: a chunk ends with one).
CHUNK: Final = 4096
#: Euros with cents: up to ten million euros per cell.
MONEY: Final = DecimalType(10, 2)
# The Spark type of each output column that is not text (every other one is a string).
_TYPES: Final[Mapping[str, DataType]] = {
    "allowed": BooleanType(),
    "unconfirmed": BooleanType(),
    "patient_share": MONEY,
    "practitioner_fee": MONEY,
    "insurer_share": MONEY,
    "line": LongType(),
}
# Internal columns: the row's position, and the parts it is computed from.
_LINE: Final = "line"
_PART: Final = "__inami_ppl_partition"
_ID: Final = "__inami_ppl_id"
# The key rows are gathered by: the patient id without any white space. The engine reads
# ids stripped; a coarser key is safe, as each group is split by patient id again.
_KEY: Final = "__inami_ppl_patient"
_SPACE: Final = r"[\s\p{Z}\x1c-\x1f\x85]"


def spark_type(name: str) -> DataType:
    """The Spark type of the output column ``name`` (strings unless typed above)."""
    return _TYPES.get(name, StringType())


def output_schema(input_schema: StructType) -> StructType:
    """The schema of :func:`assess_spark`'s result for an input of ``input_schema``.

    The input columns (but those named like output columns, as in the command's
    output), then :data:`~inami_ppl.claims.OUTPUT_COLUMNS`, typed by :func:`spark_type`.

    >>> from pyspark.sql.types import StringType, StructField, StructType
    >>> schema = output_schema(StructType([StructField("patient_id", StringType())]))
    >>> [(f.name, f.dataType.simpleString()) for f in schema.fields][:4]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('patient_id', 'string'), ('allowed', 'boolean'), ('reasons', 'string'),
     ('patient_share', 'decimal(10,2)')]
    """
    kept = [field for field in input_schema.fields if field.name not in OUTPUT_COLUMNS]
    added = [StructField(name, spark_type(name), nullable=True) for name in OUTPUT_COLUMNS]
    return StructType([*kept, *added])


def _value(name: str, text: str) -> object:
    """A cell of the command's CSV output as a value of the column's Spark type.

    (``line``, the one whole-number column, is the row's position: never read from text.)
    """
    if text == "":
        return None
    kind = spark_type(name)
    if isinstance(kind, BooleanType):
        return text == "true"
    if isinstance(kind, DecimalType):
        return Decimal(text)
    return text


# A row waiting to be judged: its record (cells as the reader takes them), its input
# values as they came (written back unchanged) and its line.
_Pending = tuple[dict[str, object], tuple[object, ...], int]


def _assessed(
    pending: list[_Pending], names: list[str], rules: Rules, lang: str, accept: bool
) -> pd.DataFrame:
    """The decisions on the ``pending`` rows, as a frame of the output schema."""
    claims = assess_records([row[0] for row in pending], rules=rules, accept_unconfirmed=accept)
    columns: dict[str, list[object]] = {
        name: [row[1][i] for row in pending] for i, name in enumerate(names)
    }
    columns.update({name: [] for name in OUTPUT_COLUMNS})
    for claim, row in zip(claims, pending, strict=True):
        for name, text in zip(OUTPUT_COLUMNS, claim_cells(claim, (), lang=lang), strict=True):
            columns[name].append(row[2] if name == _LINE else _value(name, text))
    return pd.DataFrame(columns, dtype=object)


def assess_batches(
    batches: Iterable[pd.DataFrame],
    rules: Rules,
    *,
    lang: str = "en",
    accept_unconfirmed: bool = False,
    chunk: int = CHUNK,
) -> Iterator[pd.DataFrame]:
    """What each executor runs on its partition: batches of rows sorted by patient, then line.

    Rows are gathered into chunks of about ``chunk`` rows that end where a patient ends,
    so that every patient's rows are judged together, in ``line`` order, as the command
    judges a file's rows. Each result frame has the :func:`output_schema` columns.
    """
    names: list[str] = []
    pending: list[_Pending] = []
    last: object = _KEY
    for batch in batches:
        names = [c for c in batch.columns if c not in OUTPUT_COLUMNS and c != _KEY]
        records = records_of(batch[names])
        values = zip(*(batch[name].tolist() for name in names), strict=True)
        keys = batch[_KEY].tolist()
        for record, row, key, line in zip(records, values, keys, batch[_LINE], strict=True):
            if len(pending) >= chunk and key != last:
                yield _assessed(pending, names, rules, lang, accept_unconfirmed)
                pending = []
            last = key
            pending.append((record, row, int(line)))
    if pending:
        yield _assessed(pending, names, rules, lang, accept_unconfirmed)


def _numbered(df: DataFrame) -> DataFrame:
    """``df`` with ``line``: each row's position from 1, without moving rows between partitions.

    A row's id within its partition comes with ``monotonically_increasing_id``; one
    small job counts the rows of each partition to turn those into positions.
    """
    tagged = df.withColumn(_PART, F.spark_partition_id()).withColumn(
        _ID, F.monotonically_increasing_id()
    )
    counts = sorted((row[0], row[1]) for row in tagged.groupBy(_PART).count().collect())
    offsets: dict[int, int] = {}
    total = 0
    for partition, count in counts:
        offsets[partition] = total
        total += count
    offset: Column = F.lit(0)
    for partition, start in offsets.items():
        offset = F.when(F.col(_PART) == partition, F.lit(start)).otherwise(offset)
    within = F.col(_ID) - F.shiftleft(F.col(_PART).cast("long"), 33)
    return tagged.withColumn(_LINE, (offset + within + 1).cast("long")).drop(_PART, _ID)


def _check(df: object, lang: object) -> DataFrame:
    if not isinstance(df, DataFrame):
        raise InvalidInputError("df", type(df).__name__, "a Spark DataFrame")
    if "patient_id" not in df.columns:
        raise InvalidInputError("df", "columns", "a patient_id column (the claims columns)")
    from inami_ppl.messages import LANGUAGES  # noqa: PLC0415  (kept beside its one use)

    if lang not in LANGUAGES:
        raise InvalidInputError("lang", lang, f"one of {', '.join(LANGUAGES)}")
    return df


def assess_spark(
    df: DataFrame,
    *,
    rules: Rules | None = None,
    lang: str = "en",
    accept_unconfirmed: bool = False,
) -> DataFrame:
    """``df`` with the decision of every row, assessed patient by patient on the executors.

    Args:
        df: the claims, with the columns of a claims file (text, or Spark dates and
            booleans); other columns are kept.
        rules: the rule tables (default: those bundled with the package); amended rules
            are broadcast to the executors once.
        lang: the language of the ``messages`` column.
        accept_unconfirmed: apply the last rules to sessions after the covered period.

    Returns:
        A DataFrame with :func:`output_schema`; one row per input row (a malformed row
        has its ``error`` and no decision), in no particular order: sort by ``line``.

    Raises:
        InvalidInputError: ``df`` is not a DataFrame with a ``patient_id`` column, or
            ``lang`` is not one of the message languages.

    """
    df = _check(df, lang)
    numbered = _numbered(df.drop(*[c for c in df.columns if c in OUTPUT_COLUMNS]))
    schema = output_schema(df.schema)
    shared: Broadcast[Rules] = df.sparkSession.sparkContext.broadcast(
        rules if rules is not None else default_rules()
    )

    keyed = numbered.withColumn(
        _KEY, F.regexp_replace(F.col("patient_id").cast("string"), _SPACE, "")
    )
    by_patient = keyed.repartition(F.col(_KEY)).sortWithinPartitions(_KEY, _LINE)

    def judge(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        return _judge(shared, lang, accept_unconfirmed, batches)  # pragma: no cover  (executors)

    return by_patient.mapInPandas(judge, schema=schema)


def _judge(
    shared: Broadcast[Rules],
    lang: str,
    accept_unconfirmed: bool,
    batches: Iterator[pd.DataFrame],
) -> Iterator[pd.DataFrame]:
    """The executors' side: the broadcast rules, read once per Python worker."""
    return assess_batches(batches, shared.value, lang=lang, accept_unconfirmed=accept_unconfirmed)


def _month(column: str) -> Column:
    """``YYYY-MM`` of a date column, whether it holds Spark dates or ISO text."""
    return F.substring(F.col(column).cast("string"), 1, 7)


def what_if_spark(
    df: DataFrame,
    scenario_rules: Rules,
    *,
    baseline_rules: Rules | None = None,
    accept_unconfirmed: bool = False,
) -> DataFrame:
    """The insurer cost under ``baseline_rules`` and ``scenario_rules``, by network and month.

    Columns: ``network``, ``month`` (``YYYY-MM``), ``baseline_insurer_share``,
    ``scenario_insurer_share``, ``difference`` (scenario minus baseline) and the accepted
    sessions under each, ``baseline_accepted`` and ``scenario_accepted``. Insurer amounts
    cover individual sessions (see :mod:`inami_ppl.analytics`). Sorted by network and month.
    """
    if not isinstance(scenario_rules, Rules):
        raise InvalidInputError("scenario_rules", scenario_rules, "a Rules object")

    def totals(rules: Rules | None, prefix: str) -> DataFrame:
        assessed = assess_spark(df, rules=rules, accept_unconfirmed=accept_unconfirmed)
        accepted = assessed.where(F.col("allowed"))
        return accepted.groupBy(F.col("network"), _month("date").alias("month")).agg(
            F.sum("insurer_share").alias(f"{prefix}_insurer_share"),
            F.count(F.lit(1)).alias(f"{prefix}_accepted"),
        )

    joined = totals(baseline_rules, "baseline").join(
        totals(scenario_rules, "scenario"), ["network", "month"], "full_outer"
    )
    zero = F.lit(Decimal("0.00")).cast(MONEY)
    before = F.coalesce(F.col("baseline_insurer_share"), zero)
    after = F.coalesce(F.col("scenario_insurer_share"), zero)
    return joined.select(
        "network",
        "month",
        before.cast(MONEY).alias("baseline_insurer_share"),
        after.cast(MONEY).alias("scenario_insurer_share"),
        (after - before).cast(MONEY).alias("difference"),
        F.coalesce(F.col("baseline_accepted"), F.lit(0)).alias("baseline_accepted"),
        F.coalesce(F.col("scenario_accepted"), F.lit(0)).alias("scenario_accepted"),
    ).orderBy("network", "month")
