"""A broken data/<year>/befolkning.csv passed `kpb check` (exit 0) while
`kpb compute` wrote the results and then failed at the report (exit 1). Check must refuse
it, and compute must refuse it before anything is written."""

from pathlib import Path

from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = TEST_KEY


def test_check_refuses_a_population_file_compute_would_refuse(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    copy_fixture(FIXTURES / "exempelkommun", root)
    population = root / "data/2024/befolkning.csv"
    lines = population.read_text(encoding="utf-8").splitlines()
    lines[6] = "5;-3"
    population.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "2024", "--project", str(root), "-q"])
    computed = runner.invoke(main, ["compute", "2024", "--project", str(root), "-q"])
    assert checked.exit_code == 1, checked.output
    assert "befolkning.csv:7: antal: fann '-3'" in checked.output
    assert computed.exit_code == 1 and "befolkning.csv:7" in computed.output
    assert not (root / "ut" / "2024").exists() and not (root / "kpb.duckdb").exists()
