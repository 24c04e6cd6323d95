"""`kpb sql` reads the results and nothing else: no key file, no COPY, no writes."""

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from kpb.cli import main

from builders import copy_fixture

FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("sql") / "exempelkommun"
    copy_fixture(FIXTURES / "exempelkommun", target)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("KPB_PSEUDONYM_NYCKEL", raising=False)  # a key file to try to read
        result = run("compute", "2024", "-p", str(target), "-q")
    assert result.exit_code == 0, result.output
    return target


def sql(project: Path, query: str):
    return run("sql", query, "-p", str(project), "--csv", "--csv-format", "standard")


def rows_of(project: Path, table: str) -> int:
    with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_views_and_tables_answer_each_year_once(project):
    result = sql(project, "select (select count(*) from brukare) as b, "
                          "(select count(*) from ledger) as l")
    assert result.exit_code == 0, result.output
    persons = len(set(__import__("polars").read_parquet(
        project / "ut/2024/brukare.parquet")["person_id"]))
    assert result.output.splitlines()[1] == f"{persons},{rows_of(project, 'ledger')}"


def test_comments_describe_the_views(project):
    result = sql(project, "select comment from duckdb_views() where view_name = 'brukare' "
                          "and comment is not null")
    assert result.exit_code == 0 and "brukare" in result.output.lower()


@pytest.mark.parametrize("query, expected", [
    ("select hex(content) from read_blob('kpb.key')", "läsa eller skriva filer"),
    ("select * from read_blob('{root}/kpb.key')", "läsa eller skriva filer"),
    ("select * from read_csv('/etc/passwd')", "läsa eller skriva filer"),
    ("select * from read_csv('{root}/data/2024/direkt/hvb_fakturor_2024.csv')",
     "läsa eller skriva filer"),
    ("select * from glob('{root}/*')", "läsa eller skriva filer"),
    ("copy ledger to '{root}/ut/2024/brukare.parquet'", "en COPY-sats"),
    ("copy (select 1) to 'ut.csv'", "en COPY-sats"),
    ("attach '{root}/annan.duckdb'", "en ATTACH-sats"),
    ("install httpfs", "en LOAD-sats"),
    ("load httpfs", "en LOAD-sats"),
    ("delete from ledger", "en DELETE-sats"),
    ("drop table ledger", "en DROP-sats"),
    ("create table x as select 1", "en CREATE-sats"),
    ("update ledger set belopp = 0", "en UPDATE-sats"),
    ("set enable_external_access = true", "en SET-sats"),
    ("export database '{root}/ut'", "en EXPORT-sats"),
    ("select 1; delete from ledger", "fann 2 satser"),
])
def test_reading_files_and_writing_are_refused(project, query, expected):
    before = rows_of(project, "ledger")
    result = sql(project, query.replace("{root}", str(project)))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert result.output.startswith("kpb sql: ") and expected in result.output
    assert rows_of(project, "ledger") == before
    assert not (project / "ut.csv").exists() and not (project / "annan.duckdb").exists()
    assert sorted(p.name for p in (project / "ut").iterdir()) == ["2024"]


def test_a_project_without_results_says_so(tmp_path):
    (tmp_path / "kpb.toml").write_text('kommun = "Tomby"\n')
    result = sql(tmp_path, "select 1")
    assert result.exit_code == 1 and "kpb.duckdb finns inte" in result.output
    assert not (tmp_path / "kpb.duckdb").exists()
