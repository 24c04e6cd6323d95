"""`kpb jamfor`: one KPB year against the last, worked by hand and checked against the two
years' own outputs on Exempelkommun."""

import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.analyse.compare import Year, compare

EXEMPEL = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
KEY = "testnyckel-som-bara-finns-i-testerna"


def year(ar: int, insats_rows, person_rows) -> Year:
    return Year(ar,
                pl.DataFrame(insats_rows, schema=["insats", "volym_milli", "kostnad_ore"],
                             orient="row"),
                pl.DataFrame(person_rows, schema=["person_id", "insats", "omrade", "kostnad_ore"],
                             orient="row"))


# 2022: Anna in HVB (100 dygn... priced by kronor: 900 000 kr), Bo and Cia in familjehem
# (1 000 dygn, 1 000 000 kr). 2024: Anna in familjehem, Bo still there, Cia gone, Dan new;
# familjehem 1 500 dygn for 1 800 000 kr. Price index 2022 = 100, 2024 = 110.
THEN = year(2022, [("hvb", 90_000_000, 90_000_000), ("familjehem", 1_000_000, 100_000_000)],
            [("anna", "hvb", "BUF", 90_000_000), ("bo", "familjehem", "BUF", 60_000_000),
             ("cia", "familjehem", "BUF", 40_000_000)])
NOW = year(2024, [("familjehem", 1_500_000, 180_000_000)],
           [("anna", "familjehem", "BUF", 70_000_000), ("bo", "familjehem", "BUF", 80_000_000),
            ("dan", "familjehem", "BUF", 30_000_000)])
INDEX = {2022: Fraction(100), 2024: Fraction(110)}


def test_styckkostnad_nominal_and_in_fixed_prices_by_hand():
    table = compare(THEN, NOW, INDEX, "OPI").tables["jamfor_styckkostnad"]
    familjehem = table.filter(pl.col("insats") == "familjehem").row(0, named=True)
    # 2022: 1 000 000 kr / 1 000 dygn = 1 000 kr; in 2024 prices × 1.1 = 1 100 kr (1 100 000 kr)
    # 2024: 1 800 000 kr / 1 500 dygn = 1 200 kr: +20 % nominal, 1 200 / 1 100 − 1 = +9.09 %
    assert familjehem["styckkostnad_fran"] == Decimal("1000.0000")
    assert familjehem["kostnad_fran_fast_ore"] == 110_000_000
    assert familjehem["styckkostnad_fran_fast"] == Decimal("1100.0000")
    assert familjehem["styckkostnad_till"] == Decimal("1200.0000")
    assert familjehem["forandring_nominell"] == Decimal("0.2000")
    assert familjehem["forandring_fast"] == Decimal("0.0909")
    hvb = table.filter(pl.col("insats") == "hvb").row(0, named=True)
    assert hvb["kostnad_till_ore"] is None and hvb["styckkostnad_till"] is None


def test_cost_per_brukare_per_omrade_by_hand():
    row = compare(THEN, NOW, INDEX, "OPI").tables["jamfor_omrade"].row(0, named=True)
    # 2022: 1 900 000 kr over 3 persons = 633 333.33 kr; 2024: 1 800 000 kr / 3 = 600 000 kr
    assert (row["brukare_fran"], row["brukare_till"]) == (3, 3)
    assert row["kostnad_per_brukare_fran_ore"] == 63_333_333
    assert row["kostnad_per_brukare_till_ore"] == 60_000_000
    assert row["kostnad_per_brukare_fran_fast_ore"] == 69_666_666  # × 1.1, rounded
    assert row["forandring_nominell"] == Decimal("-0.0526")         # 600 000 / 633 333.33 − 1


def test_flows_and_shifts_by_hand():
    tables = compare(THEN, NOW, {}, "").tables
    flows = {r[0]: r[1:] for r in tables["jamfor_floden"].select(
        "insats", "brukare_fran", "brukare_till", "nya", "kvarstaende", "avslutade").rows()}
    assert flows == {"familjehem": (2, 3, 2, 1, 1), "hvb": (1, 0, 0, 0, 1)}
    assert tables["jamfor_byten"].select("insats_fran", "insats_till", "brukare",
                                         "kostnad_fran_ore", "kostnad_till_ore").rows() == [
        ("hvb", "familjehem", 1, 90_000_000, 70_000_000)]
    assert tables["jamfor_styckkostnad"]["styckkostnad_fran_fast"].null_count() == 2


