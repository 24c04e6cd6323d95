"""The network comparison as report tables: "KPB-nätverket <år>", a workbook and a web page
drawn by kpb.report's own renderers (Table, write_workbook, write_html)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.report.html import write_html
from kpb.report.table_model import UNIT_LABELS, Column, Table
from kpb.report.workbook import write_workbook

MARK = "▶ "
# (niva, matt, sheet, title, kind of the value): the comparison's figures in report order
FIGURES = (
    ("insats", "kostnad_per_enhet", "Kostnad per enhet", "Kostnad per enhet och insats", "kr_ore"),
    ("insats", "kostnad_per_rapportenhet", "Per rapportenhet",
     "Kostnad per rapportenhet (t.ex. kr/vårddygn för köpta platser)", "kr_ore"),
    ("insats", "kostnad_per_invanare", "Insats per invånare", "Kronor per invånare och insats",
     "kr_ore"),
    ("omrade", "kostnad_per_invanare", "Område per invånare", "Kronor per invånare och område",
     "kr_ore"),
    ("omrade", "kostnad_per_brukare", "Kostnad per brukare", "Kostnad per brukare och område",
     "kr_ore"),
    ("omrade", "andel_dyraste_10", "Dyraste 10 %", "De dyraste 10 %:s andel av kostnaden",
     "andel"),
    ("omrade", "gini", "Gini", "Gini-koefficient per område", "tal4"),
    ("omrade", "ytterfall_andel_kostnad", "Ytterfall", "Ytterfallens andel av kostnaden",
     "andel"),
)
NOTES = (
    "Rang 1 = lägst värde bland kommunerna. Median och kvartiler: linjär interpolation mellan "
    "närmaste kommuner (position (n − 1) × k/4), avrundat till öret (andelar: fyra decimaler).",
    "Från median = kommunens värde − medianen, och som andel av medianen.",
    "Förändring = mot kommunens senaste tidigare paket (löpande priser; fasta priser när "
    "kpb natverk fått --index för båda åren).",
    "Bara publicerade uppgifter: celler med färre än 3 brukare (eller den gräns kommunen satt "
    "i kpb.toml [publicering]) är skyddade i paketen och ingår inte.",
)


def render(network, folder: Path, kommun: str | None) -> tuple[str, str]:
    tables = [packages_table(network), *figure_tables(network, kommun)]
    title = f"KPB-nätverket {network.year}"
    subtitle = ("Kostnad per brukare jämförd mellan kommuner ur deras delningspaket (kpb dela). "
                "Alla belopp i kronor." + (f" {MARK.strip()} = vald kommun ({kommun})."
                                           if kommun else ""))
    workbook, page = f"natverk_{network.year}.xlsx", f"natverk_{network.year}.html"
    write_workbook(folder / workbook, tables, title)
    write_html(folder / page, tables, title, subtitle)
    return workbook, page


def package_frame(network) -> pl.DataFrame:
    return pl.DataFrame({
        "kommun": [p.kommun for p in network.packages],
        "ar": pl.Series([p.ar for p in network.packages], dtype=pl.Int32),
        "kommunnamn": [p.kommunnamn for p in network.packages],
        "invanare": pl.Series([p.invanare for p in network.packages], dtype=pl.Int64),
        "kpb_version": [p.kpb_version for p in network.packages],
        "schemaversion": pl.Series([p.schemaversion for p in network.packages], dtype=pl.Int32),
        "regler_sha256": [p.regler_sha256 for p in network.packages],
        "status": [_status(p, network.year) for p in network.packages],
        "mapp": [str(p.folder) for p in network.packages],
    }, schema={"kommun": pl.Utf8, "ar": pl.Int32, "kommunnamn": pl.Utf8, "invanare": pl.Int64,
               "kpb_version": pl.Utf8, "schemaversion": pl.Int32, "regler_sha256": pl.Utf8,
               "status": pl.Utf8, "mapp": pl.Utf8})


def _status(package, year: int) -> str:
    if package.problem:
        return f"utelämnat: {package.problem}"
    if package.ar == year:
        return "jämförs"
    return "tidigare år (förändring)" if package.ar < year else "senare år (inte med)"


def packages_table(network) -> Table:
    frame = package_frame(network).with_columns(regler=pl.col("regler_sha256").str.slice(0, 12))
    return Table("paket", "Paket", f"Delningspaket {network.year}", frame,
                 (Column("kommun", "Kommunkod"), Column("kommunnamn", "Kommun"),
                  Column("ar", "År", "heltal"), Column("invanare", "Invånare", "antal"),
                  Column("kpb_version", "kpb-version"), Column("schemaversion", "Schema", "heltal"),
                  Column("regler", "Regler (SHA-256)"), Column("status", "Status")),
                 ("Varje paket som hittades. Paket med en annan schemaversion, eller som inte "
                  "stämmer med sin mapp, nämns här och blandas inte in.",))


def figure_tables(network, kommun: str | None) -> list[Table]:
    names = {p.kommun: p.kommunnamn for p in network.packages if p.ar == network.year}
    tables = []
    for niva, matt, sheet, title, kind in FIGURES:
        rows = network.comparison.filter((pl.col("niva") == niva) & (pl.col("matt") == matt))
        if rows.is_empty():
            continue
        label = pl.col("kommun") + pl.lit(" ") + pl.col("kommun").replace_strict(
            names, default="", return_dtype=pl.Utf8)
        rows = rows.with_columns(
            enhetstext=pl.col("enhet").replace_strict(UNIT_LABELS, default=pl.col("enhet")),
            kommuntext=pl.when(pl.col("kommun") == (kommun or "")).then(pl.lit(MARK) + label)
            .otherwise(label),
            rangtext=pl.col("rang").cast(pl.Utf8) + pl.lit(" av ")
            + pl.col("kommuner").cast(pl.Utf8))
        first = ((Column("namn", "Insats"), Column("kod", "Kod"), Column("omrade", "Område"),
                  Column("enhetstext", "Enhet")) if niva == "insats"
                 else (Column("omrade", "Område"),))
        tables.append(Table(
            f"{niva}_{matt}", sheet, f"{title} {network.year}", rows,
            (*first, Column("kommuntext", "Kommun"), Column("varde", "Värde", kind),
             Column("rangtext", "Rang"), Column("median", "Median", kind),
             Column("kvartil1", "Kvartil 1", kind), Column("kvartil3", "Kvartil 3", kind),
             Column("fran_median", "Från median", kind),
             Column("fran_median_andel", "Från median, andel", "andel"),
             Column("ar_tidigare", "Jämfört med år", "heltal"),
             Column("forandring", "Förändring", "andel"),
             Column("forandring_fast", "Förändring, fasta priser", "andel")),
            NOTES))
    return tables
