"""`kpb rapport` and the report `kpb compute` writes: the workbook read back with openpyxl,
the web page read as text. Every figure is checked against the Parquet outputs."""

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from builders import computed_example, copy_project, outputs, run

SHEETS = ["Verksamhetsområden", "Sammanfattning", "Kostnad per insats", "Insatser", "Brukare",
          "Per invånare", "Fördelning", "Fördelningskurva", "Ytterfall", "Ytterfall, lista",
          "Insatskombinationer", "Pooler", "Gemensamma kostnader", "Avstämning",
          "Avstämning per konto", "Hushåll", "Hushåll per storlek", "Utfall arbetsmarknad",
          "Jämförelsekommuner"]  # effect sheets


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    project = computed_example(tmp_path_factory.mktemp("rapport"))
    assert (project / "ut" / "2024" / "kpb_2024.xlsx").is_file()
    return project


@pytest.fixture(scope="module")
def workbook(exempel):
    # the values Excel shows: totals are SUBTOTAL formulas, read with their cached values
    return openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx", data_only=True)


def sheet_rows(workbook, sheet: str, first_label: str) -> list[dict]:
    """The table on a sheet as dicts keyed by header label (the header row is found by its
    first label, below the title and the definitions)."""
    rows = list(workbook[sheet].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_label)
    header = rows[start]
    return [dict(zip(header, row)) for row in rows[start + 1:] if row[0] is not None]