# -- Exempelkommun through the CLI ----------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": KEY})


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("jamfor") / "exempelkommun"
    shutil.copytree(EXEMPEL, root, ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    for ar in ("2022", "2024"):
        result = run("compute", ar, "--project", str(root), "--tyst", "--strikt")  # no warning
        assert result.exit_code == 0, result.output
    result = run("jamfor", "2022", "2024", "--project", str(root), "--tyst")
    assert result.exit_code == 0, result.output
    # the terminal names insatser as the catalogue does, not by their codes
    assert "HVB barn och unga, köpt plats → Familjehem, vårddygn" in result.output
    assert "hvb_barn → familjehem" not in result.output
    return root


def own(root: Path, ar: int, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / str(ar) / f"{name}.parquet")


def compared(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / "jamfor_2022_2024" / f"jamfor_{name}.parquet")


def test_jamfor_equals_the_two_years_own_outputs(exempel):
    table = compared(exempel, "styckkostnad")
    for ar, side in ((2022, "fran"), (2024, "till")):
        insats = own(exempel, ar, "insats")
        sums = dict(insats.group_by("insats").agg(pl.col("kostnad").sum()).rows())
        assert dict(table.select("insats", f"kostnad_{side}").rows()) == sums
        single = insats.filter(pl.col("insats").is_in(
            insats.group_by("insats").len().filter(pl.col("len") == 1)["insats"].implode()))
        prices = dict(table.select("insats", f"styckkostnad_{side}").rows())
        # the report unit where the pool has one (kr/vårddygn), none for kronor without one
        own_prices = single.select("insats", pl.when(pl.col("rapportenhet").is_not_null())
                                   .then("kostnad_per_rapportenhet")
                                   .when(pl.col("enhet") != "kronor").then("styckkostnad"))
        assert {k: prices[k] for k in single["insats"]} == dict(own_prices.rows())
        persons = own(exempel, ar, "brukare_insats")
        counts = dict(persons.group_by("insats").agg(pl.col("person_id").n_unique()).rows())
        assert dict(compared(exempel, "floden").select("insats", f"brukare_{side}").rows()) == counts
        areas = dict(persons.group_by("omrade").agg(pl.col("kostnad").sum()).rows())
        assert dict(compared(exempel, "omrade").select("omrade", f"kostnad_{side}").rows()) == areas


def test_persons_continue_under_the_same_pseudonym(exempel):
    then, now = own(exempel, 2022, "brukare"), own(exempel, 2024, "brukare")
    both = then.join(now, on="person_id").height
    assert 100 < both < min(then.height, now.height)
    flows = compared(exempel, "floden")
    assert (flows["kvarstaende"] + flows["nya"] == flows["brukare_till"]).all()
    assert (flows["kvarstaende"] + flows["avslutade"] == flows["brukare_fran"]).all()


def test_the_fixture_moves_two_children_from_hvb_to_familjehem(exempel):
    shifts = compared(exempel, "byten").filter(pl.col("insats_fran") == "hvb_barn")
    assert shifts.select("insats_till", "brukare").rows() == [("familjehem", 2)]


def test_fixed_prices_use_the_index_in_kpb_toml(exempel):
    table = compared(exempel, "styckkostnad")
    kostnad, fast = table.select(pl.col("kostnad_fran").sum(), pl.col("kostnad_fran_fast").sum()).row(0)
    assert abs(fast - kostnad * Decimal("1.104")) < Decimal("0.01") * table.height


def test_jamfor_views_answer_in_sql(exempel):
    result = run("sql", "select count(*) as n from jamfor_byten", "--project", str(exempel), "--csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == str(compared(exempel, "byten").height)


def test_a_year_not_computed_is_a_clear_error(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(EXEMPEL, root, ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    result = run("jamfor", "2022", "2024", "--project", str(root))
    assert result.exit_code == 1
    assert "ut/2022/insats.parquet: saknas: kör `kpb compute 2022` först" in result.output
    assert "ut/2024/brukare_insats.parquet: saknas" in result.output


def test_a_renamed_insats_meets_itself_through_the_catalogue(exempel):
    raw = (EXEMPEL / "data/2022/aktivitet/ekonomiskt_bistand_2022.csv").read_text("utf-8")
    assert ";FS-HANDL;" in raw and ";eb_handlaggning;" not in raw  # 2022's code
    row = compared(exempel, "styckkostnad").filter(pl.col("insats") == "eb_handlaggning")
    assert row["kostnad_fran"].item() > 0 and row["kostnad_till"].item() > 0
    assert "FS-HANDL" not in compared(exempel, "styckkostnad")["insats"].to_list()


def sheet(book, name: str, first_label: str) -> list[dict]:
    rows = list(book[name].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_label)
    return [dict(zip(rows[start], row)) for row in rows[start + 1:] if row[0] is not None]


def test_jamfor_puts_the_comparison_into_the_later_years_report(exempel):
    import openpyxl

    book = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx")
    assert book.sheetnames[-7:] == ["Hushåll", "Hushåll per storlek", "Utfall arbetsmarknad",
                                    "Jämförelse", "Flöden", "Byten av insats",
                                    "Jämförelsekommuner"]
    rows = {r["Kod"]: r for r in sheet(book, "Jämförelse", "Insats")}  # name in Insats
    expected = compared(exempel, "styckkostnad").filter(pl.col("insats") == "familjehem")
    assert Decimal(str(rows["familjehem"]["Styckkostnad 2024"])) == expected[
        "styckkostnad_till"].item()
    households = sheet(book, "Hushåll", "Rang")
    assert [r["Total kostnad"] for r in households] == [
        float(v) for v in own(exempel, 2024, "hushall").sort("rang").head(20)["kostnad"]]
    assert "Styckkostnad 2022 och 2024" in (exempel / "ut/2024/rapport.html").read_text("utf-8")


def test_the_published_report_withholds_small_households(exempel):
    import openpyxl

    run("rapport", "2024", "--publicera", "--project", str(exempel))
    book = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024_publicerad.xlsx")
    households = sheet(book, "Hushåll", "Rang")
    assert all(r["Total kostnad"] == ".." for r in households)  # 1-3 members: all of them
    assert all(r["Deltagare"] != ".." for r in sheet(book, "Utfall arbetsmarknad", "Insats"))


# -- one price index per område or insats -------------------------------------------------

def unit_year(ar: int, insats_rows, person_rows) -> Year:
    return Year(ar,
                pl.DataFrame(insats_rows, schema=["insats", "enhet", "volym_milli", "kostnad_ore"],
                             orient="row"),
                pl.DataFrame(person_rows, schema=["person_id", "insats", "omrade", "kostnad_ore"],
                             orient="row"))


# familjehem 1 000 dygn for 1 000 000 kr in 2022; bistånd 500 000 kr (kronor: no unit, enhet
# null) to Eva. PKV 100 → 110 for everything, riksnormen 100 → 120 for område EB.
THEN_EB = unit_year(2022, [("familjehem", "dygn", 1_000_000, 100_000_000),
                           ("ekonomiskt_bistand", None, 500_000_000, 50_000_000)],
                    [("bo", "familjehem", "BUF", 100_000_000),
                     ("eva", "ekonomiskt_bistand", "EB", 50_000_000)])
NOW_EB = unit_year(2024, [("familjehem", "dygn", 1_000_000, 120_000_000),
                          ("ekonomiskt_bistand", None, 660_000_000, 66_000_000)],
                   [("bo", "familjehem", "BUF", 120_000_000),
                    ("eva", "ekonomiskt_bistand", "EB", 66_000_000)])
PKV = {2022: Fraction(100), 2024: Fraction(110)}
RIKSNORM = ("Riksnormen för försörjningsstöd", {2022: Fraction(100), 2024: Fraction(120)})


def test_each_row_is_restated_with_its_own_index_and_names_it():
    tables = compare(THEN_EB, NOW_EB, PKV, "PKV", {"EB": RIKSNORM}).tables
    rows = {r["insats"]: r for r in tables["jamfor_styckkostnad"].iter_rows(named=True)}
    # familjehem: 1 000 000 × 1.1 = 1 100 000 kr, 1 100 kr/dygn in 2024 prices; 1 200 now
    assert (rows["familjehem"]["prisindex"], rows["familjehem"]["kostnad_fran_fast_ore"],
            rows["familjehem"]["forandring_fast"]) == ("PKV", 110_000_000, Decimal("0.0909"))
    # bistånd: 500 000 × 1.2 = 600 000 kr by riksnormen; no styckkostnad, nothing deflated
    eb = rows["ekonomiskt_bistand"]
    assert (eb["prisindex"], eb["kostnad_fran_fast_ore"]) == ("Riksnormen för försörjningsstöd",
                                                             60_000_000)
    assert [eb[c] for c in ("enhet_fran", "styckkostnad_fran", "styckkostnad_fran_fast",
                            "forandring_fast")] == [None] * 4
    areas = {r["omrade"]: r for r in tables["jamfor_omrade"].iter_rows(named=True)}
    assert (areas["EB"]["prisindex"], areas["EB"]["kostnad_per_brukare_fran_fast_ore"],
            areas["EB"]["forandring_fast"]) == ("Riksnormen för försörjningsstöd", 60_000_000,
                                                Decimal("0.1000"))  # 660 000 / 600 000 − 1
    assert areas["BUF"]["prisindex"] == "PKV"


def test_an_insats_index_comes_before_its_omrades():
    tables = compare(THEN_EB, NOW_EB, PKV, "PKV",
                     {"BUF": RIKSNORM, "familjehem": ("Eget index", {2022: Fraction(1),
                                                                      2024: Fraction(1)})}).tables
    row = tables["jamfor_styckkostnad"].filter(pl.col("insats") == "familjehem").row(0, named=True)
    assert (row["prisindex"], row["kostnad_fran_fast_ore"]) == ("Eget index", 100_000_000)


# -- flows and shifts in the report ------------------------------------------------------------

def test_flows_and_shifts_are_sheets_of_the_internal_report_by_name(exempel):
    import openpyxl

    assert run("rapport", "2024", "--project", str(exempel), "--tyst").exit_code == 0
    book = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx", data_only=True)
    flows = {r["Kod"]: r for r in sheet(book, "Flöden", "Insats")}
    for row in compared(exempel, "floden").iter_rows(named=True):
        shown = flows[row["insats"]]
        assert (shown["Brukare 2022"], shown["Brukare 2024"], shown["Nya 2024"],
                shown["Kvarstående båda åren"], shown["Avslutade efter 2022"]) == (
            row["brukare_fran"], row["brukare_till"], row["nya"], row["kvarstaende"],
            row["avslutade"])
    assert flows["hvb_barn"]["Insats"] == "HVB barn och unga, köpt plats"
    assert flows["hvb_barn"]["Område"] == "Barn och unga"
    shifts = {r["Kod"]: r for r in sheet(book, "Byten av insats", "Område")}
    hvb = shifts["hvb_barn → familjehem"]
    assert (hvb["Område"], hvb["Insats 2022"], hvb["Insats 2024"], hvb["Brukare"]) == (
        "Barn och unga", "HVB barn och unga, köpt plats", "Familjehem, vårddygn", 2)
    expected = compared(exempel, "byten").filter(pl.col("insats_fran") == "hvb_barn").row(
        0, named=True)
    assert Decimal(str(hvb["Kostnad 2022 för insatsen de lämnade"])) == expected["kostnad_fran"]
    page = (exempel / "ut/2024/rapport.html").read_text("utf-8")
    assert 'id="floden"' in page and 'id="byten"' in page
    # the page names the price index the fixed prices used
    assert "Fasta priser enligt Prisindex för kommunal verksamhet (PKV), SKR, " \
           "exempelvärden (prisindexet i kpb.toml [jamfor])" in page


def test_flows_and_shifts_are_left_out_of_the_publication(exempel):
    import openpyxl

    from kpb.report.html import format_value

    assert run("rapport", "2024", "--publicera", "--project", str(exempel),
               "--tyst").exit_code == 0
    book = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024_publicerad.xlsx", data_only=True)
    assert "Flöden" not in book.sheetnames and "Byten av insats" not in book.sheetnames
    assert "Jämförelse" in book.sheetnames  # the comparison per insats stays
    page = (exempel / "ut/2024/rapport_publicerad.html").read_text("utf-8")
    assert 'id="floden"' not in page and 'id="byten"' not in page
    assert "→" not in page
    one = compared(exempel, "byten").filter(pl.col("brukare") == 1).row(0, named=True)
    values = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
              for c in row if c is not None}
    for cost in (one["kostnad_fran"], one["kostnad_till"]):  # the one child's costs
        assert format_value(cost, "kr") not in page
        assert str(float(cost)) not in values


def test_the_price_index_of_an_omrade_of_its_own_is_named():
    from kpb.report.effect_sheets import price_index_text
    from kpb.report.table_model import ReportData

    data = ReportData(2024, "", {}, insats_names={"hvb_barn": "HVB barn och unga"})
    frame = pl.DataFrame({"omrade": ["BUF", "EB", "VUX"],
                          "prisindex": ["PKV", "Riksnormen, Socialstyrelsen", "PKV"]})
    assert price_index_text(data, frame, "omrade") == (
        "Fasta priser enligt PKV (prisindexet i kpb.toml [jamfor]); med eget index "
        "(kpb.toml [jamfor.eget_index]) för Ekonomiskt bistånd: Riksnormen, Socialstyrelsen.")
    none = pl.DataFrame({"omrade": ["BUF"], "prisindex": [None]}, schema={
        "omrade": pl.Utf8, "prisindex": pl.Utf8})
    assert price_index_text(data, none, "omrade").startswith("Fasta priser saknas")
