"""Synthetic data that moves: `kpb synth` writes hemtjänst hours and ledger costs with a
summer dip, and placements that start and end during the year, so `kpb uppfoljning` sees a
monthly series (through the CLI on a small synthetic municipality)."""

from decimal import Decimal

import polars as pl
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def test_a_synthetic_year_has_a_summer_dip_and_flows(tmp_path):
    root = tmp_path / "synt"
    for args in (("synth", "--invanare", "4000", "--out", str(root), "--tyst"),
                 ("compute", "2024", "--project", str(root), "--tyst", "--utan-rapport"),
                 ("uppfoljning", "2024", "--project", str(root), "--tyst")):
        result = run(*args)
        assert result.exit_code == 0, result.output
    months = pl.read_parquet(root / "ut" / "uppfoljning_2024" / "manad_insats.parquet")
    hours = dict(months.filter(pl.col("insats") == "hemtjanst").select("manad", "volym").rows())
    assert hours[7] < Decimal("0.9") * hours[3] and hours[12] > hours[7]  # July: March, December
    flows = pl.read_parquet(root / "ut" / "uppfoljning_2024" / "floden_manad.parquet")
    placed = flows.filter(pl.col("insats").is_in(["sabo", "hvb_barn", "familjehem"]))
    assert placed["nya"].sum() > 0 and placed["avslutade"].sum() > 0
    insats = pl.read_parquet(root / "ut" / "2024" / "insats.parquet")
    assert months["kostnad"].sum() == insats["kostnad"].sum()