def ore(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_compute_writes_the_report_and_rapport_rewrites_it(exempel):
    report = exempel / "ut/2024/kpb_2024.xlsx"
    assert report.stat().st_size > 0 and (exempel / "ut/2024/rapport.html").is_file()
    report.unlink()
    result = run("rapport", "2024", "--project", str(exempel), "--tyst")
    assert result.exit_code == 0, result.output
    assert report.is_file() and "Skrev" in result.output


def test_workbook_has_every_sheet_in_order(workbook):
    assert workbook.sheetnames == SHEETS


def test_insatser_sheet_equals_insats_parquet_to_the_ore(exempel, workbook):
    sheet = {(r["Kod"], r["Pool"]): r for r in sheet_rows(workbook, "Insatser", "Insats")}
    parquet = outputs(exempel, "insats")
    assert len(sheet) == parquet.height
    for row in parquet.iter_rows(named=True):
        shown = sheet[(row["insats"], row["pool"])]
        assert ore(shown["Kostnad"]) == row["kostnad"]
        assert Decimal(str(shown["Volym"])) == row["volym"]
        assert shown["Brukare"] == row["antal_brukare"]
    assert sheet[("hemtjanst", "hemtjanst_norr")]["Per"] == "kr/timme"
    assert sheet[("sabo", "sabo")]["Insats"] == "Särskilt boende"  # namn from the rules
    assert sheet[("hemtjanst", "hemtjanst_extern")]["Regi"] == "extern regi"  # regi in the rules
    assert sheet[("hemtjanst", "hemtjanst_norr")]["Regi"] == "egen regi"
    assert sheet[("sabo", "sabo")]["Regi"] is None  # the rules do not say


def test_kostnad_per_insats_sums_the_pools(exempel, workbook):
    sheet = {r["Kod"]: r for r in sheet_rows(workbook, "Kostnad per insats", "Insats")}
    per_insats = outputs(exempel, "insats").group_by("insats").agg(pl.col("kostnad").sum())
    assert {k: ore(v["Kostnad"]) for k, v in sheet.items()} == dict(per_insats.iter_rows())
    hemtjanst = sheet["hemtjanst"]
    expected = float(hemtjanst["Kostnad"]) / float(hemtjanst["Volym"])
    assert hemtjanst["Styckkostnad"] == pytest.approx(expected)


def test_brukare_sheet_sums_to_the_persons(exempel, workbook):
    *rows, total = sheet_rows(workbook, "Brukare", "Område")
    brukare = outputs(exempel, "brukare")
    assert sum(r["Antal brukare"] for r in rows) == total["Antal brukare"] == brukare.height
    assert total["Område"] == "Alla" and ore(total["Summa"]) == brukare["kostnad"].sum()
    expected = (brukare.group_by("omrade", "aldersgrupp", "kon")
                .agg(pl.col("kostnad").sum(), pl.col("kostnad").cast(pl.Float64).median()
                     .alias("median")))
    by_group = {(r["Kod"], r["Åldersgrupp"], r["Kön"]): r for r in rows}
    assert by_group[("ÄO", "80+", "K")]["Område"] == "Äldreomsorg"  # the name, the code in Kod
    for row in expected.iter_rows(named=True):
        shown = by_group[(row["omrade"], row["aldersgrupp"], row["kon"])]
        assert ore(shown["Summa"]) == row["kostnad"]
        assert shown["Median"] == pytest.approx(row["median"])


def test_avstamning_and_summary_equal_the_reconciliation(exempel, workbook):
    posts = outputs(exempel, "avstamning")
    rows = sheet_rows(workbook, "Avstämning", "Post")
    assert [ore(r["Belopp"]) for r in rows] == posts["belopp"].to_list()
    summary = {r["Nyckeltal"]: r["Värde"] for r in sheet_rows(workbook, "Sammanfattning",
                                                               "Nyckeltal")}
    to_persons = posts.filter(pl.col("post") == "Till brukare")["belopp"].item()
    assert ore(summary["Till brukare"]) == to_persons
    assert summary["Antal brukare"] == outputs(exempel, "brukare").height
    assert summary["Invånare"] == 15000  # kpb.toml
    assert summary["Till brukare per invånare"] == pytest.approx(float(to_persons) / 15000)


def test_distribution_adds_up(exempel, workbook):
    rows = {r["Grupp"]: r for r in sheet_rows(workbook, "Fördelning", "Grupp")}
    deciles = [r for name, r in rows.items() if name.startswith("Decil")]
    brukare = outputs(exempel, "brukare")
    assert len(deciles) == 10
    assert sum(r["Antal brukare"] for r in deciles) == brukare.height
    assert sum(ore(r["Kostnad"]) for r in deciles) == brukare["kostnad"].sum()
    top = brukare["kostnad"].sort(descending=True)
    n = brukare.height * 10 // 100
    assert ore(rows["Dyraste 10 %"]["Kostnad"]) == top.head(n).sum()
    assert rows["Dyraste 10 %"]["Kostnad"] == rows["Decil 10 (högst)"]["Kostnad"]
    curve = sheet_rows(workbook, "Fördelningskurva", "Andel av brukarna (billigast först)")
    assert curve[0]["Andel av kostnaden"] == 0 and curve[-1]["Andel av kostnaden"] == 1


def test_sheets_have_swedish_formats_frozen_headers_and_filters(workbook):
    sheet = workbook["Insatser"]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "Insats")[0].row
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    labels = [c.value for c in sheet[header_row]]
    cost = sheet.cell(header_row + 1, labels.index("Kostnad") + 1)
    assert cost.number_format == '#,##0.00 "kr"'
    assert sheet.column_dimensions["A"].width > 10


def test_workbook_holds_two_native_charts(exempel):
    with zipfile.ZipFile(exempel / "ut/2024/kpb_2024.xlsx") as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [archive.read(n).decode("utf-8") for n in charts]
    assert len(charts) == 2
    assert "<c:barChart>" in xml[0] and "'Kostnad per insats'!" in xml[0]
    assert "<c:scatterChart>" in xml[1] and "Fördelningskurva!" in xml[1]


def test_web_page_is_self_contained_with_swedish_numbers(exempel):
    page = (exempel / "ut/2024/rapport.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and page.count("<table") == len(SHEETS)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    to_persons = outputs(exempel, "avstamning").filter(
        pl.col("post") == "Till brukare")["belopp"].item()
    kronor, oren = f"{to_persons:.2f}".split(".")
    swedish = re.sub(r"(?<=\d)(?=(\d{3})+$)", "\u00a0", kronor) + "," + oren + " kr"
    assert swedish in page
    assert "@media print" in page


