"""One computed year (ut/<year>/*.parquet) as the tables of a sharing package.

Only published figures leave: every table is an aggregate over brukare, no column holds a
pseudonym, and in each insats (its age bands and their total) and each område the cells of
fewer than 3 brukare, or where one person carries more than half of the cost, are withheld
with secondary suppression: `kpb.report.disclosure.protected_rows`, the rule of
`kpb rapport --publicera` with the thresholds of kpb.toml [publicering] (a `Rule`). A
withheld row keeps its keys and `skyddad = true`; its figures are empty.

Money is integer öre until the tables are written; every ratio is an exact quotient rounded
half away from zero once (`kpb.money.decimal_ratio`).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.money import decimal_ratio
from kpb.network.layout import AGE_ALL, SCHEMA_VERSION
from kpb.report.disclosure import DEFAULT_RULE, Rule, protected_rows
from kpb.write.decimal_columns import sek, units

MONEY = pl.Decimal(18, 2)
VOLUME = pl.Decimal(18, 3)
SHARE = pl.Decimal(18, 4)
AGE_ORDER = ("0-19", "20-64", "65-79", "80+", "okänd")
# The columns of insats.parquet that the report's reporting volume may add (optional).
REPORTING = ("rapportenhet", "rapportvolym")
DECILES = 10  # the top 10 % (a decile) is shown when every decile has the rule's brukare


def ore(column: str) -> pl.Expr:
    return (pl.col(column) * 100).cast(pl.Int64)


def milli(column: str) -> pl.Expr:
    return (pl.col(column) * 1000).cast(pl.Int64)


def person_costs(folder: Path) -> pl.DataFrame:
    """person_id, insats, omrade, enhet, aldersgrupp, volym_milli, kostnad_ore per person and
    insats (only inside kpb: never written)."""
    persons = pl.read_parquet(folder / "brukare.parquet", columns=["person_id", "aldersgrupp"])
    return (pl.read_parquet(folder / "brukare_insats.parquet")
            .group_by("person_id", "insats", "omrade", "enhet")
            .agg(milli("volym").sum().alias("volym_milli"),
                 ore("kostnad").sum().alias("kostnad_ore"))
            .join(persons, on="person_id", how="left")
            .with_columns(pl.col("aldersgrupp").fill_null("okänd"),
                          pl.col("omrade").fill_null("okänt")))


def insats_table(folder: Path, invanare: int | None,
                 rule: Rule = DEFAULT_RULE) -> pl.DataFrame:
    """katalogkod × område × åldersgrupp (and `alla`): volym, kostnad, brukare, kostnad per
    enhet, per invånare and per rapportenhet, disclosure applied."""
    people = person_costs(folder)
    figures = [pl.col("volym_milli").sum(), pl.col("kostnad_ore").sum(),
               pl.col("person_id").n_unique().alias("brukare"),
               pl.col("kostnad_ore").max().alias("storsta_ore")]
    keys = ["insats", "omrade", "enhet"]
    bands = people.group_by(*keys, "aldersgrupp").agg(figures)
    totals = people.group_by(keys).agg(figures).with_columns(aldersgrupp=pl.lit(AGE_ALL))
    cells = (pl.concat([bands, totals.select(bands.columns)])
             .join(_catalogue(folder), on="insats", how="left")
             .join(_reporting(folder), on="insats", how="left")
             .with_columns([pl.when(pl.col("aldersgrupp") == AGE_ALL).then(pl.col(c)).alias(c)
                            for c in ("rapportenhet", "rapportvolym_milli", "rapportkostnad_ore")]))
    cells = _protected(cells, keys, rule).with_columns(
        kostnad_per_enhet=decimal_ratio(pl.col("kostnad_ore") * 10, pl.col("volym_milli"), 2),
        kostnad_per_invanare=_per_inhabitant("kostnad_ore", invanare),
        kostnad_per_rapportenhet=decimal_ratio(pl.col("rapportkostnad_ore") * 10,
                                               pl.col("rapportvolym_milli"), 2))
    return cells.select(
        pl.col("insats").alias("katalogkod"), pl.col("namn").fill_null(pl.col("insats")),
        "omrade", "aldersgrupp", "enhet", _units("volym_milli", "volym"),
        _kronor("kostnad_ore", "kostnad"), pl.col("brukare").cast(pl.Int64),
        "kostnad_per_enhet", "kostnad_per_invanare", pl.col("rapportenhet").cast(pl.Utf8),
        _units("rapportvolym_milli", "rapportvolym"), "kostnad_per_rapportenhet", "skyddad",
    ).sort("katalogkod", "omrade", "aldersgrupp")


def omrade_table(folder: Path, invanare: int | None,
                 ytterfall: pl.DataFrame | None, rule: Rule = DEFAULT_RULE) -> pl.DataFrame:
    """område × åldersgrupp (and `alla`): brukare with a cost in the område, their cost in
    it, cost per brukare and per invånare; for `alla` also the top 10 % share and Gini of
    the brukare's costs in the område and the ytterfall shares (`ytterfall`: omrade,
    ytterfall_andel_brukare, ytterfall_andel_kostnad, from the report's own table)."""
    people = (person_costs(folder).group_by("person_id", "omrade", "aldersgrupp")
              .agg(pl.col("kostnad_ore").sum()))
    figures = [pl.col("kostnad_ore").sum(), pl.len().alias("brukare"),
               pl.col("kostnad_ore").max().alias("storsta_ore")]
    bands = people.group_by("omrade", "aldersgrupp").agg(figures)
    totals = (people.group_by("omrade").agg(figures).with_columns(aldersgrupp=pl.lit(AGE_ALL))
              .join(_distribution(people, rule), on="omrade", how="left"))
    cells = pl.concat([bands, totals.select(bands.columns)]).join(
        totals.select("omrade", "andel_dyraste_10", "gini").with_columns(
            aldersgrupp=pl.lit(AGE_ALL)), on=["omrade", "aldersgrupp"], how="left")
    if ytterfall is None:
        ytterfall = pl.DataFrame(schema={"omrade": pl.Utf8, "ytterfall_andel_brukare": SHARE,
                                         "ytterfall_andel_kostnad": SHARE})
    cells = cells.join(ytterfall.with_columns(aldersgrupp=pl.lit(AGE_ALL)),
                       on=["omrade", "aldersgrupp"], how="left")
    cells = _protected(cells, ["omrade"], rule).with_columns(
        kostnad_per_brukare=decimal_ratio(pl.col("kostnad_ore"), pl.col("brukare") * 100, 2),
        kostnad_per_invanare=_per_inhabitant("kostnad_ore", invanare))
    return cells.select(
        "omrade", "aldersgrupp", pl.col("brukare").cast(pl.Int64),
        _kronor("kostnad_ore", "kostnad"), "kostnad_per_brukare", "kostnad_per_invanare",
        *[pl.col(c).cast(SHARE) for c in ("andel_dyraste_10", "gini", "ytterfall_andel_brukare",
                                          "ytterfall_andel_kostnad")], "skyddad",
    ).sort("omrade", "aldersgrupp")


