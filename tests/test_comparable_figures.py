"""Every key figure kind a Kolada KPI can be set beside, derived by hand on a small project,
and the check that refuses a KPI set beside a figure of another unit or concept.

Testby 2024 has 200 invånare (befolkning.csv: 50 aged 5, 100 aged 40, 30 aged 70, 20 aged 85,
so 0–20: 50, 21–64: 100, 65+: 50, 80+: 20).

BUF: HVB bought per invoice (direkt, 80 000 kr on ansvar 630 = the invoices), reported per
vårddygn: Cia (14 years old) 1–10 January, 10 vårddygn, 50 000 kr; Dag (22) 1–10 February,
10 vårddygn, 30 000 kr: 80 000 / 20 = 4 000 kr/vårddygn; per invoiced krona 1,0000.
Familjehem (122 000 kr on 640): Eva (12) 1 January–31 March, 91 dygn; Fia (16) July, 31 dygn:
122 000 / 122 = 1 000 kr/dygn.
EB: household H1 = Anna (44), Bo (39) and Kim (9), bistånd to Anna 5 000 kr every month;
household H2 = Lars (34), 4 000 kr January–March, and in April 1 000 kr paid and 1 000 kr
paid back (no month with bistånd). eb_utbetalning: 72 000 kr on 820 = the payments.
AMI: Anna in praktik (avslut "Arbete"), Bo in praktik ("Avbrutit"), Lars in studie
("Studier"), Mona (30) in studie ("Arbete"); the pool splits 20 000 kr 50/50.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from click.testing import CliRunner

from builders import TEST_KEY
from kpb import api
from kpb.analyse.bistand_persons import adult_recipients
from kpb.analyse.kolada import own_figures
from kpb.rules.kolada import catalogue, figure, kolada_mapping_problems
from kpb.cli import main
from kpb.load.population import read_population
from kpb.project import Project
from kpb.rules import read_rules


def pnr(birth: str, serial: str) -> str:
    """A valid personnummer YYMMDD-NNNC (Luhn over YYMMDDNNN)."""
    digits = birth[2:] + serial
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(digits))
    return f"{birth[2:]}-{serial}{(10 - total % 10) % 10}"


CIA, DAG, EVA, FIA = (pnr("20100305", "242"), pnr("20020412", "251"), pnr("20120611", "262"),
                      pnr("20080115", "282"))
ANNA, BO, KIM, LARS, MONA = (pnr("19800202", "302"), pnr("19850303", "311"),
                             pnr("20150707", "322"), pnr("19900909", "331"),
                             pnr("19940101", "342"))

RULES = """
ar = 2024
[insatser]
hvb_barn = { enhet = "kronor", omrade = "BUF", namn = "HVB barn, köpt plats" }
familjehem = { enhet = "dygn", omrade = "BUF" }
ekonomiskt_bistand = { enhet = "kronor", omrade = "EB" }
eb_handlaggning = { enhet = "manader", omrade = "EB" }
praktik = { enhet = "antal", omrade = "AMI" }
studie = { enhet = "antal", omrade = "AMI" }

[[pool]]
namn = "hvb_barn"
typ = "direkt"
ansvar = ["630"]
insats = "hvb_barn"
rapportvolym = { aktivitet = "hvb_placering", enhet = "dygn", namn = "vårddygn" }

[[pool]]
namn = "familjehem"
ansvar = ["640"]
insats = "familjehem"

[[pool]]
namn = "eb_handlaggning"
ansvar = ["810"]
insats = "eb_handlaggning"

[[pool]]
namn = "eb_utbetalning"
typ = "direkt"
ansvar = ["820"]
insats = "ekonomiskt_bistand"

