"""`kpb sql --ar 2022` on a year folder that lacks one output (results of
an older kpb, or a file deleted by hand) answered from the latest year's file: the view stored
in kpb.duckdb showed through, so a 2022 query silently gave 2024 rows."""

from pathlib import Path

from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = TEST_KEY


def test_a_year_without_an_output_shows_no_rows_not_another_years(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    copy_fixture(FIXTURES / "exempelkommun", root)
    runner = CliRunner()
    for year in ("2022", "2024"):
        done = runner.invoke(main, ["compute", year, "--project", str(root), "-q",
                                    "--utan-rapport"])
        assert done.exit_code == 0, done.output
    (root / "ut/2022/hushall.parquet").unlink()
    query = "select count(*) as n from hushall"
    counts = {}
    for year in ("2022", "2024"):
        result = runner.invoke(main, ["sql", "--project", str(root), "--ar", year, query,
                                      "--csv", "--csv-format", "standard"])
        assert result.exit_code == 0, result.output
        counts[year] = int(result.output.strip().splitlines()[-1])
    assert counts["2022"] == 0 and counts["2024"] > 0
