"""`kpb uppfoljning` on a four-person project, every figure worked out by hand, through the CLI.

hvb (dygn, BUF), kontakt (manader, BUF) and ekonomiskt bistånd (kronor, EB); N = 3 months.
- Adam (born 1964): hvb 10 Feb–20 Mar and 15 Mar–30 Apr (an overlap, counted once), then
  1–31 July: a gap of May and June, shorter than N, so July is not new. Active 2, 3, 4, 7.
- Bertil (1981): hvb since 1 November 2023, still open (across both year ends), and
  kontakt from 1 January, open: active every month, in BUF once.
- Carl (1970): hvb 15 May–14 June: new in May, ended in June.
- Dora (born 2012, 0-19): hvb 1–31 January: ended in January (new is not known in January:
  the months before the year are not in the data).

Ledger: ledning 1 200 kr in January and 1 200 in July, split 50/25/25 on hvb, kontakt and
the bistånd pool; hvb 10 000 in January and February; kontakt 3 000 in March; bistånd as paid;
rows of 0 kr in June and December (a ledger's last period is the last month it covers: the
delår below is this ledger through June).
Year to date through January: hvb 10 600, kontakt 300, eb 1 300; through February hvb
20 600, eb 3 000; through March kontakt 3 300, eb 4 000; through July hvb 21 200, kontakt
3 600, eb 4 300. A month's cost is the difference.
"""

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main

ADAM, BERTIL, CARL, DORA = "640823-3234", "811218-9876", "701063-2391", "120315-1236"

RULES = """
ar = 2024
[insatser]
hvb = { enhet = "dygn", omrade = "BUF" }
kontakt = { enhet = "manader", omrade = "BUF" }
ekonomiskt_bistand = { enhet = "kronor", omrade = "EB" }

[[pool]]
namn = "ledning"
typ = "gemensam"
ansvar = ["100"]
nyckel = { andelar = { hvb = 0.5, kontakt = 0.25, eb = 0.25 } }

[[pool]]
namn = "hvb"
ansvar = ["300"]
insats = "hvb"

[[pool]]
namn = "kontakt"
ansvar = ["310"]
insats = "kontakt"

[[pool]]
namn = "eb"
typ = "direkt"
ansvar = ["820"]
insats = "ekonomiskt_bistand"
"""

LEDGER = """period;konto;ansvar;belopp
202401;5010;100;1200,00
202401;5010;300;10000,00
202401;4710;820;1000,00
202402;5010;300;10000,00
202402;4710;820;1700,00
202403;5010;310;3000,00
202403;4710;820;1000,00
202406;5010;310;0,00
202407;5010;100;1200,00
202412;5010;310;0,00
"""

AKTIVITET = f"""person;insats;from;tom;hushall
{ADAM};hvb;2024-02-10;2024-03-20;
{ADAM};hvb;2024-03-15;2024-04-30;
{ADAM};hvb;2024-07-01;2024-07-31;
{BERTIL};hvb;2023-11-01;;
{BERTIL};kontakt;2024-01-01;;
{CARL};hvb;2024-05-15;2024-06-14;
{DORA};hvb;2024-01-01;2024-01-31;
"""

