"""Without regler/<year>.toml `kpb check` said "Varningar antal 0" and
exited 0, and `kpb compute` then refused to run. Check still checks the exports alone (a new
project has data before rules) but now says, as a warning, that the rules were not checked
and compute needs them; --strikt refuses."""

from pathlib import Path

from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = TEST_KEY


def test_check_without_rules_warns_that_compute_would_refuse(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    copy_fixture(FIXTURES / "lillby", root)
    (root / "regler/2024.toml").unlink()
    runner = CliRunner()
    checked = runner.invoke(main, ["check", "2024", "--project", str(root), "-q"])
    strict = runner.invoke(main, ["check", "2024", "--project", str(root), "-q", "--strikt"])
    computed = runner.invoke(main, ["compute", "2024", "--project", str(root), "-q"])
    assert checked.exit_code == 0
    assert "regler/2024.toml: varning: regelfilen saknas" in checked.output
    assert "`kpb compute 2024` kräver den" in checked.output
    assert strict.exit_code == 1 and "regelfilen saknas" in strict.output
    assert computed.exit_code == 1