[[pool]]
namn = "ami"
ansvar = ["900"]
fordelning = [ { insats = "praktik", andel = 0.5 }, { insats = "studie", andel = 0.5 } ]
"""

SETTINGS = """kommun = "Testby"
invanare = 200
[kalla.utfall]
kolumner = { avslutsorsak = "Orsak" }
[utfall.avslutsorsak]
arbete = ["Arbete"]
studier = ["Studier"]
avbrott = ["Avbrutit"]
"""

PAYMENTS = "".join(f"{ANNA};ekonomiskt_bistand;2024{m:02d};5000;H1\n" for m in range(1, 13)) + (
    "".join(f"{LARS};ekonomiskt_bistand;2024{m:02d};4000;H2\n" for m in (1, 2, 3))
    + f"{LARS};ekonomiskt_bistand;202404;1000;H2\n{LARS};ekonomiskt_bistand;202404;-1000;H2\n")

FILES = {
    "data/2024/befolkning.csv": "alder;antal\n5;50\n40;100\n70;30\n85;20\n",
    "data/2024/ledger/hb.csv": "period;konto;ansvar;belopp\n202401;4530;630;80000\n"
                               "202401;5011;640;122000\n202401;5011;810;12000\n"
                               "202401;4710;820;72000\n202401;5011;900;20000\n",
    "data/2024/direkt/d.csv": "person;insats;period;belopp;hushall\n"
                              f"{CIA};hvb_barn;202401;50000;\n{DAG};hvb_barn;202402;30000;\n"
                              + PAYMENTS,
    "data/2024/aktivitet/a.csv": (
        "person;insats;from;tom;antal;hushall\n"
        f"{CIA};hvb_placering;2024-01-01;2024-01-10;;\n{DAG};hvb_placering;2024-02-01;2024-02-10;;\n"
        f"{EVA};familjehem;2024-01-01;2024-03-31;;\n{FIA};familjehem;2024-07-01;2024-07-31;;\n"
        f"{ANNA};eb_handlaggning;2024-01-01;2024-12-31;;H1\n"
        f"{BO};eb_handlaggning;2024-01-01;2024-12-31;;H1\n"
        f"{KIM};eb_handlaggning;2024-01-01;2024-12-31;;H1\n"
        f"{LARS};eb_handlaggning;2024-01-01;2024-03-31;;H2\n"
        f"{ANNA};praktik;2024-02-01;;1;\n{BO};praktik;2024-02-01;;1;\n"
        f"{LARS};studie;2024-03-01;;1;\n{MONA};studie;2024-03-01;;1;\n"),
    "data/2024/utfall/u.csv": (
        "person;insats;start;avslut;Orsak\n"
        f"{ANNA};praktik;2024-02-01;2024-06-30;Arbete\n{BO};praktik;2024-02-01;2024-05-31;Avbrutit\n"
        f"{LARS};studie;2024-03-01;2024-08-31;Studier\n{MONA};studie;2024-03-01;2024-09-30;Arbete\n"),
}


def write(root, settings: str = SETTINGS):
    for relative, text in {"kpb.toml": settings, "regler/2024.toml": RULES, **FILES}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def testby(tmp_path_factory):
    """The allocation of Testby, its population and its adult bistånd recipients."""
    root = tmp_path_factory.mktemp("testby")
    write(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)
        result = api.compute(root, 2024)
        tables = api.load(root, 2024).loaded.tables()
    recipients = adult_recipients(tables["aktivitet"], tables["direkt"], tables["person"],
                                  ("ekonomiskt_bistand",))
    population = read_population(Project.open(root), 2024)
    return result.allocation, population, recipients, read_rules(root / "regler/2024.toml", 2024)


def values(testby, *specs: str) -> list[Decimal | None]:
    allocation, population, recipients, _ = testby
    found = own_figures({f"K{i}": s for i, s in enumerate(specs)}, allocation, 200, population,
                        recipients)
    return [found[s] for s in specs]


def test_cost_per_report_unit_and_no_unit_cost_of_kronor(testby):
    # 80 000 kr / 20 vårddygn; the cost per invoiced krona is 1,0000 (a control figure)
    assert values(testby, "kostnad_per_rapportenhet:hvb_barn", "styckkostnad:hvb_barn",
                  "styckkostnad:familjehem") == [Decimal("4000.0000"), Decimal("1.0000"),
                                                 Decimal("1000.0000")]


def test_cost_per_inhabitant_of_an_insats_and_an_omrade_in_age_bands(testby):
    # the insats' whole cost (Dag is 22) over the invånare of the band, as Kolada divides
    assert values(testby, "kostnad_per_invanare:hvb_barn:0-20", "kostnad_per_invanare:hvb_barn",
                  "kostnad_per_invanare:BUF", "kostnad_per_invanare:familjehem:21-64") == [
        Decimal("1600.0000"),      # 80 000 / 50
        Decimal("400.0000"),       # 80 000 / 200
        Decimal("1010.0000"),      # (80 000 + 122 000) / 200
        Decimal("1220.0000")]      # 122 000 / 100


def test_brukare_per_1000_invanare_and_counted_in_an_age_band(testby):
    assert values(testby, "brukare_per_1000_invanare:familjehem:0-20",
                  "antal_brukare:hvb_barn:0-20", "antal_brukare:hvb_barn",
                  "brukare_per_1000_invanare:BUF") == [
        Decimal("40.0000"),   # Eva and Fia × 1 000 / 50
        Decimal("1.0000"),    # Cia; Dag is 22
        Decimal("2.0000"),
        Decimal("20.0000")]   # Cia, Dag, Eva, Fia × 1 000 / 200


def test_bistand_per_household_and_share_of_inhabitants(testby):
    assert values(testby, "bistand_per_hushall", "andel_invanare_med_bistand") == [
        Decimal("36000.0000"),  # (60 000 + 12 000) / 2 households
        Decimal("2.0000")]      # Anna, Bo, Kim and Lars × 100 / 200


def test_long_term_bistand_per_adult_beside_the_household_share(testby):
    # adults: Anna and Bo (H1, 12 months), Lars (H2, 3 months; April sums to 0): 2 of 3;
    # households: H1 of H1 and H2: 1 of 2. Kim (9) is no adult recipient.
    assert values(testby, "andel_vuxna_langvarigt_bistand",
                  "andel_hushall_langvarigt_bistand") == [Decimal("66.6667"), Decimal("50.0000")]
    _, _, recipients, _ = testby
    assert sorted(recipients["manader"].to_list()) == [3, 12, 12]


def test_avslut_to_work_or_studies_for_the_whole_omrade(testby):
    # praktik: Anna arbete, Bo avbrott (1 of 2); studie: Lars studier, Mona arbete (2 of 2)
    assert values(testby, "andel_avslut_arbete_eller_studier:AMI",
                  "andel_avslut_arbete_eller_studier:praktik") == [Decimal("75.0000"),
                                                                   Decimal("50.0000")]


def test_the_month_the_bistand_avser_decides_long_term():
    """Paid in ten months (February–November), but two payments avser January and the rest
    February–September: nine months avsedda, so not långvarigt by Socialstyrelsen's rule."""
    direkt = pl.DataFrame({
        "person_id": ["a"] * 10, "insats": ["eb"] * 10, "hushall": ["H"] * 10,
        "period": [202400 + m for m in range(2, 12)],
        "period_avser": [202401, 202401] + [202400 + m for m in range(2, 10)],
        "belopp_ore": [100_000] * 10})
    aktivitet = pl.DataFrame(schema={"person_id": pl.Utf8, "hushall": pl.Utf8, "from": pl.Date})
    person = pl.DataFrame({"person_id": ["a"], "alder": [40]})
    assert adult_recipients(aktivitet, direkt, person, ("eb",))["manader"].to_list() == [9]
    assert adult_recipients(aktivitet, direkt.drop("period_avser"), person,
                            ("eb",))["manader"].to_list() == [10]


