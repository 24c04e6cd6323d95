"""Outputs: exact money conversion, staging and swap, views with comments.

The commit protocol that ties the swap to the stored inputs is tested in test_commit.py."""

import json

import duckdb
import polars as pl
import pytest

from kpb.money import format_sek, format_units
from kpb.write.decimal_columns import to_user_columns
from kpb.write.outputs import OUTPUT_COLUMNS, OUTPUTS, stage_outputs, swap_in
from kpb.write.views import refresh_views


def write_outputs(target, year, frames, manifest):
    swap_in(stage_outputs(target, year, frames, manifest), target)


def frames(amount_ore: int) -> dict[str, pl.DataFrame]:
    """One row per output with the engine's columns: text "x", money and volume given."""
    def value(column):
        if column.endswith("_ore"):
            return amount_ore
        if column == "styckkostnad":
            return "473.8158"
        return 1500500 if column.endswith("_milli") else "x"
    return {name: pl.DataFrame({c: [value(c)] for c in columns})
            for name, columns in OUTPUT_COLUMNS.items()}


def test_money_becomes_exact_decimal():
    frame = pl.DataFrame({"kostnad_ore": [189526316, -5, 0], "volym_milli": [2500500, 1, 0]})
    user = to_user_columns(frame)
    assert user.schema["kostnad"] == pl.Decimal(18, 2)
    assert [str(v) for v in user["kostnad"]] == ["1895263.16", "-0.05", "0.00"]
    assert [str(v) for v in user["volym"]] == ["2500.500", "0.001", "0.000"]


def test_swedish_display():
    assert format_sek(-123456789) == "-1 234 567,89"
    assert format_units(2500500) == "2 500,5"


def test_outputs_replace_previous_year_whole(tmp_path):
    target = tmp_path / "ut" / "2024"
    write_outputs(target, 2024, frames(100), {"run": 1})
    write_outputs(target, 2024, frames(200), {"run": 2})
    result = pl.read_parquet(target / "pool.parquet")
    assert result["ar"].to_list() == [2024]
    assert str(result["ofordelat"][0]) == "2.00"
    assert json.loads((target / "manifest.json").read_text())["run"] == 2
    assert [p.name for p in (tmp_path / "ut").iterdir()] == ["2024"]


def test_failure_mid_write_leaves_previous_results(tmp_path):
    target = tmp_path / "ut" / "2024"
    write_outputs(target, 2024, frames(100), {"run": 1})
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    broken = frames(200)
    del broken["avstamning"]  # the writer fails part way through
    with pytest.raises(KeyError):
        write_outputs(target, 2024, broken, {"run": 2})
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in (tmp_path / "ut").iterdir()] == ["2024"]


def test_two_writes_give_identical_parquet(tmp_path):
    write_outputs(tmp_path / "a", 2024, frames(100), {})
    write_outputs(tmp_path / "b", 2024, frames(100), {})
    for name in OUTPUTS:
        assert (tmp_path / "a" / f"{name}.parquet").read_bytes() == \
            (tmp_path / "b" / f"{name}.parquet").read_bytes()


def test_views_show_the_latest_year_and_alla_ar_every_year_with_comments(tmp_path):
    ut = tmp_path / "ut"
    write_outputs(ut / "2022", 2022, frames(100), {})
    write_outputs(ut / "2024", 2024, frames(300), {})
    with duckdb.connect(str(tmp_path / "kpb.duckdb")) as con:
        assert refresh_views(con, ut) == list(OUTPUTS)
        years = con.sql("select ar, sum(bokfort) from pool_alla_ar group by ar order by ar").fetchall()
        latest = con.sql("select ar, sum(bokfort) from pool group by ar").fetchall()
        comment = con.execute("select comment from duckdb_columns() "
                          "where table_name = 'pool' and column_name = 'ofordelat'").fetchone()
    assert [(y, str(s)) for y, s in years] == [(2022, "1.00"), (2024, "3.00")]
    assert [(y, str(s)) for y, s in latest] == [(2024, "3.00")]
    assert "brukare" in comment[0]


def test_views_skip_the_hidden_folders_a_killed_run_leaves(tmp_path):
    ut = tmp_path / "ut"
    write_outputs(ut / "2024", 2024, frames(300), {})
    for leftover in (".2024.tmp-123", ".2024.old-456"):
        write_outputs(ut / leftover, 2024, frames(300), {})
    write_outputs(ut / ".2023.tmp-9", 2023, frames(100), {})  # a year that never finished
    with duckdb.connect(str(tmp_path / "kpb.duckdb")) as con:
        assert refresh_views(con, ut) == list(OUTPUTS)
        years = con.sql("select ar, count(*), sum(bokfort) from pool group by ar").fetchall()
    assert [(y, n, str(s)) for y, n, s in years] == [(2024, 1, "3.00")]


def test_no_view_over_a_year_that_exists_only_as_leftovers(tmp_path):
    ut = tmp_path / "ut"
    write_outputs(ut / ".2024.old-456", 2024, frames(300), {})
    with duckdb.connect(str(tmp_path / "kpb.duckdb")) as con:
        assert refresh_views(con, ut) == []
