"""The published report under kpb.toml's [publicering] thresholds, and its charts: a chart of a
published table carries no withheld figure (the web page's SVG, the workbook's chart)."""

import re
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from builders import computed_example, run
from tests.test_rapport import sheet_rows


@pytest.fixture(scope="module")
def exempel(tmp_path_factory) -> Path:
    return computed_example(tmp_path_factory.mktemp("publicering"))


def with_settings(project: Path, block: str) -> None:
    settings = project / "kpb.toml"
    text = settings.read_text(encoding="utf-8").split("\n[publicering]")[0]
    settings.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")


def publish(project: Path) -> tuple[openpyxl.Workbook, str]:
    result = run("rapport", "2024", "--publicera", "--project", str(project), "--tyst")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(project / "ut/2024/kpb_2024_publicerad.xlsx", data_only=True)
    page = (project / "ut/2024/rapport_publicerad.html").read_text(encoding="utf-8")
    return book, page


def counted_columns(project: Path):
    """(sheet, first header label, label of the column counting persons) of every table that
    protects persons, from the report's own table definitions."""
    from kpb.report.tables import read_outputs, tables

    for table in tables(read_outputs(project / "ut/2024", 2024, "Exempelkommun", 15000)):
        if table.disclosure is None or table.internal:
            continue
        labels = {c.name: c.label for c in table.columns}
        if table.disclosure.count in labels:
            yield table.sheet, table.columns[0].label, labels[table.disclosure.count]


def small_counts(book, columns, below: int) -> list:
    found = []
    for sheet, first, label in columns:
        for row in sheet_rows(book, sheet, first):
            value = row.get(label)
            if isinstance(value, (int, float)) and 0 < value < below:
                found.append((sheet, row[first], value))
    return found


def test_minsta_antal_in_kpb_toml_withholds_rows_below_it(exempel):
    columns = list(counted_columns(exempel))
    internal = openpyxl.load_workbook(exempel / "ut/2024/kpb_2024.xlsx", data_only=True)
    assert any(3 <= v < 5 for *_, v in small_counts(internal, columns, 5))  # there are some
    with_settings(exempel, "[publicering]\nminsta_antal = 5\n")
    try:
        book, page = publish(exempel)
    finally:
        with_settings(exempel, "")
    assert small_counts(book, columns, 5) == []
    assert "färre än 5 personer" in page and "färre än 3 personer" not in page
    assert any("färre än 5 personer" in str(c.value)
               for row in book["Brukare"].iter_rows(max_row=8) for c in row)


def test_the_default_is_3_persons_and_half_the_cost(exempel):
    book, page = publish(exempel)
    columns = list(counted_columns(exempel))
    assert small_counts(book, columns, 3) == []
    assert any(3 <= v < 5 for *_, v in small_counts(book, columns, 5))  # 3 and 4 published
    assert "färre än 3 personer, en person bär mer än hälften av kostnaden" in page


def test_a_dominance_share_of_its_own_is_named_in_the_note(exempel):
    with_settings(exempel, "[publicering]\ndominans = 0.6\n")
    try:
        _, page = publish(exempel)
    finally:
        with_settings(exempel, "")
    assert "en person bär mer än 60 % av kostnaden" in page


@pytest.mark.parametrize("block, key, says", [
    ("minsta_antal = 1", "publicering.minsta_antal", "fann 1, väntade ett heltal 2 eller större"),
    ('minsta_antal = "3"', "publicering.minsta_antal", "fann '3'"),
    ("dominans = 50", "publicering.dominans", "fann 50, väntade en andel mellan 0 och 1"),
    ("dominans = 1.0", "publicering.dominans", "fann 1.0"),
    ("dominans = 0", "publicering.dominans", "fann 0,"),
    ("minsta_antl = 4", "publicering.minsta_antl", "okänd inställning"),
])
def test_a_bad_threshold_is_refused_naming_kpb_toml_and_the_key(exempel, block, key, says):
    with_settings(exempel, f"[publicering]\n{block}\n")
    try:
        result = run("rapport", "2024", "--publicera", "--project", str(exempel))
    finally:
        with_settings(exempel, "")
    assert result.exit_code == 1
    assert f"kpb.toml: {key}: {says}" in result.output
    assert "Traceback" not in result.output


# -- charts carry no withheld figure ----------------------------------------------------------

NUMBER = r"-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?"


