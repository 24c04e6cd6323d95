"""`kpb synth --tidigare`: two years of the same synthetic people, with outcomes, through the
CLI; the comparison runs on them and equals the two years' own outputs."""

from pathlib import Path

import polars as pl
import pytest
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main

KEY = TEST_KEY


def run(*args):
    result = CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synt") / "kommun"
    run("synth", "--invanare", "3000", "--year", "2024", "--tidigare", "2022", "--out",
        str(root), "--tyst")
    for year in ("2022", "2024"):
        run("compute", year, "--project", str(root), "--tyst")
    run("jamfor", "2022", "2024", "--project", str(root), "--tyst")
    return root


def out(root: Path, year: str, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / year / f"{name}.parquet")


def test_people_continue_two_years_older(two_years):
    then, now = out(two_years, "2022", "brukare"), out(two_years, "2024", "brukare")
    both = then.join(now, on="person_id", suffix="_2024")
    assert 0.4 * now.height < both.height < now.height  # some stay, some leave, some arrive
    assert (both["alder_2024"] - both["alder"] == 2).all()


def test_placements_continue_across_the_years(two_years):
    flows = out(two_years, "jamfor_2022_2024", "jamfor_floden").filter(
        pl.col("insats").is_in(["sabo", "familjehem", "gruppbostad"]))
    assert flows.height == 3 and (flows["kvarstaende"] > 0).all()
    assert flows["nya"].sum() > 0 and flows["avslutade"].sum() > 0


def test_every_year_has_outcomes(two_years):
    for year in ("2022", "2024"):
        table = out(two_years, year, "utfall_insats")
        assert table["deltagare"].sum() > 0 and table["avslut"].sum() > 0
        persons = out(two_years, year, "brukare_insats").filter(pl.col("insats") == "ami")
        assert table["kostnad"].sum() == persons["kostnad"].sum()


def test_the_comparison_equals_both_years_outputs(two_years):
    table = out(two_years, "jamfor_2022_2024", "jamfor_styckkostnad")
    for year, side in (("2022", "fran"), ("2024", "till")):
        sums = out(two_years, year, "insats").group_by("insats").agg(pl.col("kostnad").sum())
        assert dict(table.select("insats", f"kostnad_{side}").rows()) == dict(sums.rows())
