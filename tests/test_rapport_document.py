"""The report as the document a nämnd gets: a first page per verksamhetsområde, sheets that
print (page setup read back with openpyxl), totals as SUBTOTAL formulas, the same bytes for
the same outputs, a reconciliation by file, konto class and ansvar, and the ytterfall listed."""

import csv
import json
import os
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from builders import computed_example, copy_project, outputs, run
from tests.test_rapport import ore, sheet_rows


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    return computed_example(tmp_path_factory.mktemp("dokument"))


@pytest.fixture(scope="module")
def formulas(exempel):
    return openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx")


@pytest.fixture(scope="module")
def shown(exempel):
    return openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx", data_only=True)


def header_row(sheet) -> int:
    """The table's header row: the row filled with the header colour."""
    return next(row[0].row for row in sheet.iter_rows(max_col=1)
                if row[0].fill is not None and row[0].fill.fgColor.rgb in ("FFDCE6F1",))


# -- prints as it shows ----------------------------------------------------------------------

def test_every_sheet_prints_on_a4_landscape_fitted_to_the_width(formulas):
    for sheet in formulas.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, sheet.title  # 1 wide
        header = header_row(sheet)
        assert sheet.print_title_rows.replace("$", "") == f"{header}:{header}", sheet.title
        area = sheet.print_area[0] if isinstance(sheet.print_area, list) else sheet.print_area
        first, last = area.split("!")[-1].replace("$", "").split(":")
        assert first == "A1" and int("".join(c for c in last if c.isdigit())) >= sheet.max_row - 1
        last_column = openpyxl.utils.column_index_from_string(
            "".join(c for c in last if c.isalpha()))
        labels = [c.value for c in sheet[header] if c.value is not None]
        assert last_column >= len(labels), sheet.title  # no column outside the print
        assert "Exempelkommun" in sheet.oddHeader.left.text and "2024" in \
            sheet.oddHeader.left.text
        assert sheet.oddHeader.right.text == sheet.title
        assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text


def test_definitions_wrap_inside_the_printed_width(formulas):
    sheet = formulas["Kostnad per insats"]
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert merged and all(r.startswith("A") for r in merged)
    note = sheet["A2"]
    assert note.alignment.wrap_text and sheet.row_dimensions[2].height >= 15


# -- totals that stay true in Excel ---------------------------------------------------------

def test_totals_are_subtotal_formulas_with_their_values_cached(exempel, formulas, shown):
    ledger_total = outputs(exempel, "avstamning").filter(
        pl.col("post") == "Huvudbok totalt")["belopp"].item()
    pools = outputs(exempel, "pool")
    sheet, values = formulas["Pooler"], shown["Pooler"]
    header = header_row(sheet)
    labels = [c.value for c in sheet[header]]
    total = header + pools.height + 1
    assert sheet.cell(total, 1).value == "Summa"
    column = labels.index("Bokfört") + 1
    letter = openpyxl.utils.get_column_letter(column)
    assert sheet.cell(total, column).value == \
        f"=SUBTOTAL(9,{letter}{header + 1}:{letter}{total - 1})"
    assert ore(values.cell(total, column).value) == ledger_total  # shown before recalculation
    to_persons = labels.index("Till brukare") + 1
    assert ore(values.cell(total, to_persons).value) == pools["till_brukare"].sum()
    brukare = formulas["Brukare"]
    last = brukare.max_row
    assert str(brukare.cell(last, 5).value).startswith("=SUBTOTAL(9,")  # Antal brukare


def test_two_runs_of_rapport_write_the_same_bytes(exempel):
    book = exempel / "ut/2024/kpb_2024.xlsx"
    page = exempel / "ut/2024/rapport.html"
    assert run("rapport", "2024", "--project", str(exempel), "--tyst").exit_code == 0
    first, first_page = book.read_bytes(), page.read_bytes()
    time.sleep(1.1)  # a creation time taken from the clock would differ now
    assert run("rapport", "2024", "--project", str(exempel), "--tyst").exit_code == 0
    assert book.read_bytes() == first and page.read_bytes() == first_page


def test_the_workbook_is_created_when_the_outputs_were_written(exempel, tmp_path):
    from kpb.report.tables import read_outputs, tables
    from kpb.report.workbook import write_workbook

    data = read_outputs(exempel / "ut/2024", 2024, "Exempelkommun")
    manifest = int(os.stat(exempel / "ut/2024/manifest.json").st_mtime)
    assert data.created == datetime.fromtimestamp(manifest, timezone.utc)
    written = []
    for name in ("a.xlsx", "b.xlsx"):
        write_workbook(tmp_path / name, tables(data), "KPB 2024", created=data.created)
        written.append((tmp_path / name).read_bytes())
    assert written[0] == written[1]
    created = openpyxl.load_workbook(tmp_path / "a.xlsx").properties.created
    assert created.replace(tzinfo=timezone.utc) == data.created