def chart_values(path: Path) -> list[str]:
    """Every cached value and custom label text of the workbook's charts."""
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode("utf-8") for n in archive.namelist()
                  if n.startswith("xl/charts/chart")]
    return [v for xml in charts for v in re.findall(r"<c:v>([^<]*)</c:v>|<a:t>([^<]*)</a:t>", xml)
            for v in v if v]


def test_no_chart_of_the_publication_shows_a_withheld_bar(exempel):
    """HVB barn and HVB vuxna have 6 brukare each: with minsta_antal = 7 their rows of Kostnad
    per insats are withheld, and so are their bars in the chart beside it."""
    from kpb.report.html import format_value

    insats = pl.read_parquet(exempel / "ut/2024/insats.parquet")
    costs = dict(insats.group_by("insats").agg(pl.col("kostnad").sum()).rows())
    with_settings(exempel, "[publicering]\nminsta_antal = 7\n")
    try:
        book, page = publish(exempel)
    finally:
        with_settings(exempel, "")
    rows = {r["Kod"]: r for r in sheet_rows(book, "Kostnad per insats", "Insats")}
    withheld = {code: costs[code] for code, row in rows.items() if row["Kostnad"] == ".."}
    assert {"hvb_barn", "hvb_vuxna"} <= set(withheld)  # and those that would give them away
    shown = [r for r in rows.values() if r["Kostnad"] != ".."]
    section = page.split('<section id="kostnad_per_insats">')[1].split("</section>")[0]
    svg = section.split("<svg")[1].split("</svg>")[0]
    assert svg.count('class="stapel"') == len(shown)  # a bar for every published row only
    assert svg.count(">..</text>") == len(withheld)  # the withheld ones say ..
    values = chart_values(exempel / "ut/2024/kpb_2024_publicerad.xlsx")
    for cost in withheld.values():
        assert format_value(cost, "kr") not in page  # neither in the table nor in the chart
        assert not any(abs(float(v) - float(cost)) < 1 for v in values
                       if re.fullmatch(NUMBER, v))
    assert values.count("..") == len(withheld)  # the bars' labels in the workbook
    # the internal workbook's chart has them
    internal = chart_values(exempel / "ut/2024/kpb_2024.xlsx")
    assert any(abs(float(v) - float(withheld["hvb_barn"])) < 1 for v in internal
               if re.fullmatch(NUMBER, v))


def test_a_curve_with_a_withheld_point_is_not_drawn(exempel):
    """With minsta_antal = 30 the distribution curve's 5 % steps (about 18 brukare) are
    withheld: no curve in the page nor in the workbook, whose only chart is the bars."""
    with_settings(exempel, "[publicering]\nminsta_antal = 30\n")
    try:
        book, page = publish(exempel)
    finally:
        with_settings(exempel, "")
    section = page.split('<section id="fordelningskurva">')[1].split("</section>")[0]
    assert "<svg" not in section and 'class="kurva"' not in page
    assert all(r["Andel av kostnaden"] in ("..", 0, 1) for r in
               sheet_rows(book, "Fördelningskurva", "Andel av brukarna (billigast först)"))
    with zipfile.ZipFile(exempel / "ut/2024/kpb_2024_publicerad.xlsx") as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1 and "scatterChart" not in archive.read(charts[0]).decode()


def test_kpb_dela_withholds_under_the_same_threshold(exempel, tmp_path):
    """The sharing package uses kpb.toml's [publicering] too: with minsta_antal = 7 no shown
    cell of insats.parquet or omrade.parquet holds 1 to 6 brukare (3 to 6 do by default)."""
    def shared(root: Path) -> list[int]:
        counts = []
        for name in ("insats", "omrade"):
            table = pl.read_parquet(root / "kommun=1489/ar=2024" / f"{name}.parquet")
            counts += table.filter(~pl.col("skyddad"))["brukare"].to_list()
        return counts

    result = run("dela", "2024", "--kommunkod", "1489", "--ut", str(tmp_path / "a"),
                 "--project", str(exempel), "--tyst")
    assert result.exit_code == 0, result.output
    assert any(3 <= c < 7 for c in shared(tmp_path / "a"))
    with_settings(exempel, "[publicering]\nminsta_antal = 7\n")
    try:
        result = run("dela", "2024", "--kommunkod", "1489", "--ut", str(tmp_path / "b"),
                     "--project", str(exempel), "--tyst")
    finally:
        with_settings(exempel, "")
    assert result.exit_code == 0, result.output
    assert "färre än 7 brukare" in result.output
    assert not any(0 < c < 7 for c in shared(tmp_path / "b"))
