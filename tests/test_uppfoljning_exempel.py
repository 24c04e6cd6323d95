"""`kpb uppfoljning` on the bundled example (2022 and 2024), through the CLI: per insats the
twelve months sum to the year's insats.parquet to the öre, in cost and in volume; the views
carry every year followed up; a cut swap of the follow-up folder is undone by the next
command."""

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main

EXEMPEL = Path(__file__).parents[1] / "fixtures" / "exempelkommun"


def run(*args: str):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exempel") / "exempelkommun"
    shutil.copytree(EXEMPEL, root, ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    for year in ("2022", "2024"):
        result = run("compute", year, "--project", str(root), "--tyst", "--utan-rapport")
        assert result.exit_code == 0, result.output
        result = run("uppfoljning", year, "--project", str(root), "--tyst")
        assert result.exit_code == 0, result.output
    result = run("jamfor", "2022", "2024", "--project", str(root), "--tyst")
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("year", [2022, 2024])
def test_the_twelve_months_sum_to_insats_parquet_to_the_ore(exempel, year):
    months = pl.read_parquet(exempel / "ut" / f"uppfoljning_{year}" / "manad_insats.parquet")
    insats = pl.read_parquet(exempel / "ut" / str(year) / "insats.parquet")
    assert sorted(months["manad"].unique().to_list()) == list(range(1, 13))
    assert not months["delar"].any()
    summed = months.group_by("insats").agg(pl.col("kostnad").sum(), pl.col("volym").sum())
    year_total = insats.group_by("insats").agg(pl.col("kostnad").sum(), pl.col("volym").sum())
    assert summed.sort("insats").rows() == year_total.sort("insats").rows()
    december = months.filter(pl.col("manad") == 12).select("insats", "kostnad_hittills")
    assert december.sort("insats").rows() == year_total.select("insats", "kostnad").sort(
        "insats").rows()
    areas = pl.read_parquet(exempel / "ut" / f"uppfoljning_{year}" / "manad_omrade.parquet")
    assert areas["kostnad"].sum() == insats["kostnad"].sum()


def test_views_carry_every_year_followed_up(exempel):
    with duckdb.connect(str(exempel / "kpb.duckdb"), read_only=True) as con:
        years = con.sql("select distinct ar from manad_insats_alla_ar order by 1").fetchall()
        latest = con.sql("select distinct ar from floden_manad").fetchall()
        comment = con.execute("select comment from duckdb_columns() where table_name = 'punkt' "
                          "and column_name = 'brukare'").fetchone()
    assert years == [(2022,), (2024,)] and latest == [(2024,)]
    assert "öppen" in comment[0]


def test_a_follow_up_swap_cut_between_its_renames_is_undone(exempel):
    ut = exempel / "ut"
    target = ut / "uppfoljning_2024"
    before = (target / "manad_insats.parquet").read_bytes()
    target.rename(ut / ".uppfoljning_2024.old-4242")  # killed after the first rename
    (ut / ".uppfoljning_2024.tmp-4242-abcd").mkdir()  # and its staged folder left behind
    result = run("sql", "select count(*) from insats", "--project", str(exempel))
    assert result.exit_code == 0, result.output
    assert (target / "manad_insats.parquet").read_bytes() == before
    assert not list(ut.glob(".uppfoljning_2024.*"))


def test_the_series_hold_each_years_own_figures_and_jamfors_fixed_prices(exempel):
    with duckdb.connect(str(exempel / "kpb.duckdb"), read_only=True) as con:
        series = con.sql("select ar, insats, kostnad, kostnad_fast, volym, styckkostnad, "
                         "styckkostnad_fast from serie_insats").pl()
        pairs = con.sql("select insats, kostnad_fran, kostnad_fran_fast, kostnad_till, "
                        "styckkostnad_fran, styckkostnad_fran_fast from jamfor_styckkostnad").pl()
        areas = con.sql("select ar, omrade, kostnad, brukare from serie_omrade").pl()
        own = con.sql("select ar, omrade, sum(kostnad) as kostnad, count(distinct person_id) "
                      "filter (where kostnad <> 0) as brukare from brukare_insats_alla_ar "
                      "group by all").pl()
    earlier = series.filter(pl.col("ar") == 2022).join(pairs, on="insats")
    assert earlier.height == pairs.height > 0
    assert (earlier["kostnad"] == earlier["kostnad_fran"]).all()
    assert (earlier["kostnad_fast"] == earlier["kostnad_fran_fast"]).all()
    priced = earlier.filter(pl.col("styckkostnad_fast").is_not_null())
    assert (priced["styckkostnad_fast"] == priced["styckkostnad_fran_fast"]).all()
    assert series.filter((pl.col("ar") == 2024) & (pl.col("kostnad") != pl.col("kostnad_fast"))
                         ).height == 0
    assert areas.sort("ar", "omrade").rows() == own.sort("ar", "omrade").rows()


def test_the_report_sheet_reads_the_follow_up(exempel):
    from kpb.report.followup_sheet import followup_frames, uppfoljning
    from kpb.report.tables import read_outputs

    data = read_outputs(exempel / "ut" / "2024", 2024, "Exempelkommun", 15000)
    data.frames.update(followup_frames(exempel / "ut" / "2024", 2024))
    table = uppfoljning(data)
    assert table.sheet == "Uppföljning" and table.frame.height == 5 * 12
    months = pl.read_parquet(exempel / "ut" / "uppfoljning_2024" / "manad_omrade.parquet")
    assert table.frame["kostnad"].sum() == months["kostnad"].sum()
    assert table.frame.filter(pl.col("manad") <= 3)["nya"].null_count() == 15  # N = 3