def test_the_web_page_names_its_workbook_and_no_placeholder(exempel):
    page = (exempel / "ut/2024/rapport.html").read_text(encoding="utf-8")
    assert "&lt;år&gt;" not in page and "‹år>" not in page


# -- the first page per verksamhetsområde --------------------------------------------------------

def test_first_page_per_verksamhetsomrade(exempel, shown):
    assert shown.sheetnames[0] == "Verksamhetsområden"
    rows = {r["Kod"] or r["Verksamhetsområde"]: r
            for r in sheet_rows(shown, "Verksamhetsområden", "Verksamhetsområde")}
    persons = outputs(exempel, "brukare_insats")
    for code in ("ÄO", "BUF", "VUX", "EB", "AMI"):
        mine = persons.filter(pl.col("omrade") == code)
        assert ore(rows[code]["KPB-kostnad"]) == mine["kostnad"].sum()
        assert rows[code]["Brukare"] == mine["person_id"].n_unique()
    ifo = persons.filter(pl.col("omrade").is_in(["BUF", "VUX", "EB", "AMI"]))
    assert ore(rows["IFO"]["KPB-kostnad"]) == ifo["kostnad"].sum()
    assert rows["IFO"]["Brukare"] == ifo["person_id"].n_unique()
    assert rows["IFO"]["Verksamhetsområde"] == "Individ- och familjeomsorg (IFO)"
    assert ore(rows["Alla områden"]["KPB-kostnad"]) == outputs(exempel, "brukare")["kostnad"].sum()
    assert rows["ÄO"]["Verksamhetsområde"] == "Äldreomsorg"
    assert rows["ÄO"]["Invånare i åldern"] == "65 år och äldre"
    assert "Särskilt boende: " in rows["ÄO"]["Största insatserna, styckkostnad"]  # a name
    assert "kr/vårddygn" in rows["BUF"]["Största insatserna, styckkostnad"]
    assert "sabo" not in rows["ÄO"]["Största insatserna, styckkostnad"]  # no code
    brukare = outputs(exempel, "brukare")
    assert rows["ÄO"]["Andel ytterfall"] == pytest.approx(
        (brukare.filter(pl.col("omrade") == "ÄO")["kostnad"] >= Decimal("832800")).mean())
    text = shown["Verksamhetsområden"]["A2"].value
    cost = int(ore(rows["ÄO"]["KPB-kostnad"]).quantize(Decimal(1)))
    assert text.startswith("Äldreomsorg: KPB-kostnaden 2024 var ")
    assert f"{cost:,}".replace(",", "\u00a0") + " kr" in text
    assert f"för {rows['ÄO']['Brukare']} brukare" in text
    assert "Förändring" not in " ".join(str(c.value) for c in shown["Verksamhetsområden"][9])


def test_first_page_tells_the_change_after_jamfor(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    for year in ("2022", "2024"):
        assert run("compute", year, "--project", str(project), "--tyst",
                   "--utan-rapport").exit_code == 0
    assert run("jamfor", "2022", "2024", "--project", str(project), "--tyst").exit_code == 0
    assert run("rapport", "2024", "--project", str(project), "--tyst").exit_code == 0
    book = openpyxl.load_workbook(project / "ut/2024/kpb_2024.xlsx", data_only=True)
    rows = {r["Kod"]: r for r in sheet_rows(book, "Verksamhetsområden", "Verksamhetsområde")}
    change = pl.read_parquet(project / "ut/jamfor_2022_2024/jamfor_omrade.parquet")
    buf = change.filter(pl.col("omrade") == "BUF").row(0, named=True)
    column = "Kr per brukare sedan förra KPB, fasta priser"
    assert rows["BUF"][column] == pytest.approx(float(buf["forandring_fast"]))
    texts = " ".join(str(book["Verksamhetsområden"].cell(r, 1).value) for r in range(2, 8))
    percent = f"{abs(float(buf['forandring_fast'])) * 100:.1f}".replace(".", ",")
    assert f"Kostnaden per brukare ökade med {percent} % i fasta priser" in texts


# -- the reconciliation a reader can follow ---------------------------------------------------

def konto_and_ansvar_from_the_files(project: Path) -> pl.DataFrame:
    """Each ledger row's konto and ansvar read from the ledger files by file and line: what
    ledger_pool.parquet must carry."""
    ledger = pl.read_parquet(project / "ut/2024/ledger_pool.parquet")
    rows = []
    for name in ledger["kalla_fil"].unique().to_list():
        with open(project / name, encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f, delimiter=";"), start=2):
                rows.append((name, line, row["Konto"], row["Ansvar"]))
    return pl.DataFrame(rows, schema={"kalla_fil": pl.Utf8, "kalla_rad": pl.Int64,
                                      "konto": pl.Utf8, "ansvar": pl.Utf8}, orient="row")


