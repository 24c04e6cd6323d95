"""`kpb check` and `kpb load` through the CLI: the summary, and each broken input's error."""

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).parents[1] / "fixtures"
BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir() if (p / "fel.txt").is_file())
ENV = {"KPB_PSEUDONYM_NYCKEL": TEST_KEY}


def copy(source: Path, tmp: Path) -> Path:
    target = tmp / source.name
    copy_fixture(source, target)
    return target


def test_check_prints_the_summary(tmp_path):
    project = copy(FIXTURES / "exempelkommun", tmp_path)
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(project), "-q"], env=ENV)
    assert result.exit_code == 0, result.output
    for heading in ("Inläst", "Huvudbok per kontoklass", "Brukare", "Periodtäckning",
                    "Varningar", "alla 12 månader"):
        assert heading in result.output
    assert not (project / "kpb.duckdb").exists()  # check writes nothing
    assert CliRunner().invoke(main, ["load", "2024", "-p", str(project), "-q"], env=ENV).exit_code == 0
    with duckdb.connect(str(project / "kpb.duckdb")) as con:
        persons = con.execute("select count(*) from person where ar = 2024").fetchone()[0]
        ledger_rows = con.execute("select count(*) from ledger where ar = 2024").fetchone()[0]
    assert f"personer  {persons}" in result.output.replace("   ", "  ")
    assert f"{ledger_rows:,}".replace(",", " ") in result.output


def test_load_twice_replaces_the_year(tmp_path):
    project = copy(FIXTURES / "lillby", tmp_path)
    for _ in range(2):
        assert CliRunner().invoke(main, ["load", "2024", "-p", str(project), "-q"],
                                  env=ENV).exit_code == 0
    with duckdb.connect(str(project / "kpb.duckdb")) as con:
        total = con.execute("select sum(belopp_ore) from ledger where ar = 2024").fetchone()[0]
    assert total == 682_000_000  # 6 820 000 kr once, not twice


@pytest.mark.parametrize("defect", BROKEN)
def test_broken_input_gives_its_error_and_writes_nothing(defect, tmp_path):
    project = copy(FIXTURES / "broken" / defect, tmp_path)
    expected = (project / "fel.txt").read_text(encoding="utf-8").strip()
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(project), "-q"], env=ENV)
    assert result.exit_code == 1
    assert expected in result.output
    assert "Inget har skrivits" in result.output
    assert not (project / "kpb.duckdb").exists()


def test_missing_project_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(tmp_path / "finns_inte")])
    assert result.exit_code != 0
    assert "finns_inte" in result.output


def test_check_shows_rules_warnings(tmp_path):
    project = copy(FIXTURES / "lillby", tmp_path)
    rules = project / "regler" / "2024.toml"
    # a pool after the catch-all fee pool that can never match: a warning, not an error
    rules.write_text(rules.read_text(encoding="utf-8") + '\n[[pool]]\nnamn = "aldrig"\n'
                     'typ = "exkludera"\norsak = "test"\nkonto = ["31*"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(project), "-q"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "aldrig" in result.output.split("Varningar")[1]