def paket_table(kommunkod: str, year: int, manifest: dict, invanare: int | None,
                version: str) -> pl.DataFrame:
    return pl.DataFrame({
        "kommunkod": [kommunkod], "verksamhetsar": [year],
        "kommunnamn": [str(manifest.get("kommun") or "")],
        "invanare": pl.Series([invanare], dtype=pl.Int64),
        "kpb_version": [version],
        "regler_sha256": [str((manifest.get("regler") or {}).get("sha256") or "")],
        "schemaversion": [SCHEMA_VERSION],
    }, schema={"kommunkod": pl.Utf8, "verksamhetsar": pl.Int32, "kommunnamn": pl.Utf8,
               "invanare": pl.Int64, "kpb_version": pl.Utf8, "regler_sha256": pl.Utf8,
               "schemaversion": pl.Int32})


# -- the pieces ------------------------------------------------------------------------------

def _catalogue(folder: Path) -> pl.DataFrame:
    return (pl.read_parquet(folder / "insats.parquet", columns=["insats", "namn"])
            .group_by("insats").agg(pl.col("namn").drop_nulls().first()))


def _reporting(folder: Path) -> pl.DataFrame:
    """insats, rapportenhet, rapportvolym_milli, rapportkostnad_ore: the reporting volume of
    the insats's pools that have one in insats.parquet (when the engine writes it), and those
    pools' cost, so that e.g. the egen regi pools' cost is divided by their beviljade timmar.
    Pools counting different reporting units give no figure (never a mix of units)."""
    insats = pl.read_parquet(folder / "insats.parquet")
    if not set(REPORTING) <= set(insats.columns):
        return pl.DataFrame(schema={"insats": pl.Utf8, "rapportenhet": pl.Utf8,
                                    "rapportvolym_milli": pl.Int64,
                                    "rapportkostnad_ore": pl.Int64})
    one_unit = pl.col("rapportenhet").n_unique() == 1
    return (insats.filter(pl.col("rapportvolym").is_not_null())
            .group_by("insats").agg(
                pl.when(one_unit).then(pl.col("rapportenhet").first()).alias("rapportenhet"),
                pl.when(one_unit).then(milli("rapportvolym").sum()).alias("rapportvolym_milli"),
                pl.when(one_unit).then(ore("kostnad").sum()).alias("rapportkostnad_ore")))