def test_compute_without_report(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    result = run("compute", "2024", "--project", str(project), "--tyst", "--utan-rapport")
    assert result.exit_code == 0, result.output
    assert not (project / "ut/2024/kpb_2024.xlsx").exists()
    assert not (project / "ut/2024/rapport.html").exists()


def test_rapport_before_compute_is_a_clear_error(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    result = run("rapport", "2024", "--project", str(project))
    assert result.exit_code == 1
    assert "kör `kpb compute 2024` först" in result.output
    assert "Traceback" not in result.output


# -- key figures in people's units, per inhabitant, ytterfall -----------------------------

def days_in_2024(start: str, end: str) -> int:
    """Days of [start, end] inside 2024 (empty end = open), by the standard library only."""
    from datetime import date
    first = max(date.fromisoformat(start), date(2024, 1, 1))
    last = min(date.fromisoformat(end) if end else date(2024, 12, 31), date(2024, 12, 31))
    return max((last - first).days + 1, 0)


def test_hvb_barn_is_reported_per_vårddygn(exempel, workbook):
    import csv
    with open(exempel / "data/2024/aktivitet/barn_och_unga_2024.csv", encoding="utf-8") as f:
        placements = [r for r in csv.DictReader(f, delimiter=";")
                      if r["Insats"] == "hvb_barn_placering"]
    assert len({r["Personnummer"] for r in placements}) == len(placements) == 6  # no overlap
    vårddygn = sum(days_in_2024(r["Från"], r["Till"]) for r in placements)
    cost = outputs(exempel, "insats").filter(pl.col("insats") == "hvb_barn")["kostnad"].sum()
    for sheet in ("Insatser", "Kostnad per insats"):
        row = next(r for r in sheet_rows(workbook, sheet, "Insats") if r["Kod"] == "hvb_barn")
        assert (row["Rapportenhet"], row["Rapportvolym"]) == ("vårddygn", vårddygn)
        assert row["Kostnad per rapportenhet"] == pytest.approx(float(cost) / vårddygn)
    # operating insatser have no reporting volume: their own unit is the people's unit
    sabo = next(r for r in sheet_rows(workbook, "Insatser", "Insats") if r["Kod"] == "sabo")
    assert sabo["Rapportenhet"] is None and sabo["Per"] == "kr/dygn"


def test_per_inhabitant_by_age_band(exempel, workbook):
    rows = {r["Åldersgrupp"]: r for r in sheet_rows(workbook, "Per invånare", "Åldersgrupp")}
    population = pl.read_csv(exempel / "data/2024/befolkning.csv", separator=";",
                             infer_schema=False).with_columns(
        alder=pl.col("alder").str.strip_chars_end("+").cast(pl.Int32),
        antal=pl.col("antal").cast(pl.Int64))
    brukare = outputs(exempel, "brukare")
    assert rows["Alla åldrar"]["Invånare"] == 15000
    assert rows["Alla åldrar"]["Brukare"] == brukare.height
    for label, low, high in (("0–20 år", 0, 20), ("21–64 år", 21, 64),
                             ("65 år och äldre", 65, 200), ("80 år och äldre", 80, 200)):
        inhabitants = population.filter(pl.col("alder").is_between(low, high))["antal"].sum()
        mine = brukare.filter(pl.col("alder").is_between(low, high))
        row = rows[label]
        assert (row["Invånare"], row["Brukare"]) == (inhabitants, mine.height)
        assert ore(row["Kostnad till brukare"]) == mine["kostnad"].sum()
        assert row["Brukare per 1 000 invånare"] == pytest.approx(mine.height * 1000 / inhabitants)


def test_ytterfall_per_area_follow_the_rules(exempel, workbook):
    rows = {r["Kod"] or r["Område"]: r for r in sheet_rows(workbook, "Ytterfall", "Område")}
    brukare = outputs(exempel, "brukare")

    def area(name):
        return brukare.filter(pl.col("omrade") == name)["kostnad"]

    # ÄO: a fixed 800 000 kr uplifted by index 1,041 (regler/2024.toml)
    assert ore(rows["ÄO"]["Tröskel"]) == Decimal("832800.00")
    assert rows["ÄO"]["Ytterfall"] == (area("ÄO") >= Decimal("832800")).sum()
    # BUF: the 90th percentile; VUX (standard): 5 × the median
    buf_threshold = area("BUF").cast(pl.Float64).quantile(0.9, "linear")
    assert rows["BUF"]["Tröskel"] == pytest.approx(buf_threshold, abs=0.01)
    assert rows["BUF"]["Ytterfall"] == (area("BUF").cast(pl.Float64) >= buf_threshold - 0.005).sum()
    vux_threshold = 5 * area("VUX").cast(pl.Float64).median()
    assert rows["VUX"]["Tröskel"] == pytest.approx(vux_threshold, abs=0.01)
    assert rows["VUX"]["Ytterfall"] == (area("VUX").cast(pl.Float64) >= vux_threshold - 0.005).sum()
    total = rows["Alla områden"]
    assert total["Ytterfall"] == sum(r["Ytterfall"] for k, r in rows.items() if k != "Alla områden")
    assert total["Ytterfall per 1 000 invånare"] == pytest.approx(total["Ytterfall"] * 1000 / 15000)
    assert total["Andel av kostnaden"] == pytest.approx(
        float(ore(total["Ytterfallens kostnad"]) / brukare["kostnad"].sum()))


def test_a_bad_population_file_is_a_clear_error(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    assert run("compute", "2024", "--project", str(project), "--tyst",
               "--utan-rapport").exit_code == 0
    (project / "data/2024/befolkning.csv").write_text("alder;antal\n0;12\nfyra;1 200\n5;x\n",
                                                      encoding="utf-8")
    result = run("rapport", "2024", "--project", str(project))
    assert result.exit_code == 1
    assert "data/2024/befolkning.csv:3: alder: fann 'fyra'" in result.output
    assert "data/2024/befolkning.csv:4: antal: fann 'x'" in result.output


# -- the published version ------------------------------------------------------------------

def test_publicera_protects_small_cells_and_leaves_the_internal_report(exempel, workbook):
    internal = (exempel / "ut/2024/kpb_2024.xlsx").read_bytes()
    result = run("rapport", "2024", "--project", str(exempel), "--tyst", "--publicera")
    assert result.exit_code == 0, result.output
    assert (exempel / "ut/2024/kpb_2024.xlsx").read_bytes() == internal
    published = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024_publicerad.xlsx",
                                       data_only=True)
    assert published.sheetnames == SHEETS
    complete = sheet_rows(workbook, "Brukare", "Område")
    shown = sheet_rows(published, "Brukare", "Område")
    assert len(shown) == len(complete)
    small = [r for r in complete if r["Antal brukare"] < 3]
    assert small, "exempelkommun has groups of fewer than 3 brukare"
    for before, after in zip(complete, shown):
        if before["Antal brukare"] < 3:
            assert after["Antal brukare"] == after["Summa"] == after["Median"] == ".."
        if after["Antal brukare"] != "..":
            assert after["Antal brukare"] >= 3 and after["Summa"] == before["Summa"]
    assert shown[-1] == complete[-1]  # the total (Alla) stays
    hidden = [r for r in shown if r["Antal brukare"] == ".."]
    assert len(hidden) >= 2
    page = (exempel / "ut/2024/rapport_publicerad.html").read_text(encoding="utf-8")
    assert '">..</td>' in page and "för publicering" in page


def test_compute_with_a_bad_population_file_is_refused_by_the_check_before_writing(tmp_path):
    project = copy_project("exempelkommun", tmp_path)
    (project / "data/2024/befolkning.csv").write_text("alder;antal\n0;x\n", encoding="utf-8")
    result = run("compute", "2024", "--project", str(project), "--tyst")
    assert result.exit_code == 1
    assert "data/2024/befolkning.csv:2: antal: fann 'x'" in result.output
    assert "steget kontroll misslyckades" in result.output
    assert not (project / "ut/2024").exists()
