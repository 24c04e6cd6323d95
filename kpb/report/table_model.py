"""The shape of the KPB report's tables: `Table` (a frame plus how to show it), the
`ReportData` every table is computed from, and the small helpers the tables share.

The table functions live in kpb.report.cost_tables and kpb.report.person_tables (and the
effect sheets in kpb.report.effect_sheets); kpb.report.tables lists them in report order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from kpb.report.disclosure import DEFAULT_RULE, Disclosure, Rule

# How a column is shown: the workbook maps each kind to an Excel number format, the web page
# to a Swedish text format.
KINDS = ("text", "kr", "kr_ore", "tal", "antal", "volym", "andel", "rad")
UNIT_LABELS = {"timmar": "timmar", "dygn": "dygn", "manader": "månader", "antal": "st",
               "kronor": "kronor"}
PRICE_LABELS = {"timmar": "kr/timme", "dygn": "kr/dygn", "manader": "kr/månad",
                "antal": "kr/st", "kronor": "kr per fakturerad krona"}
# The verksamhetsområden as people name them (the rules give each insats an område code);
# IFO is individ- och familjeomsorg as a whole.
AREA_NAMES = {"ÄO": "Äldreomsorg", "LSS": "LSS och socialpsykiatri", "BUF": "Barn och unga",
              "VUX": "Vuxna, missbruk", "EB": "Ekonomiskt bistånd", "AMI": "Arbetsmarknad",
              "IFO": "Individ- och familjeomsorg (IFO)"}
IFO = ("BUF", "VUX", "EB", "AMI")
READ = ("brukare", "brukare_insats", "insats", "pool", "fordelning", "avstamning")
# A frame column marking subtotal and total rows: the number of rows directly above that the
# row sums (a subtotal row inside that range is left out, as Excel's SUBTOTAL does); null on
# an ordinary row. The workbook writes the `Table.sums` columns of such rows as SUBTOTAL
# formulas with the exact value cached, so filters and edits in Excel keep them true.
DELSUMMA = "delsumma"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # one of KINDS; "rad" takes the kind of each row from column `format`


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" (one bar per category) | "line" (x and y as shares, with a diagonal)
    title: str
    category: str  # column of the category (bar) or x value (line)
    value: str  # column of the value
    value_label: str = ""
    category_label: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str  # the workbook sheet (at most 31 characters)
    title: str
    frame: pl.DataFrame
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()  # definitions, shown above the table
    chart: Chart | None = None
    disclosure: Disclosure | None = None  # how `kpb rapport --publicera` protects persons
    sums: tuple[str, ...] = ()  # columns summed in the DELSUMMA rows (SUBTOTAL in Excel)
    internal: bool = False  # rows about single persons: the published version shows none
    # False: left out of the published version altogether (rows of 1 or 2 persons that no
    # suppression makes safe to show, such as the flows and shifts between two KPB years)
    publish: bool = True
    texts: tuple[str, ...] = ()  # sentences stating the figures, shown above the notes


@dataclass(frozen=True)
class ReportData:
    year: int
    kommun: str
    frames: dict[str, pl.DataFrame]
    invanare: int | None = None
    insats_names: dict[str, str] = field(default_factory=dict)
    pool_utforare: dict[str, str] = field(default_factory=dict)
    pool_regi: dict[str, str] = field(default_factory=dict)  # pool -> "egen regi" | "extern regi"
    # pool, rapport_enhet, rapport_volym, rapport_personer (kpb.report.volumes)
    reporting: pl.DataFrame | None = None
    population: pl.DataFrame | None = None  # alder, antal (kpb.analyse.population)
    ytterfall: tuple = ()  # kpb.rules.reporting.Ytterfall
    # when the year's outputs were written (manifest.json): the workbook's creation time, so
    # that the same outputs give the same bytes
    created: dt.datetime | None = None
    # the disclosure thresholds of kpb.toml [publicering]: the published version's rule, and
    # the fewest persons a generated text states figures for
    rule: Rule = DEFAULT_RULE

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]


# -- helpers shared by the tables -------------------------------------------------------------------------------

def post_amount(data: ReportData, post: str) -> Decimal:
    value = data["avstamning"].filter(pl.col("post") == post)["belopp"].sum()
    return Decimal(value or 0)


def ratio(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return float(Decimal(numerator) / Decimal(denominator))


def money_ratio(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator as a float, null where the denominator is zero."""
    return (pl.when(pl.col(denominator) != 0)
            .then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator).cast(pl.Float64))
            .otherwise(None))


def insats_names(data: ReportData, column: str = "insats") -> pl.Expr:
    return pl.col(column).replace_strict(data.insats_names, default=pl.col(column),
                                         return_dtype=pl.Utf8)


def area_names(code: pl.Expr) -> pl.Expr:
    """The område's name for its code (codes kpb does not know stay as they are)."""
    return code.replace_strict(AREA_NAMES, default=code, return_dtype=pl.Utf8)


def gini(brukare: pl.DataFrame) -> float | None:
    """Gini of the cost per brukare: Σ (2i − n − 1) x_i / (n Σ x), x sorted ascending."""
    n = brukare.height
    if n == 0:
        return None
    x = brukare.select(pl.col("kostnad").cast(pl.Float64).sort().alias("x"))
    total = x["x"].sum()
    if total == 0:
        return None
    weighted = x.with_row_index("i", offset=1).select(
        ((2 * pl.col("i").cast(pl.Int64) - n - 1) * pl.col("x")).sum()).item()
    return weighted / (n * total)


def with_total(frame: pl.DataFrame, total: pl.DataFrame) -> pl.DataFrame:
    """frame with `total` (one row, the frame's sums) below it, marked in DELSUMMA."""
    body = frame.with_columns(pl.lit(None, pl.Int64).alias(DELSUMMA))
    total = total.with_columns(pl.lit(frame.height, pl.Int64).alias(DELSUMMA))
    return pl.concat([body, total.select(body.columns).cast(body.schema)])