# -- the catalogue and the mapping check ----------------------------------------------------

REQUIRED = ("N33100", "N33101", "N33002", "N33008", "N33811", "N33812", "N33813", "N31006",
            "N31807", "N31814", "N40008", "N40011", "U40455", "U21003", "N35025")


def test_the_catalogue_describes_every_kpi_the_seeds_use():
    known = catalogue()
    for kpi in (*REQUIRED, "U23004", "U25012"):
        entry = known[kpi]
        assert entry.titel and entry.enhet and entry.namnare and entry.kalla and entry.om_kpb
        assert entry.begrepp in ("kostnad", "nettokostnad", "utbetalt bistånd",
                                 "andel personer", "andel hushåll", "antal personer")
    assert known["N40011"].begrepp == "nettokostnad" and known["N40011"].kpb == ""
    assert known["N33100"].enhet == "kr/vårddygn" and known["U21003"].enhet == "kr/beviljad timme"
    assert known["N31814"].begrepp == "andel personer"
    for entry in known.values():  # every matching figure is one kpb computes
        assert entry.kpb == "" or not isinstance(figure(entry.kpb + (
            ":x" if entry.kpb not in ("bistand_per_hushall", "andel_invanare_med_bistand",
                                      "andel_vuxna_langvarigt_bistand") else "")), str)