PAYMENTS = f"""person;insats;period;belopp;hushall
{ADAM};ekonomiskt_bistand;202401;1000,00;H1
{ADAM};ekonomiskt_bistand;202402;1000,00;H1
{CARL};ekonomiskt_bistand;202402;500,00;H1
{BERTIL};ekonomiskt_bistand;202402;200,00;
{ADAM};ekonomiskt_bistand;202403;1000,00;H1
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def project(root: Path, ledger: str = LEDGER, aktivitet: str = AKTIVITET,
            args: tuple = ()) -> Path:
    files = {"kpb.toml": 'kommun = "Testby"\ninvanare = 1000\n', "regler/2024.toml": RULES,
             "data/2024/ledger/hb.csv": ledger, "data/2024/aktivitet/a.csv": aktivitet,
             "data/2024/direkt/eb.csv": PAYMENTS}
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result = run("compute", "2024", "--project", str(root), "--tyst", "--utan-rapport")
    assert result.exit_code == 0, result.output
    result = run("uppfoljning", "2024", "--project", str(root), "--tyst", *args)
    assert result.exit_code == 0, result.output
    root.joinpath("utskrift.txt").write_text(result.output, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    return project(tmp_path_factory.mktemp("helar"))


def read(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / "uppfoljning_2024" / f"{name}.parquet")


def kr(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def test_month_costs_are_year_to_date_differences_by_the_years_keys(full):
    costs = read(full, "manad_insats").filter(pl.col("kostnad") != 0)
    assert costs.select("insats", "manad", "kostnad").sort("insats", "manad").rows() == [
        ("ekonomiskt_bistand", 1, kr(1300)), ("ekonomiskt_bistand", 2, kr(1700)),
        ("ekonomiskt_bistand", 3, kr(1000)), ("ekonomiskt_bistand", 7, kr(300)),
        ("hvb", 1, kr(10600)), ("hvb", 2, kr(10000)), ("hvb", 7, kr(600)),
        ("kontakt", 1, kr(300)), ("kontakt", 3, kr(3000)), ("kontakt", 7, kr(300))]
    hittills = read(full, "manad_insats").filter(pl.col("manad") == 12)
    year = pl.read_parquet(full / "ut" / "2024" / "insats.parquet")
    assert dict(hittills.select("insats", "kostnad_hittills").rows()) == dict(
        year.group_by("insats").agg(pl.col("kostnad").sum()).rows())


def test_month_volumes_count_days_once_and_months_touched(full):
    hvb = read(full, "manad_insats").filter(pl.col("insats") == "hvb").sort("manad")
    # February: Adam 20 days (10–29 Feb) + Bertil 29; March: Adam 31 (overlap once) + Bertil 31
    assert hvb["volym"].to_list()[:7] == [Decimal(v) for v in (
        "62.000", "49.000", "62.000", "60.000", "48.000", "44.000", "62.000")]
    assert hvb["brukare"].to_list() == [2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1]
    assert hvb["styckkostnad"][1] == Decimal("204.0816")  # 10 000 kr / 49 dygn
    kontakt = read(full, "manad_insats").filter(pl.col("insats") == "kontakt")
    assert kontakt["volym"].to_list() == [Decimal("1.000")] * 12


def test_omrade_counts_a_person_once_and_costs_per_invanare(full):
    buf = read(full, "manad_omrade").filter(pl.col("omrade") == "BUF").sort("manad")
    assert buf["brukare"].to_list()[:2] == [2, 2]  # January: Bertil (hvb and kontakt) and Dora
    assert buf["kostnad"][0] == kr(10900)
    assert buf["kostnad_per_invanare"][0] == kr("10.90")  # 10 900 kr / 1 000 invånare
    assert buf["kostnad_per_brukare"][0] == kr(5450)


FLOWS_ADULTS = [  # hvb, 20-64: vid_borjan, nya, avslutade, vid_slut, brukare per month
    (1, 1, None, 0, 1, 1), (2, 1, None, 0, 2, 2), (3, 2, None, 0, 2, 2), (4, 2, 0, 0, 2, 2),
    (5, 1, 1, 0, 2, 2), (6, 2, 0, 1, 1, 2), (7, 2, 0, 1, 2, 2), (8, 1, 0, 0, 1, 1),
    (9, 1, 0, 0, 1, 1), (10, 1, 0, None, 1, 1), (11, 1, 0, None, 1, 1), (12, 1, 0, None, 1, 1)]


def test_inflow_outflow_and_stocks_worked_by_hand(full):
    flows = read(full, "floden_manad").filter(pl.col("insats") == "hvb")
    adults = flows.filter(pl.col("aldersgrupp") == "20-64").sort("manad")
    assert adults.select("manad", "vid_borjan", "nya", "avslutade", "vid_slut",
                         "brukare").rows() == FLOWS_ADULTS
    children = flows.filter(pl.col("aldersgrupp") == "0-19")
    assert children.select("manad", "vid_borjan", "nya", "avslutade", "vid_slut",
                           "brukare").rows() == [(1, 1, None, 1, 1, 1)]


def test_the_omrade_as_a_whole_counts_each_person_once(full):
    whole = read(full, "floden_manad").filter(pl.col("insats").is_null()
                                              & (pl.col("omrade") == "BUF")
                                              & (pl.col("aldersgrupp") == "20-64"))
    # Bertil has hvb and kontakt: one person in BUF; Adam and Carl as in hvb
    assert whole.sort("manad")["brukare"].to_list() == [1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1]


def test_point_in_time_on_the_15th(full):
    points = read(full, "punkt").filter((pl.col("insats") == "hvb")
                                        & (pl.col("aldersgrupp") == "20-64")).sort("datum")
    assert points["brukare"].to_list() == [1, 2, 2, 2, 2, 1, 2, 1, 1, 1, 1, 1]
    assert points["datum"][0].isoformat() == "2024-01-15"


def test_point_in_time_on_given_days(tmp_path):
    root = project(tmp_path, args=("--datum", "2024-03-20", "--datum", "2024-06-15"))
    points = read(root, "punkt").filter(pl.col("insats") == "hvb")
    assert [(d.isoformat(), n) for d, n in points.select("datum", "brukare").rows()] == [
        ("2024-03-20", 2), ("2024-06-15", 1)]  # 20 March: Adam's first stay ends that day


def test_bistand_households_and_adults_per_month(full):
    eb = read(full, "bistand_manad").sort("manad")
    # February: H1 (Adam 1 000 + Carl 500, applicant Adam) and Bertil without a household id
    assert eb.select("manad", "aldersgrupp", "hushall", "vuxna", "utbetalt").rows() == [
        (1, "20-64", 1, 1, kr(1000)), (2, "20-64", 2, 3, kr(1700)), (3, "20-64", 1, 1, kr(1000))]
    assert eb["lamnade"].null_count() == 3  # the 12 months after are not in the data


def test_a_delar_has_the_months_of_the_full_year(full, tmp_path):
    half_ledger = "\n".join(line for line in LEDGER.splitlines()
                            if line[:6] not in ("202407", "202412")) + "\n"
    half_activity = "\n".join(line for line in AKTIVITET.splitlines()
                              if "2024-07" not in line) + "\n"
    half = project(tmp_path, half_ledger, half_activity)
    for name in ("manad_insats", "manad_omrade"):
        part, whole = read(half, name), read(full, name).filter(pl.col("manad") <= 6)
        assert part["delar"].all() and not read(full, name)["delar"].any()
        assert part.drop("delar").equals(whole.drop("delar")), name
    assert read(half, "floden_manad")["manad"].max() == 6
    assert read(half, "punkt")["delar"].all()
    printed = half.joinpath("utskrift.txt").read_text(encoding="utf-8")
    assert "delår" in printed


def test_views_show_the_follow_up(full):
    result = run("sql", "select sum(kostnad) as k from manad_insats where insats = 'hvb'",
                 "--project", str(full), "--csv")
    assert result.exit_code == 0, result.output
    assert "21200" in result.output.replace(" ", "").replace(",00", "")


def test_a_day_outside_the_months_is_a_clear_error(full):
    result = run("uppfoljning", "2024", "--project", str(full), "--datum", "2025-04-15")
    assert result.exit_code == 1
    assert "--datum: fann 2025-04-15, väntade en dag från 2024-01-01 till 2024-12-31" in \
        result.output
    assert "Traceback" not in result.output


def test_a_year_not_loaded_is_a_clear_error(full):
    (full / "regler" / "2022.toml").write_text(RULES.replace("2024", "2022"), encoding="utf-8")
    result = run("uppfoljning", "2022", "--project", str(full))
    assert result.exit_code == 1
    assert "inga inlästa indata för 2022" in result.output
