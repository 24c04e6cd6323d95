"""A results folder changed by hand, and a comparison whose year was computed again, are
named: `kpb rapport` refuses edited or missing outputs (a report of them would contradict the
manifest), and `kpb sql` says which folders no longer are what their run wrote."""

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from kpb.cli import main

from builders import copy_fixture

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"


def computed(tmp_path: Path, *years: str) -> Path:
    root = tmp_path / "exempelkommun"
    copy_fixture(EXAMPLE, root)
    for year in years:
        assert kpb("compute", year, "-p", str(root), "-q").exit_code == 0
    return root


def kpb(*arguments: str):
    return CliRunner().invoke(main, list(arguments))


def test_the_manifest_records_every_output_the_run_wrote(tmp_path):
    root = computed(tmp_path, "2024")
    recorded = json.loads((root / "ut/2024/manifest.json").read_text(encoding="utf-8"))["utdata"]
    assert set(recorded) == {p.name for p in (root / "ut/2024").glob("*.parquet")}


def test_rapport_refuses_an_output_edited_by_hand_and_names_it(tmp_path):
    root = computed(tmp_path, "2024")
    report = (root / "ut/2024/rapport.html").read_bytes()
    brukare = root / "ut/2024/brukare.parquet"
    brukare.write_bytes(brukare.read_bytes()[:-200] + bytes(200))  # edited in place
    result = kpb("rapport", "2024", "-p", str(root), "-q")
    assert result.exit_code == 1
    assert "brukare.parquet har ändrats efter körningen" in result.output
    assert (root / "ut/2024/rapport.html").read_bytes() == report  # the old report stays


def test_rapport_refuses_a_missing_output_instead_of_leaving_its_sheet_out(tmp_path):
    root = computed(tmp_path, "2024")
    (root / "ut/2024/hushall.parquet").unlink()
    result = kpb("rapport", "2024", "-p", str(root), "-q")
    assert result.exit_code == 1 and "hushall.parquet saknas" in result.output


def test_sql_names_an_output_replaced_by_hand(tmp_path):
    root = computed(tmp_path, "2024")
    pool = root / "ut/2024/pool.parquet"
    edited = pl.read_parquet(pool).with_columns(pl.col("pool").str.to_uppercase())
    edited.write_parquet(pool)  # the same columns, other values: as an edit in a tool would
    result = CliRunner().invoke(main, ["sql", "select 1 as x", "-p", str(root)])
    assert result.exit_code == 0
    assert "ut/2024/pool.parquet har ändrats efter körningen" in result.output


def test_sql_names_a_comparison_whose_year_was_computed_again(tmp_path):
    root = computed(tmp_path, "2022", "2024")
    assert kpb("jamfor", "2022", "2024", "-p", str(root), "-q").exit_code == 0
    fresh = CliRunner().invoke(main, ["sql", "select 1 as x", "-p", str(root)])
    assert "inaktuell" not in fresh.output
    ledger = root / "data/2024/ledger/huvudbok_2024_vard_och_omsorg.csv"
    lines = ledger.read_bytes().split(b"\n")
    personnel = next(i for i, line in enumerate(lines) if line.split(b";")[1:2] == [b"5011"])
    lines.insert(personnel, lines[personnel])  # one personnel cost booked twice
    ledger.write_bytes(b"\n".join(lines))
    assert kpb("compute", "2024", "-p", str(root), "-q").exit_code == 0
    stale = CliRunner().invoke(main, ["sql", "select 1 as x", "-p", str(root)])
    assert "ut/jamfor_2022_2024 är inaktuell" in stale.output
    assert "kpb jamfor 2022 2024" in stale.output


def test_a_year_written_before_a_column_existed_still_answers_sql(tmp_path):
    root = computed(tmp_path, "2024")
    insats = root / "ut/2024/insats.parquet"
    pl.read_parquet(insats).drop("rapportenhet", "rapportvolym").write_parquet(insats)
    result = CliRunner().invoke(main, ["sql", "select count(*) as n from insats", "-p",
                                       str(root), "--csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].strip() == str(pl.read_parquet(insats).height)
