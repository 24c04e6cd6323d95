"""A yearly kontoutfall without a period column: refused with the setting that reads it, and
read as the whole year's rows with `[kalla.ledger] period = "helar"` (formats.md §2.1)."""

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from kpb.cli import main

from builders import copy_fixture

LILLBY = Path(__file__).resolve().parents[1] / "fixtures" / "lillby"


def yearly_lillby(tmp_path: Path) -> Path:
    """Lillby with its monthly ledger summed to one row per konto/ansvar/verksamhet and the
    period column dropped, as a yearly export from the ekonomisystem looks."""
    root = tmp_path / "lillby"
    copy_fixture(LILLBY, root)
    ledger = root / "data/2024/ledger/huvudbok.csv"
    monthly = pl.read_csv(ledger, separator=";", decimal_comma=True,
                          schema_overrides={"konto": pl.Utf8, "ansvar": pl.Utf8,
                                            "verksamhet": pl.Utf8, "belopp": pl.Utf8})
    yearly = (monthly.with_columns(ore=pl.col("belopp").str.replace(",", "").cast(pl.Int64))
              .group_by("konto", "ansvar", "verksamhet", maintain_order=True)
              .agg(pl.col("ore").sum()))
    lines = ["konto;ansvar;verksamhet;belopp"] + [
        f"{k};{a};{v};{o // 100},{o % 100:02d}" if o >= 0 else f"{k};{a};{v};-{-o // 100},{-o % 100:02d}"
        for k, a, v, o in yearly.iter_rows()]
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_a_yearly_export_without_period_says_how_to_read_it(tmp_path):
    root = yearly_lillby(tmp_path)
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"])
    assert result.exit_code == 1
    assert "data/2024/ledger/huvudbok.csv:1: period: kolumnen saknas" in result.output
    assert 'period = "helar" under [kalla.ledger] i kpb.toml' in result.output


def test_period_helar_reads_it_as_the_whole_year_with_the_same_costs(tmp_path):
    monthly = tmp_path / "manad"
    copy_fixture(LILLBY, monthly)
    root = yearly_lillby(tmp_path)
    settings = root / "kpb.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[kalla.ledger]\n", '[kalla.ledger]\nperiod = "helar"\n'), encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"])
    assert checked.exit_code == 0, checked.output
    assert "helårsbelopp utan period" in checked.output
    for project in (root, monthly):
        assert CliRunner().invoke(main, ["compute", "2024", "-p", str(project), "-q",
                                         "--utan-rapport"]).exit_code == 0
    costs = [pl.read_parquet(p / "ut/2024/brukare.parquet").select("person_id", "kostnad")
             for p in (root, monthly)]
    assert costs[0].equals(costs[1])  # the same person costs to the öre