def test_n33100_beside_a_kr_per_krona_figure_is_refused_naming_both_units(testby):
    rules = testby[3]
    problems = kolada_mapping_problems({"N33100": "styckkostnad:hvb_barn"}, rules)
    assert [p.is_error for p in problems] == [True]
    assert "kr/vårddygn" in problems[0].message and "kr per krona" in problems[0].message
    assert problems[0].column == "kolada.nyckeltal.N33100"
    assert kolada_mapping_problems({"N33100": "kostnad_per_rapportenhet:hvb_barn",
                                    "N33101": "styckkostnad:familjehem",
                                    "N33002": "kostnad_per_invanare:hvb_barn:0-20",
                                    "N33811": "brukare_per_1000_invanare:familjehem:0-20",
                                    "N31006": "bistand_per_hushall",
                                    "N31807": "andel_invanare_med_bistand",
                                    "N31814": "andel_vuxna_langvarigt_bistand",
                                    "N40008": "kostnad_per_invanare:AMI",
                                    "U40455": "andel_avslut_arbete_eller_studier:AMI"},
                                   rules) == []


@pytest.mark.parametrize("kpi, spec, words", [
    ("N40011", "kostnad_per_invanare:AMI", ["nettokostnad", "N40008"]),
    ("N31814", "andel_hushall_langvarigt_bistand", ["andel personer", "andel hushåll"]),
    ("N33002", "kostnad_per_invanare:hvb_barn", ["kr/inv 0–20", "kr/inv"]),
    ("U21003", "styckkostnad:familjehem", ["kr/beviljad timme", "kr/dygn"]),
    ("N33100", "kostnad_per_rapportenhet:familjehem", ["ingen rapportvolym"]),
    ("N40008", "kostnad_per_invanare:okand", ["ingen insats eller område"]),
])
def test_a_mapping_of_another_unit_or_concept_is_an_error(testby, kpi, spec, words):
    problems = kolada_mapping_problems({kpi: spec}, testby[3])
    assert len(problems) == 1 and problems[0].is_error
    assert all(w in problems[0].message for w in words), problems[0].message


def test_a_kpi_outside_the_catalogue_is_a_warning(testby):
    problems = kolada_mapping_problems({"X12345": "styckkostnad:familjehem"}, testby[3])
    assert [p.is_error for p in problems] == [False]
    assert "kr/dygn" in problems[0].message


def test_kpb_check_refuses_n33100_per_krona_and_compute_shows_title_and_unit(tmp_path):
    env = {"KPB_PSEUDONYM_NYCKEL": TEST_KEY}
    write(tmp_path, SETTINGS + '[kolada.nyckeltal]\nN33100 = "styckkostnad:hvb_barn"\n')
    result = CliRunner().invoke(main, ["check", "2024", "--project", str(tmp_path)], env=env)
    assert result.exit_code == 1
    assert "kolada.nyckeltal.N33100" in result.output and "kr per krona" in result.output
    write(tmp_path, SETTINGS + '[kolada.nyckeltal]\nN33100 = "kostnad_per_rapportenhet:hvb_barn"\n')
    result = CliRunner().invoke(main, ["compute", "2024", "--project", str(tmp_path), "--tyst"],
                                env=env)
    assert result.exit_code == 0, result.output
    row = pl.read_parquet(tmp_path / "ut/2024/kolada.parquet").row(0, named=True)
    assert (row["titel"], row["enhet"], row["kpb_varde"]) == (
        "Kostnad HVB-hem barn och unga 0-20 år, kr/vårddygn", "kr/vårddygn", Decimal("4000.0000"))


def test_the_comparison_table_shows_title_unit_and_concept(testby):
    from kpb.analyse.kolada import kolada_table

    exported = pl.DataFrame({"kpi": ["N33100", "X1"], "kommun": ["Grannby", "Grannby"],
                           "ar": [2024, 2024], "varde_e4": [50_410_000, 10_000],
                           "kon": ["T", "T"]}, schema_overrides={"ar": pl.Int32})
    figures = {"N33100": "kostnad_per_rapportenhet:hvb_barn", "X1": "styckkostnad:familjehem"}
    own = dict(zip(figures.values(), [Decimal("4000.0000"), Decimal("1000.0000")]))
    rows = {r["kpi"]: r for r in kolada_table(exported, figures, own, "Testby", 2024,
                                              testby[3]).iter_rows(named=True)}
    assert (rows["N33100"]["titel"], rows["N33100"]["enhet"], rows["N33100"]["begrepp"],
            rows["N33100"]["kolada_varde"]) == (
        "Kostnad HVB-hem barn och unga 0-20 år, kr/vårddygn", "kr/vårddygn", "kostnad",
        Decimal("5041.0000"))
    assert (rows["X1"]["titel"], rows["X1"]["enhet"]) == ("", "kr/dygn")  # outside the catalogue
