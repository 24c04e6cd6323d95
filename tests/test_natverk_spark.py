"""The network's comparison through Spark SQL in local mode gives the same tables as DuckDB,
to the öre: the same SQL files (sql/natverk/) over the same packages. Skipped, with the
reason, where pyspark (pip install 'kpb[spark]') or Java is missing."""

import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.network.engines import spark_missing

pytestmark = pytest.mark.skipif(bool(spark_missing()), reason=spark_missing() or "")

EXEMPEL = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
KEY = "testnyckel-som-bara-finns-i-natverkstesterna"


def ok(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 0, result.output
    return result


def test_spark_and_duckdb_give_the_same_comparison(tmp_path):
    shutil.copytree(EXEMPEL, tmp_path / "exempel",
                    ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    for seed in (1, 2):
        ok("synth", "--invanare", 5000, "--seed", seed, "--out", tmp_path / f"synt{seed}", "--tyst")
    shares = [("exempel", "0114", 2022), ("exempel", "0114", 2024), ("synt1", "1489", 2024),
              ("synt2", "2480", 2024)]
    for name, code, year in shares:
        ok("compute", year, "--project", tmp_path / name, "--tyst", "--utan-rapport")
        ok("dela", year, "--project", tmp_path / name, "--kommunkod", code,
           "--ut", tmp_path / "paket", "--tyst")
    tables = {}
    for engine in ("duckdb", "spark"):
        ok("natverk", tmp_path / "paket", "--motor", engine, "--ut", tmp_path / engine,
           "--index", "2022=100", "--index", "2024=110,4", "--tyst")
        tables[engine] = pl.read_parquet(tmp_path / engine / "natverk_jamforelse.parquet")
    duck, spark = tables["duckdb"], tables["spark"]
    assert duck.height > 50 and set(duck["kommun"]) == {"0114", "1489", "2480"}
    assert duck["forandring_fast"].drop_nulls().len() > 0  # 0114 has an earlier package
    assert spark.schema == duck.schema
    assert spark.equals(duck)  # every figure, to the öre, in the same order
