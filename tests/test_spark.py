"""Claims on Spark: a real local Spark session gives the command's decisions, row for row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import (
    BooleanType,
    DateType,
    DecimalType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from inami_ppl import InvalidInputError, default_rules
from inami_ppl.analytics import what_if
from inami_ppl.claims import COLUMNS, OUTPUT_COLUMNS, assess_records
from inami_ppl.spark import (
    _judge,
    assess_batches,
    assess_spark,
    output_schema,
    spark_type,
    what_if_spark,
)
from support import FIXTURE_TABLE

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "claims.csv"
COMMAND = Path(sys.executable).with_name("inami-ppl")
GENERATOR = ROOT / "benchmarks" / "generate_claims.py"


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    # The executors' Python must be this one, where the package is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("inami-ppl tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        # Small input splits: a file of a few thousand rows is read in several partitions.
        .config("spark.sql.files.maxPartitionBytes", "65536")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def command_rows(path: Path, *args: str) -> list[dict[str, str]]:
    """The command's rows for ``path``, under the fixture table that Spark is given here."""
    done = subprocess.run(  # noqa: S603  (our own command)
        [str(COMMAND), "assess", str(path), "--no-progress", "--rules", str(FIXTURE_TABLE), *args],
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))


def text(value: object) -> str:
    """A Spark value as the command writes it in CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def spark_rows(df: DataFrame, **options: object) -> list[dict[str, str]]:
    rows = assess_spark(df, **options).orderBy("line").collect()  # type: ignore[arg-type]
    return [{name: text(value) for name, value in row.asDict().items()} for row in rows]


def assert_same_rows(command: list[dict[str, str]], spark: list[dict[str, str]]) -> None:
    assert len(command) == len(spark)
    for position, (expected, got) in enumerate(zip(command, spark, strict=True), start=1):
        # The command numbers file lines (the header is line 1); Spark numbers rows.
        assert int(expected.pop("line")) == position + 1
        assert position == int(got.pop("line"))
        assert expected == got, position


def generated(tmp_path: Path, sessions: int = 3000) -> Path:
    """A generated file, with malformed rows, padded ids and a patient split in two."""
    path = tmp_path / "generated.csv"
    subprocess.run(  # noqa: S603  (our own generator)
        [sys.executable, str(GENERATOR), "--sessions", str(sessions), "--seed", "5", "-o", path],
        check=True,
    )
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    header, body = rows[0], rows[1:]
    rng = random.Random(11)
    extra = []
    for row in rng.sample(body, 40):
        moved = dict(zip(header, row, strict=True))
        kind = rng.randrange(4)
        if kind == 0:
            moved["date"] = "2024-13-40"  # malformed: reported, kept with its patient
        elif kind == 1:
            moved["patient_id"] = f"  {moved['patient_id']}\t"  # the same patient, padded
        elif kind == 2:
            moved["patient_id"] = ""  # malformed: no patient
        extra.append([moved[name] for name in header])  # kind 3: the patient split in two
    with path.open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(extra)
    return path


# --- the same decisions as the command -------------------------------------------------------


def test_the_example_file_gives_the_commands_rows(spark: SparkSession) -> None:
    df = spark.read.csv(str(EXAMPLE), header=True)
    assert_same_rows(command_rows(EXAMPLE), spark_rows(df))


def test_a_generated_file_in_several_partitions_gives_the_commands_rows(
    spark: SparkSession, tmp_path: Path
) -> None:
    path = generated(tmp_path)
    df = spark.read.csv(str(path), header=True)
    assert df.rdd.getNumPartitions() > 1
    command = command_rows(path)
    assert any(row["error"] for row in command)
    assert any(row["allowed"] == "false" for row in command)
    assert_same_rows(command, spark_rows(df))


def test_spark_dates_and_booleans_read_as_the_text_does(spark: SparkSession) -> None:
    schema = StructType(
        [
            StructField("patient_id", StringType()),
            StructField("birth_date", DateType()),
            StructField("preferential", BooleanType()),
            StructField("date", DateType()),
            StructField("network", StringType()),
            StructField("function", StringType()),
            StructField("setting", StringType()),
        ]
    )
    day = dt.date(2024, 5, 6)
    born = dt.date(1980, 6, 15)
    data = [
        ("a", born, True, day, "adults", "support", "individual"),
        ("a", born, True, day, "adults", "support", "group"),
        ("b", born, None, day + dt.timedelta(days=7), "adults", "support", "individual"),
    ]
    df = spark.createDataFrame(data, schema)
    rows = assess_spark(df, lang="fr").orderBy("line").collect()
    assert [(r.line, r.allowed, r.reasons, r.patient_share) for r in rows] == [
        (1, True, None, Decimal("0.00")),
        (2, False, "day.limit", None),
        (3, True, None, Decimal("0.00")),
    ]
    assert rows[0].date == day  # the input columns are kept with their types
    refused = [c for c in assess_records(r.asDict() for r in df.collect()) if c.codes]
    assert refused[0].assessment is not None
    assert rows[1].messages == " | ".join(refused[0].assessment.messages("fr"))


def test_amended_rules_reach_the_executors(spark: SparkSession) -> None:
    df = spark.read.csv(str(EXAMPLE), header=True)
    higher = default_rules().with_overrides({"limit.2024.support_individual.adults": 12})
    with EXAMPLE.open(encoding="utf-8", newline="") as stream:
        expected = list(assess_records(list(csv.DictReader(stream)), rules=higher))
    rows = assess_spark(df, rules=higher).orderBy("line").collect()
    assert [c.allowed for c in expected] == [r.allowed for r in rows]
    bundled = command_rows(EXAMPLE)
    assert sum(1 for c in expected if c.allowed) > sum(1 for r in bundled if r["allowed"] == "true")


# --- the schema ----------------------------------------------------------------------------


def test_the_output_schema_is_the_input_then_the_commands_output_columns() -> None:
    schema = StructType([StructField(name, StringType()) for name in (*COLUMNS, "allowed", "note")])
    out = output_schema(schema)
    # an input column named like an output column is replaced, as in the command's output
    assert [f.name for f in out.fields] == [*COLUMNS, "note", *OUTPUT_COLUMNS]
    assert spark_type("allowed") == BooleanType()
    assert spark_type("insurer_share") == DecimalType(10, 2)
    assert spark_type("line") == LongType()
    assert spark_type("reasons") == StringType()


def test_an_executor_judges_whole_patients_across_batches_and_chunks(
    spark: SparkSession,
) -> None:
    def batch(patients: list[str], settings: list[str], lines: list[int]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "patient_id": patients,
                "birth_date": ["1980-06-15"] * len(lines),
                "date": ["2024-05-06"] * len(lines),
                "network": "adults",
                "function": "support",
                "setting": settings,
                "__inami_ppl_patient": [p.strip() for p in patients],
                "line": lines,
            }
        )

    # As an executor gets them: sorted by patient, then line; patient a spans two batches.
    batches = [
        batch(["a", "a"], ["individual", "group"], [2, 5]),
        batch([" a", "b"], ["individual", "individual"], [7, 1]),
    ]
    shared = spark.sparkContext.broadcast(default_rules())
    frames = list(_judge(shared, "en", False, iter(batches)))  # noqa: FBT003  (as the closure)
    assert [len(f) for f in frames] == [4]
    out = frames[0]
    assert list(out.columns) == [
        "patient_id",
        "birth_date",
        "date",
        "network",
        "function",
        "setting",
        *OUTPUT_COLUMNS,
    ]
    assert list(out["line"]) == [2, 5, 7, 1]
    assert list(out["allowed"]) == [True, False, False, True]
    assert list(out["reasons"]) == [None, "day.limit", "day.limit", None]
    assert list(out["patient_id"]) == ["a", "a", " a", "b"]  # input values as they came
    # Small chunks end where a patient ends, never inside one.
    chunks = list(assess_batches(iter(batches), default_rules(), chunk=1, lang="de"))
    assert [list(f["line"]) for f in chunks] == [[2, 5, 7], [1]]
    assert chunks[0]["messages"][1] != out["messages"][1]  # German, not English
    assert list(assess_batches(iter([]), default_rules())) == []


# --- what-if ---------------------------------------------------------------------------------


def test_what_if_gives_the_insurer_difference_by_network_and_month(spark: SparkSession) -> None:
    df = spark.read.csv(str(EXAMPLE), header=True)
    higher = default_rules().with_overrides({"limit.2024.support_individual.adults": 12})
    rows = what_if_spark(df, higher).collect()
    expected = what_if(str(EXAMPLE), higher)
    assert sum(r.difference for r in rows) == expected.insurer_difference != 0
    assert sum(r.scenario_accepted for r in rows) == expected.scenario.accepted
    assert sum(r.baseline_insurer_share for r in rows) == expected.baseline.insurer_share
    keys = [(r.network, r.month) for r in rows]
    assert keys == sorted(keys)
    assert all(len(month) == 7 for _, month in keys)


# --- bad input -------------------------------------------------------------------------------


def test_bad_arguments_are_the_librarys_errors(spark: SparkSession) -> None:
    df = spark.read.csv(str(EXAMPLE), header=True)
    with pytest.raises(InvalidInputError, match="df"):
        assess_spark(pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="patient_id"):
        assess_spark(df.drop("patient_id"))
    with pytest.raises(InvalidInputError, match="lang"):
        assess_spark(df, lang="es")
    with pytest.raises(InvalidInputError, match="scenario_rules"):
        what_if_spark(df, "higher")  # type: ignore[arg-type]
