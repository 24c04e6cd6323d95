"""Reporting volumes of direct pools (rapportvolym in the rules), counted like the engine
counts an operating insats: dygn clipped to the year with overlaps once, distinct months,
summed hours or counts, over the aktivitet rows with their insats codes mapped onto the
catalogue (the engine's own codes: a `koder` mapping in the rules counts here too)."""

from __future__ import annotations

import duckdb
import polars as pl

from kpb.flow.codes import code_map
from kpb.flow.volumes import days, in_year, months, summed
from kpb.sqlfiles import sql

SCHEMA = {"pool": pl.Utf8, "rapport_enhet": pl.Utf8, "rapport_volym": pl.Decimal(18, 3),
          "rapport_personer": pl.UInt32}


def stored_rows(database, year: int, rules) -> pl.DataFrame | None:
    """The year's aktivitet rows in kpb.duckdb (for `kpb rapport`, which runs no compute),
    their codes mapped onto the catalogue."""
    if rules is None or not database.is_file():
        return None
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.sql(sql("report/aktivitet_rows"), params={"ar": year}).pl()
    mapping = code_map(rules)
    return rows.with_columns(pl.col("insats").replace(mapping)) if mapping else rows


def reporting_volumes(aktivitet, rules, year: int) -> pl.DataFrame:
    """pool, rapport_enhet (e.g. "vårddygn"), rapport_volym, rapport_personer; `aktivitet`
    with its codes mapped (the check's facts, or `stored_rows`)."""
    wanted = [p for p in rules.pools if getattr(p, "rapportvolym", None)] if rules else []
    if not wanted or aktivitet is None:
        return pl.DataFrame(schema=SCHEMA)
    codes = sorted({p.rapportvolym.aktivitet for p in wanted})
    rows = (aktivitet.lazy().filter(pl.col("insats").cast(pl.Utf8).is_in(codes))
            .select(pl.col("person_id").cast(pl.Utf8), pl.col("insats").cast(pl.Utf8), "from", "tom", "timmar_milli",
                    "antal_milli").collect())
    frames = []
    for pool in wanted:
        volume = pool.rapportvolym
        mine = rows.lazy().filter(pl.col("insats") == volume.aktivitet).with_columns(
            pool=pl.lit(pool.namn))
        counted = {"dygn": lambda r: days(r, year), "manader": lambda r: months(r, year),
                   "timmar": lambda r: summed(r.filter(in_year(pl.col("from"), year)),
                                              "timmar_milli"),
                   "antal": lambda r: summed(r.filter(in_year(pl.col("from"), year)),
                                             "antal_milli")}[volume.enhet](mine)
        total = counted.collect()
        frames.append(pl.DataFrame({
            "pool": [pool.namn], "rapport_enhet": [volume.namn],
            "rapport_volym": [int(total["volym_milli"].sum() or 0)],
            "rapport_personer": [total.filter(pl.col("volym_milli") > 0).height]}))
    return pl.concat(frames).with_columns(
        (pl.col("rapport_volym").cast(pl.Decimal(18, 0)) / 1000).cast(pl.Decimal(18, 3)),
        pl.col("rapport_personer").cast(pl.UInt32)).cast(SCHEMA)
