"""The check stage's contract decisions (formats.md): case-system codes onto the catalogue,
repeated key rows summed, implausible values told, all found in one pass."""

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpb.allocate import allocate
from kpb.allocate.inputs import input_tables
from kpb.check import check_inputs
from kpb.cli import main
from kpb.errors import KpbError
from kpb.rules import parse_rules

from builders import TEST_KEY, copy_fixture

D = dt.date
KEY = TEST_KEY
LILLBY = Path(__file__).resolve().parents[1] / "fixtures" / "lillby"
CATALOGUE = """
ar = 2024
[insatser]
sabo = { enhet = "dygn", omrade = "ÄO", namn = "Särskilt boende", koder = ["SÄBO", "Korttid SÄBO"] }
hemtjanst = { enhet = "timmar", omrade = "ÄO" }
[[pool]]
namn = "sabo"
ansvar = ["300"]
insats = "sabo"
[[pool]]
namn = "hemtjanst"
ansvar = ["200"]
insats = "hemtjanst"
"""


def rules(text=CATALOGUE):
    return parse_rules(text, 2024, "regler/2024.toml")


def cost(ansvar, ore):
    return {"konto": "5010", "ansvar": ansvar, "belopp_ore": ore}


def test_case_system_codes_count_as_their_catalogue_insats_with_its_name():
    tables = input_tables(
        ledger=[cost("300", 31_000), cost("200", 100)],
        aktivitet=[{"person_id": "A", "insats": "SÄBO", "from": D(2024, 1, 1), "tom": D(2024, 1, 10)},
                   {"person_id": "B", "insats": "Korttid SÄBO", "from": D(2024, 2, 1), "tom": D(2024, 2, 21)},
                   {"person_id": "C", "insats": "hemtjanst", "from": D(2024, 2, 1), "timmar_milli": 1000}])
    result = allocate(tables, rules(), 2024)
    costs = dict(result.brukare.select("person_id", "kostnad_ore").iter_rows())
    assert costs == {"A": 10_000, "B": 21_000, "C": 100}  # 31 000 öre over 10 + 21 dygn
    assert result.insats.filter(insats="sabo").select("namn", "volym_milli").row(0) == (
        "Särskilt boende", 31_000)
    assert result.warnings == []


@pytest.mark.parametrize("koder,message", [
    ('["hemtjanst"]', "koden 'hemtjanst' är själv en insats"),
    ('"SÄBO"', "väntade en lista med koder"),
])
def test_a_code_must_map_onto_one_insats(koder, message):
    text = CATALOGUE.replace('koder = ["SÄBO", "Korttid SÄBO"]', f"koder = {koder}")
    with pytest.raises(KpbError) as raised:
        rules(text)
    assert message in str(raised.value.errors[0])
    assert raised.value.errors[0].column.startswith("insatser.sabo.koder")


def test_repeated_key_rows_for_one_receiver_are_summed():
    text = CATALOGUE + """
[[pool]]
namn = "lokal"
ansvar = ["110"]
typ = "gemensam"
nyckel = { fil = "yta" }
"""
    tables = input_tables(
        ledger=[cost("300", 0), cost("200", 0), cost("110", 1000)],
        aktivitet=[{"person_id": "A", "insats": "sabo", "from": D(2024, 1, 1), "tom": D(2024, 1, 1)},
                   {"person_id": "A", "insats": "hemtjanst", "from": D(2024, 1, 1), "timmar_milli": 1}],
        nycklar=[{"nyckel": "yta", "mottagare": "sabo", "varde": "100.5"},
                 {"nyckel": "yta", "mottagare": "sabo", "varde": "199.5"},
                 {"nyckel": "yta", "mottagare": "hemtjanst", "varde": "100"}])
    checked = check_inputs(tables, rules(text), 2024)
    assert [(s.mottagare, s.text) for s in checked.weights["lokal"]] == [("sabo", "300"),
                                                                          ("hemtjanst", "100")]
    result = allocate(tables, rules(text), 2024)
    assert dict(result.pool.select("pool", "erhallen_gemensam_ore").iter_rows()) == {
        "sabo": 750, "hemtjanst": 250, "lokal": 0}


def test_implausible_ages_and_hours_are_told_with_pseudonyms_only():
    tables = input_tables(
        ledger=[cost("300", 100), cost("200", 100)],
        aktivitet=[{"person_id": "A", "insats": "hemtjanst", "from": D(2024, 3, 1), "timmar_milli": 20_000},
                   {"person_id": "A", "insats": "hemtjanst", "from": D(2024, 3, 1), "timmar_milli": 5_000},
                   {"person_id": "B", "insats": "sabo", "from": D(2024, 1, 1)}],
        person=[{"person_id": "A", "kon": "K", "fodelsear": 2030, "alder": -6, "aldersgrupp": "okänd"},
                {"person_id": "B", "kon": "M", "fodelsear": 1839, "alder": 185, "aldersgrupp": "80+"}])
    checked = check_inputs(tables, rules(), 2024)
    told = {p.kind: str(p) for p in checked.warnings}
    assert "2 brukare har en ålder under 0 eller över 120 år" in told["orimliga värden"]
    assert "A (-6 år), B (185 år)" in told["orimliga värden"]
    assert any("mer än 24 timmar insats 'hemtjanst' samma dag (högst 25 timmar)" in str(p)
               for p in checked.warnings)


def test_check_lists_warnings_per_kind_and_caps_the_list(tmp_path):
    root = tmp_path / "lillby"
    copy_fixture(LILLBY, root)
    larm = root / "data/2024/aktivitet/larm.csv"
    rows = "".join(f"19390314-2713;kod{i};2024-03-01;;;;;\n" for i in range(60))
    larm.write_text(larm.read_text(encoding="utf-8") + rows, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"],
                                env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 0, result.output
    assert "okända insatskoder  60" in result.output
    assert "… och 10 fler" in result.output
    assert result.output.count("okänd insatskod 'kod") == 50