def test_reconciliation_by_file_konto_class_and_ansvar(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    assert run("compute", "2024", "--project", str(project), "--tyst",
               "--utan-rapport").exit_code == 0
    written = pl.read_parquet(project / "ut/2024/ledger_pool.parquet")
    expected = konto_and_ansvar_from_the_files(project)
    joined = written.join(expected, on=["kalla_fil", "kalla_rad"], how="left", suffix="_fil")
    assert joined["konto"].to_list() == joined["konto_fil"].to_list()
    assert joined["ansvar"].to_list() == joined["ansvar_fil"].to_list()
    assert run("rapport", "2024", "--project", str(project), "--tyst").exit_code == 0
    book = openpyxl.load_workbook(project / "ut/2024/kpb_2024.xlsx", data_only=True)
    rows = sheet_rows(book, "Avstämning per konto", "Indelning")
    posts = outputs(project, "avstamning")
    ledger_total = posts.filter(pl.col("post") == "Huvudbok totalt")["belopp"].item()
    excluded = posts.filter(pl.col("post") == "Exkluderat")["belopp"].sum()
    for section in ("Fil", "Kontoklass", "Ansvar"):
        parts = [r for r in rows if r["Indelning"] == section]
        *body, total = parts
        assert total["Fil, kontoklass eller ansvar"] == f"Summa per {section.lower()}"
        assert ore(total["Huvudbok netto"]) == ledger_total  # to the öre
        assert sum(ore(r["Huvudbok netto"]) for r in body) == ledger_total
        assert ore(total["KPB-kostnadsbas"]) == ledger_total - excluded
    klass = {r["Fil, kontoklass eller ansvar"]: r for r in rows if r["Indelning"] == "Kontoklass"}
    assert ore(klass["5 Personalkostnader"]["Huvudbok netto"]) > 0
    # internal revenue and the sold SÄBO place stay in their pools: 1 350 000 kr netted there
    assert ore(klass["3 Intäkter"]["Intäkter i kostnadsbasen"]) == Decimal("-1350000.00")
    pools = sheet_rows(book, "Pooler", "Pool")
    *body, total = pools
    assert sum(ore(r["varav intäkter nettade i poolen"]) for r in body) == Decimal("-1350000.00")
    assert ore(total["Bokfört"]) == ledger_total and total["Pool"] == "Summa"
    ansvar = {r["Fil, kontoklass eller ansvar"] for r in rows if r["Indelning"] == "Ansvar"}
    assert {"210", "310", "630"} <= ansvar


def test_the_example_is_reconciled_by_file_konto_class_and_ansvar(shown):
    rows = sheet_rows(shown, "Avstämning per konto", "Indelning")
    assert {r["Indelning"] for r in rows} == {"Fil", "Kontoklass", "Ansvar"}


def test_outputs_of_an_older_kpb_without_konto_are_reconciled_by_file_and_say_so(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    assert run("compute", "2024", "--project", str(project), "--tyst",
               "--utan-rapport").exit_code == 0
    folder = project / "ut/2024"
    pl.read_parquet(folder / "ledger_pool.parquet").drop("konto", "ansvar").write_parquet(
        folder / "ledger_pool.parquet")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["utdata"]  # an older kpb recorded no output files
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert run("rapport", "2024", "--project", str(project), "--tyst").exit_code == 0
    book = openpyxl.load_workbook(folder / "kpb_2024.xlsx", data_only=True)
    rows = sheet_rows(book, "Avstämning per konto", "Indelning")
    assert {r["Indelning"] for r in rows} == {"Fil"}
    notes = [book["Avstämning per konto"].cell(r, 1).value for r in range(2, 5)]
    assert any("saknar konto och ansvar" in str(n) for n in notes)


def test_a_note_says_why_insats_costs_do_not_sum_to_till_brukare(shown):
    notes = " ".join(str(shown["Kostnad per insats"].cell(r, 1).value) for r in range(2, 6))
    assert "41\u00a0814,23 kr mer än Till brukare" in notes and "eb_utbetalning" in notes
    assert "insats Ekonomiskt bistånd, utbetalt" in notes  # the insats by name


def test_the_reasons_in_avstamning_name_the_insats(shown):
    reasons = [r["Orsak"] for r in sheet_rows(shown, "Avstämning", "Post") if r["Orsak"]]
    assert any("insats Ekonomiskt bistånd, utbetalt" in r for r in reasons)
    assert not any("insats ekonomiskt_bistand" in r for r in reasons)


# -- ytterfall and insatskombinationer ---------------------------------------------------------

def test_ytterfall_listed_one_by_one_for_internal_use(exempel, shown):
    summary = {r["Kod"]: r for r in sheet_rows(shown, "Ytterfall", "Område") if r["Kod"]}
    listed = sheet_rows(shown, "Ytterfall, lista", "Rang")
    assert len(listed) == sum(r["Ytterfall"] for r in summary.values())
    brukare = outputs(exempel, "brukare")
    ids = set(brukare["person_id"].to_list())
    assert all(r["Pseudonym"] in ids for r in listed)
    assert [r["Årskostnad"] for r in listed] == sorted((r["Årskostnad"] for r in listed),
                                                       reverse=True)
    assert all(r["Årskostnad"] >= r["Områdets tröskel"] - 0.005 for r in listed)
    assert any(" + " in r["Insatskombination"] for r in listed)
    assert not any("_" in r["Insatskombination"] for r in listed)  # names, not codes
    notes = " ".join(str(shown["Ytterfall"].cell(r, 1).value) for r in range(2, 7))
    assert "omkring 10 % av områdets brukare är ytterfall per definition" in notes


def test_the_published_report_lists_no_ytterfall(exempel):
    assert run("rapport", "2024", "--publicera", "--project", str(exempel),
               "--tyst").exit_code == 0
    book = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024_publicerad.xlsx", data_only=True)
    assert sheet_rows(book, "Ytterfall, lista", "Rang") == []
    page = (exempel / "ut/2024/rapport_publicerad.html").read_text(encoding="utf-8")
    for person in outputs(exempel, "brukare")["person_id"].to_list():
        assert person not in page


def test_insatskombinationer(exempel, shown):
    rows = {r["Kod"]: r for r in sheet_rows(shown, "Insatskombinationer", "Insatskombination")}
    brukare = outputs(exempel, "brukare")
    counted = brukare.group_by("insatskombination").agg(pl.len(), pl.col("kostnad").sum())
    for code, n, cost in counted.iter_rows():
        if code in rows:
            assert rows[code]["Brukare"] == n and ore(rows[code]["Kostnad"]) == cost
    most_common = counted.sort("len", descending=True)["insatskombination"][0]
    assert rows[most_common]["Rang efter antal brukare"] == 1
    assert rows["hemtjanst+larm"]["Insatskombination"] == "Hemtjänst + Trygghetslarm"


def test_households_are_published_by_size_band_and_langvarigt(exempel):
    assert run("rapport", "2024", "--publicera", "--project", str(exempel),
               "--tyst").exit_code == 0
    book = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024_publicerad.xlsx", data_only=True)
    assert sheet_rows(book, "Hushåll", "Rang") == []  # one family per row: none published
    bands = sheet_rows(book, "Hushåll per storlek", "Hushållets storlek")
    households = outputs(exempel, "hushall")
    *body, total = bands
    assert total["Hushållets storlek"] == "Alla hushåll" and total["Hushåll"] == \
        households.height
    shown = [r for r in body if r["Hushåll"] != ".."]
    assert shown and all(r["Hushåll"] >= 3 for r in shown)
    withheld = [r for r in body if r["Hushåll"] == ".."]
    assert len(withheld) != 1  # never a single withheld band beside a published total
    internal = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx", data_only=True)
    complete = sheet_rows(internal, "Hushåll per storlek", "Hushållets storlek")
    assert sum(r["Hushåll"] for r in complete[:-1]) == households.height
    long_term = [r for r in complete[:-1] if r["Långvarigt bistånd"] == "ja"]
    assert sum(r["Hushåll"] for r in long_term) == households["langvarigt_bistand"].sum()


def test_the_whole_publication_is_protected_at_once(exempel):
    """Brukare's rows of one område add up to Ytterfall's brukare of that område: published
    together, no område has a single withheld row or withheld rows of one person each."""
    from kpb.report.disclosure import PROTECTED, publish_all
    from kpb.report.tables import read_outputs, tables

    data = read_outputs(exempel / "ut/2024", 2024, "Exempelkommun", 15000)
    published = {t.key: t.frame for t in publish_all(tables(data))}
    internal = {t.key: t.frame for t in tables(data)}
    rows = published["brukare"].with_columns(antal_internt=internal["brukare"]["antal"])
    areas = published["ytterfall"]
    for area in areas.filter(pl.col("brukare").is_not_null())["omrade"].to_list():
        mine = rows.filter((pl.col("omrade") == area) & pl.col("delsumma").is_null())
        withheld = mine.filter(pl.col(PROTECTED))["antal_internt"].to_list()
        assert withheld == [] or (len(withheld) >= 2 and sum(withheld) > len(withheld)), area
