"""Several years in one project never mix by accident: the plain view and table names show one
year (the latest computed, or `--ar`), `<name>_alla_ar` every year."""

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from kpb import api
from kpb.cli import main



@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> Path:
    """A small synthetic municipality with 2024 and 2022, the earlier year computed last
    ("latest" means the latest year, not the latest run)."""
    root = tmp_path_factory.mktemp("ar") / "kommun"
    for year in (2024, 2022):
        api.synth(root, 1000, year=year)
    for year in ("2024", "2022"):
        result = CliRunner().invoke(main, ["compute", year, "-p", str(root), "-q"])
        assert result.exit_code == 0, result.output
    return root


def count(root, query, year=None):
    return api.sql(root, query, year).rows()


def test_plain_names_show_the_latest_year_and_alla_ar_every_year(two_years):
    persons = count(two_years, "select count(*) from brukare")[0][0]
    assert count(two_years, "select distinct ar from brukare") == [(2024,)]
    assert sorted(count(two_years, "select distinct ar from brukare_alla_ar")) == [(2022,), (2024,)]
    assert count(two_years, "select count(*) from brukare_alla_ar")[0][0] >= persons
    assert count(two_years, "select distinct ar from ledger") == [(2024,)]
    assert sorted(count(two_years, "select distinct ar from ledger_alla_ar")) == [(2022,), (2024,)]


def test_ar_chooses_the_year_through_the_cli(two_years):
    result = CliRunner().invoke(main, ["sql", "select distinct ar from insats", "--ar", "2022",
                                       "-p", str(two_years)])
    assert result.exit_code == 0, result.output
    assert "2022" in result.output and "2024" not in result.output
    missing = CliRunner().invoke(main, ["sql", "select 1", "--ar", "2019", "-p", str(two_years)])
    assert missing.exit_code == 1
    assert "år 2019 är inte beräknat" in missing.output and "2022, 2024" in missing.output


def test_the_database_file_itself_has_the_latest_year_and_all_years(two_years):
    with duckdb.connect(str(two_years / "kpb.duckdb"), read_only=True) as con:
        assert con.execute("select distinct ar from pool").fetchall() == [(2024,)]
        years = con.execute("select distinct ar from pool_alla_ar order by 1").fetchall()
        comment = con.execute("select comment from duckdb_columns() where table_name = "
                              "'pool_alla_ar' and column_name = 'ofordelat'").fetchone()[0]
    assert years == [(2022,), (2024,)]
    assert "brukare" in comment
