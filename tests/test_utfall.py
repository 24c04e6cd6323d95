"""Arbetsmarknad outcomes (utfall_insats, utfall_deltagare) worked by hand, through the CLI.

AMI costs 12 000 kr over 4 deltagardagar: Adam 2 (6 000), Bertil 1 (3 000), Carl 1 (3 000).
utfall/: Adam at Jobbcentrum 2024-02-01 → 2024-09-15, "Arbete"; Bertil at Jobbcentrum
2024-03-01 → 2024-05-31, "Avbrutit"; Carl at Steg till arbete from 2024-06-10, still there;
David's row ended in 2023 (not a participant in 2024).

Jobbcentrum: 2 deltagare, 2 avslut, 1 to arbete (share 0.5); cost 9 000 kr: 4 500 per
deltagare, 4 500 per avslut, 9 000 per avslut to arbete or studier. Steg till arbete: 1
deltagare, no avslut, 3 000 kr (per avslut: none).

Bistånd (payments of 2024 only; the months of each window inside 2024 are the covered ones):
Adam before his February start: August 2023–January 2024, 1 month covered, 1 000 kr in
January; after his September avslut: October 2024–March 2025, 3 covered, 500 kr in November.
Bertil before March: 2 covered (Jan, Feb), nothing; after May: June–November, 6 covered,
700 kr in June. Carl before June: December 2023–May 2024, 5 covered, nothing.
"""

from decimal import Decimal
from pathlib import Path

import polars as pl
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main
from kpb.load.pseudonym import person_id

KEY = TEST_KEY
ADAM, BERTIL, CARL, DAVID = "640823-3234", "811218-9876", "701063-2391", "850101-1236"

SETTINGS = """
[utfall.avslutsorsak]
arbete = ["Arbete"]
studier = ["Studier"]
avbrott = ["Avbrutit"]
"""

RULES = """
ar = 2024
[insatser]
ami                = { enhet = "antal",  omrade = "AMI" }
ekonomiskt_bistand = { enhet = "kronor", omrade = "EB" }

[[pool]]
namn = "ami"
ansvar = ["900"]
insats = "ami"

[[pool]]
namn = "eb"
typ = "direkt"
ansvar = ["820"]
insats = "ekonomiskt_bistand"
"""

FILES = {
    "data/2024/ledger/hb.csv": "period;konto;ansvar;belopp\n202401;5011;900;12000,00\n"
                               "202401;4710;820;2200,00\n",
    "data/2024/aktivitet/a.csv": f"person;insats;from;antal;utforare\n"
                                 f"{ADAM};ami;2024-03-01;2;Jobbcentrum\n"
                                 f"{BERTIL};ami;2024-04-01;1;Jobbcentrum\n"
                                 f"{CARL};ami;2024-07-01;1;Steg till arbete\n",
    "data/2024/direkt/eb.csv": f"person;insats;period;belopp\n{ADAM};ekonomiskt_bistand;202401;1000\n"
                               f"{ADAM};ekonomiskt_bistand;202411;500\n"
                               f"{BERTIL};ekonomiskt_bistand;202406;700\n",
    "data/2024/utfall/u.csv": "Personnummer;Insats;Utförare;Start;Avslut;Orsak\n"
                              f"{ADAM};ami;Jobbcentrum;2024-02-01;2024-09-15;Arbete\n"
                              f"{BERTIL};ami;Jobbcentrum;2024-03-01;2024-05-31;Avbrutit\n"
                              f"{CARL};ami;Steg till arbete;2024-06-10;;\n"
                              f"{DAVID};ami;Jobbcentrum;2023-01-01;2023-12-31;Arbete\n",
}
MAPPING = ('[kalla.utfall]\nkolumner = { person = "Personnummer", insats = "Insats", '
           'utforare = "Utförare", start = "Start", avslut = "Avslut", avslutsorsak = "Orsak" }\n')


def compute(root: Path, files: dict, settings: str = SETTINGS):
    files = {"kpb.toml": 'kommun = "Testby"\n' + MAPPING + settings, "regler/2024.toml": RULES,
             **files}
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        encoding = "cp1252" if relative.startswith("data/") else "utf-8"  # exports: Windows
        (root / relative).write_bytes(text.encode(encoding))
    return CliRunner().invoke(main, ["compute", "2024", "--project", str(root), "--tyst"],
                              env={"KPB_PSEUDONYM_NYCKEL": KEY})


def read(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / "2024" / f"{name}.parquet")


