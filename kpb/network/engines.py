"""The network's comparison SQL (sql/natverk/*.sql), run unchanged by DuckDB or Spark SQL.

Each engine registers the same views and runs the same files:

    paket, insats, omrade   the packages' tables, with `kommun` (text: SCB codes keep their
                            leading zero) and `ar` (integer) from the Hive folder names
    valt                    one row: ar, the year compared
    prisindex               ar, index_milli: the price index for fixed prices (may be empty)
    matt                    sql/natverk/matt.sql, every figure in long form
    -> result               sql/natverk/jamforelse.sql

DuckDB runs on one laptop in-process; Spark SQL (`pip install 'kpb[spark]'`, Java 17+) runs
the same text in local mode here and on a cluster when the session is one. The SQL uses
integers only, so both give the same figures to the öre (tests/test_natverk_spark.py).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error
from kpb.sqlfiles import sql

ENGINES = ("duckdb", "spark")
PACKAGE_TABLES = ("paket", "insats", "omrade")


def compare(engine: str, root: Path, packages: list, year: int,
            index: dict[int, int]) -> pl.DataFrame:
    """sql/natverk/jamforelse.sql over `packages` (each with .files(table)) in `engine`;
    `index`: year -> index value in thousandths."""
    side = {"valt": pl.DataFrame({"ar": [year]}, schema={"ar": pl.Int32}),
            "prisindex": pl.DataFrame({"ar": list(index), "index_milli": list(index.values())},
                                      schema={"ar": pl.Int32, "index_milli": pl.Int64})}
    files = {t: [str(p.files(t)) for p in packages] for t in PACKAGE_TABLES}
    if engine == "spark":
        frame = _spark(Path(root), files, side)
    else:
        frame = _duckdb(files, side)
    return normalised(frame)


def normalised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every integer column as Int64 (Spark's rank() is INT, DuckDB's BIGINT)."""
    return frame.with_columns(pl.col(pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt32,
                                     pl.UInt64).cast(pl.Int64))


def _duckdb(files: dict[str, list[str]], side: dict[str, pl.DataFrame]) -> pl.DataFrame:
    import duckdb

    with duckdb.connect() as con:
        for table, paths in files.items():
            listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
            con.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM read_parquet([{listed}], "
                        "hive_partitioning = true, union_by_name = true, "
                        "hive_types = {'kommun': VARCHAR, 'ar': INTEGER})")
        for name, frame in side.items():
            con.register(name, frame.to_arrow())
        con.execute(f"CREATE TEMP VIEW matt AS {sql('natverk/matt')}")
        return con.sql(sql("natverk/jamforelse")).pl()


def spark_missing() -> str:
    """Why Spark cannot run here ("" when it can): pyspark and a Java runtime are needed."""
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark saknas: installera kpb med Spark, pip install 'kpb[spark]'"
    if shutil.which("java") is None:
        return "Java saknas: Spark behöver Java 17 eller senare (t.ex. default-jre-headless)"
    return ""


def spark_session():
    """A local Spark session (one core, no web UI; partition folders are read as text)."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[1]").appName("kpb-natverk")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def _spark(root: Path, files: dict[str, list[str]], side: dict[str, pl.DataFrame]) -> pl.DataFrame:
    missing = spark_missing()
    if missing:
        raise KpbError("natverk", [error(None, None, "--motor", f"spark: {missing}")])
    from pyspark.sql import functions as F

    spark = spark_session()
    for table, paths in files.items():
        frame = (spark.read.option("basePath", str(root)).option("mergeSchema", "true")
                 .parquet(*paths).withColumn("ar", F.col("ar").cast("int")))
        frame.createOrReplaceTempView(table)
    for name, frame in side.items():
        spark.createDataFrame(frame.rows(), "ar INT" + (", index_milli BIGINT"
                                                        if name == "prisindex" else "")
                              ).createOrReplaceTempView(name)
    spark.sql(sql("natverk/matt")).createOrReplaceTempView("matt")
    return pl.from_arrow(spark.sql(sql("natverk/jamforelse")).toArrow())
