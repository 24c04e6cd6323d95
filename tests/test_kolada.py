"""Kolada values beside kpb's own figures (kolada.parquet), worked by hand, through the CLI.

AMI costs 30 000 kr on its two participants in a kommun of 150 invånare: 200 kr/inv. HVB
vuxna: 36 000 kr over 10 dygn: 3 600 kr/dygn. The Kolada file (Windows-1252, decimal comma,
Kolada's own headers) gives Testby, Grannby and a mean of similar municipalities.
"""

from decimal import Decimal
from pathlib import Path

import polars as pl
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main

RULES = """
ar = 2024
[insatser]
ami       = { enhet = "antal", omrade = "AMI" }
hvb_vuxna = { enhet = "dygn",  omrade = "VUX" }

[[pool]]
namn = "ami"
ansvar = ["900"]
insats = "ami"

[[pool]]
namn = "hvb"
ansvar = ["720"]
insats = "hvb_vuxna"
"""

SETTINGS = """kommun = "Testby"
invanare = 150
[kolada.nyckeltal]
N1 = "kostnad_per_invanare:AMI"
N2 = "styckkostnad:hvb_vuxna"
"""

KOLADA = ("KPI;Kommun;År;Värde;Kön\r\nN1;Testby;2024;210,5;T\r\nN1;Grannby;2024;334;T\r\n"
          "N1;Testby;2022;190;T\r\nN2;Liknande kommuner;2024;3 895,25;T\r\n"
          "N2;Liknande kommuner;2024;3 700;K\r\n")

FILES = {
    "data/2024/ledger/hb.csv": "period;konto;ansvar;belopp\n202401;5011;900;30000\n"
                               "202401;4540;720;36000\n",
    "data/2024/aktivitet/a.csv": "person;insats;from;tom;antal\n"
                                 "640823-3234;ami;2024-03-01;;1\n811218-9876;ami;2024-04-01;;2\n"
                                 "701063-2391;hvb_vuxna;2024-05-01;2024-05-10;\n",
}


def compute(root: Path, kolada: str = KOLADA, settings: str = SETTINGS):
    files = {"kpb.toml": settings, "regler/2024.toml": RULES, **FILES}
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    (root / "kolada").mkdir()
    (root / "kolada" / "export.csv").write_bytes(kolada.encode("cp1252"))
    return CliRunner().invoke(main, ["compute", "2024", "--project", str(root), "--tyst"],
                              env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def test_kolada_values_beside_kpb_figures_by_hand(tmp_path):
    result = compute(tmp_path)
    assert result.exit_code == 0, result.output
    table = pl.read_parquet(tmp_path / "ut" / "2024" / "kolada.parquet")
    rows = table.select("kpi", "nyckeltal", "kommun", "egen_kommun", "kpb_varde",
                        "kolada_varde").rows()
    assert rows == [
        ("N1", "kostnad_per_invanare:AMI", "Testby", True, Decimal("200.0000"), Decimal("210.5000")),
        ("N1", "kostnad_per_invanare:AMI", "Grannby", False, Decimal("200.0000"), Decimal("334.0000")),
        ("N2", "styckkostnad:hvb_vuxna", "Liknande kommuner", False, Decimal("3600.0000"),
         Decimal("3895.2500")),
    ]


def test_a_bad_kolada_value_is_an_error_at_its_line(tmp_path):
    result = compute(tmp_path, KOLADA + "N1;Åstad;2024;saknas;T\r\n")
    assert result.exit_code == 1
    assert "kolada/export.csv:7: Värde: fann 'saknas': väntade ett tal" in result.output
    assert not (tmp_path / "ut" / "2024").exists()


def test_an_unknown_kpb_figure_is_a_settings_error(tmp_path):
    result = compute(tmp_path, settings=SETTINGS + 'N3 = "kostnad_per_hushall"\n')
    assert result.exit_code == 1
    assert "kpb.toml: kolada.nyckeltal.N3: fann 'kostnad_per_hushall', väntade ett av" in result.output


def test_a_kpi_kpb_does_not_compute_is_named_in_a_warning(tmp_path):
    result = compute(tmp_path, KOLADA + "N9;Testby;2024;12;T\r\n")
    assert result.exit_code == 0, result.output
    assert "nyckeltal som inte står i kpb.toml [kolada.nyckeltal] lästes inte: N9" in result.output