def test_cost_per_avslut_to_work_or_studies_by_hand(tmp_path):
    result = compute(tmp_path, FILES)
    assert result.exit_code == 0, result.output
    table = {r["utforare"]: r for r in read(tmp_path, "utfall_insats").iter_rows(named=True)}
    jobb, steg = table["Jobbcentrum"], table["Steg till arbete"]
    assert (jobb["deltagare"], jobb["avslut"], jobb["avslut_arbete"], jobb["avslut_avbrott"],
            jobb["avslut_arbete_eller_studier"]) == (2, 2, 1, 1, 1)
    assert jobb["andel_arbete_eller_studier"] == Decimal("0.5000")
    assert (jobb["kostnad"], jobb["kostnad_per_deltagare"], jobb["kostnad_per_avslut"],
            jobb["kostnad_per_avslut_arbete_eller_studier"]) == (
        Decimal("9000.00"), Decimal("4500.00"), Decimal("4500.00"), Decimal("9000.00"))
    assert (steg["deltagare"], steg["avslut"], steg["kostnad"]) == (1, 0, Decimal("3000.00"))
    assert steg["kostnad_per_avslut"] is None and steg["andel_arbete_eller_studier"] is None
    # the summary kpb compute prints: 12 000 kr over the one avslut to arbete
    assert "deltagare   3 i arbetsmarknadsinsatser" in result.output
    assert "avslut      2, varav 1 till arbete eller studier (50,0 %)" in result.output
    assert "per avslut  12 000,00 kr per avslut till arbete eller studier" in result.output


def test_bistand_before_and_after_with_coverage_by_hand(tmp_path):
    assert compute(tmp_path, FILES).exit_code == 0
    table = {r["utforare"]: r for r in read(tmp_path, "utfall_insats").iter_rows(named=True)}
    jobb, steg = table["Jobbcentrum"], table["Steg till arbete"]
    assert (jobb["deltagare_med_bistand_fore"], jobb["bistand_fore"],
            jobb["manader_med_bistand_fore"], jobb["tackta_manader_fore"]) == (
        1, Decimal("1000.00"), 1, 3)
    assert (jobb["deltagare_med_bistand_efter"], jobb["bistand_efter"],
            jobb["manader_med_bistand_efter"], jobb["tackta_manader_efter"]) == (
        2, Decimal("1200.00"), 2, 9)
    assert (steg["tackta_manader_fore"], steg["tackta_manader_efter"]) == (5, 0)
    people = read(tmp_path, "utfall_deltagare")
    adam = people.filter(pl.col("person_id") == person_id(KEY.encode(), "196408233234"))
    assert adam.select("kategori", "tackta_manader_fore", "tackta_manader_efter").row(0) == (
        "arbete", 1, 3)
    assert people.height == 3  # David's row ended in 2023


def test_an_unlisted_avslutsorsak_is_an_error_at_its_line(tmp_path):
    files = dict(FILES)
    files["data/2024/utfall/u.csv"] += f"{DAVID};ami;Jobbcentrum;2024-01-10;2024-04-30;Pension\n"
    result = compute(tmp_path, files)
    assert result.exit_code == 1
    assert ("data/2024/utfall/u.csv:6: avslutsorsak: fann 'Pension', väntade en avslutsorsak "
            "som står i kpb.toml [utfall.avslutsorsak]") in result.output
    assert not (tmp_path / "ut" / "2024").exists()
    checked = CliRunner().invoke(main, ["check", "2024", "--project", str(tmp_path)],
                                 env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert checked.exit_code == 1 and "u.csv:6: avslutsorsak: fann 'Pension'" in checked.output


def test_avslut_before_start_and_bad_personnummer_are_load_errors(tmp_path):
    files = dict(FILES)
    files["data/2024/utfall/u.csv"] += ("640823-3235;ami;Jobbcentrum;2024-01-10;;\n"
                                        f"{DAVID};ami;Jobbcentrum;2024-05-10;2024-04-30;Arbete\n")
    result = compute(tmp_path, files)
    assert result.exit_code == 1
    assert ("u.csv:6: Personnummer: fann 640823-****: kontrollsiffran stämmer inte (Luhn)"
            in result.output)
    assert "u.csv:7: Avslut: fann '2024-04-30': avslut är före start 2024-05-10" in result.output
    assert "640823-3235" not in result.output


def test_without_an_utfall_folder_the_tables_are_empty(tmp_path):
    files = {k: v for k, v in FILES.items() if "utfall" not in k}
    assert compute(tmp_path, files).exit_code == 0
    assert read(tmp_path, "utfall_insats").height == 0
    assert read(tmp_path, "utfall_deltagare").height == 0


def test_an_insats_outside_the_catalogue_is_left_out_with_a_warning(tmp_path):
    files = dict(FILES)
    files["data/2024/utfall/u.csv"] += (f"{DAVID};extratjanst;Jobbcentrum;2024-01-10;;\n"
                                        f"{DAVID};extratjanst;Jobbcentrum;2024-02-10;;\n")
    result = compute(tmp_path, files)
    assert result.exit_code == 0, result.output
    assert ("data/2024/utfall/u.csv:6: varning: insats: insatskoden 'extratjanst' står inte i "
            "reglernas katalog ([insatser]): 2 rader utan kostnad i KPB lästes inte") in result.output
    assert set(read(tmp_path, "utfall_deltagare")["insats"]) == {"ami"}