def _distribution(people: pl.DataFrame, rule: Rule = DEFAULT_RULE) -> pl.DataFrame:
    """omrade, andel_dyraste_10, gini over the brukare's costs in the område (formats.md §5.1:
    the ⌊10 % × n⌋ costliest, at least one; Gini = Σ (2i − n − 1)·xᵢ ÷ (n·Σx)), exact."""
    ranked = people.sort("omrade", "kostnad_ore", "person_id").with_columns(
        i=pl.int_range(1, pl.len() + 1).over("omrade").cast(pl.Int128),
        n=pl.len().over("omrade").cast(pl.Int128))
    top = pl.max_horizontal(pl.col("n") * 10 // 100, pl.lit(1, pl.Int128))
    sums = ranked.group_by("omrade").agg(
        pl.col("n").first(), pl.col("kostnad_ore").cast(pl.Int128).sum().alias("summa"),
        pl.col("kostnad_ore").cast(pl.Int128).filter(pl.col("i") > pl.col("n") - top).sum()
        .alias("topp"),
        ((2 * pl.col("i") - pl.col("n") - 1) * pl.col("kostnad_ore").cast(pl.Int128)).sum()
        .alias("viktad"))
    return sums.select(
        "omrade",
        andel_dyraste_10=pl.when(pl.col("n") >= DECILES * rule.persons)
        .then(decimal_ratio(pl.col("topp"), pl.col("summa"), 4)),
        gini=decimal_ratio(pl.col("viktad"), pl.col("n") * pl.col("summa"), 4))


def _protected(cells: pl.DataFrame, keys: list[str], rule: Rule = DEFAULT_RULE) -> pl.DataFrame:
    """`skyddad` per row by kpb.report.disclosure: within each group of `keys`, the age
    bands in order and their total (`alla`) last; protected rows' figures nulled. One call
    per group (an insats or område: tens per kommun), never per person."""
    order = {band: i for i, band in enumerate((*AGE_ORDER, AGE_ALL))}
    cells = cells.with_columns(
        _ordning=pl.col("aldersgrupp").replace_strict(order, default=len(AGE_ORDER) - 1,
                                                       return_dtype=pl.Int32)
    ).sort(*keys, "_ordning", "aldersgrupp")
    flags = []
    for _, group in cells.group_by(keys, maintain_order=True):
        flags += protected_rows(group["brukare"].to_list(), group["kostnad_ore"].to_list(),
                                group["storsta_ore"].to_list(), total_row=True, rule=rule)
    protect = pl.Series("skyddad", flags, dtype=pl.Boolean)
    figures = [c for c in cells.columns if c not in (*keys, "aldersgrupp", "namn", "enhet",
                                                     "_ordning")]
    return cells.with_columns(protect).with_columns(
        [pl.when(pl.col("skyddad")).then(None).otherwise(pl.col(c)).alias(c) for c in figures]
    ).drop("_ordning", "storsta_ore")


def _per_inhabitant(column: str, invanare: int | None) -> pl.Expr:
    if not invanare:
        return pl.lit(None, MONEY)
    return pl.when(pl.col("aldersgrupp") == AGE_ALL).then(
        decimal_ratio(pl.col(column), pl.lit(invanare * 100, pl.Int64), 2))


def _kronor(column: str, name: str) -> pl.Expr:
    return sek(column).alias(name)


def _units(column: str, name: str) -> pl.Expr:
    return units(column).alias(name)
