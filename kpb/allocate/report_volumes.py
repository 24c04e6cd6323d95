"""Report volumes: a pool's cost also priced per a unit people compare (formats.md §3.2).

`rapportvolym` on a pool (verksamhet with one insats, or direkt) names aktivitet rows counted
beside the pool's own volume: vårddygn of HVB bought per invoice, beviljade timmar of
hemtjänst priced per utförd timme. They are counted exactly as an operating insats is counted
(kpb.flow.volumes: dygn clipped to the year with overlaps once, distinct months, hours and
counts on their date), from the allocation's own aktivitet rows, whose codes are already
mapped onto the catalogue (`koder`), and at the pool's utförare when the pool names them.
They never move a krona: insats.parquet carries them as `rapportvolym`, `rapportenhet` and
`kostnad_per_rapportenhet`.
"""

from __future__ import annotations

import polars as pl

from kpb.flow.codes import code_map
from kpb.flow.volumes import days, in_year, matched_rows, months, per_person, summed
from kpb.rules import Rules

REPORT_SCHEMA = {"pool": pl.Utf8, "insats": pl.Utf8, "rapportenhet": pl.Utf8,
                 "rapportvolym_milli": pl.Int64, "rapport_brukare": pl.Int64}


def report_feeds(rules: Rules) -> pl.DataFrame:
    """pool, insats (the report code, mapped like the rows), enhet, utforare_krav, the pool's
    own insats (`pool_insats`) and the unit's name (`rapportenhet`)."""
    mapping = code_map(rules)
    rows = [(p.namn, mapping.get(p.rapportvolym.aktivitet, p.rapportvolym.aktivitet),
             p.rapportvolym.enhet, u, p.insats, p.rapportvolym.namn)
            for p in rules.pools if p.rapportvolym is not None and p.insats
            for u in (p.utforare or (None,))]
    return pl.DataFrame(rows, orient="row", schema={
        "pool": pl.Utf8, "insats": pl.Utf8, "enhet": pl.Utf8, "utforare_krav": pl.Utf8,
        "pool_insats": pl.Utf8, "rapportenhet": pl.Utf8})


def report_volumes(aktivitet, rules: Rules, year: int) -> pl.DataFrame:
    """pool, insats (the pool's insats), rapportenhet, rapportvolym_milli, rapport_brukare:
    one row per pool with a report volume (0 when no row is counted)."""
    feeds = report_feeds(rules)
    if feeds.is_empty():
        return pl.DataFrame(schema=REPORT_SCHEMA)
    rows = aktivitet.lazy().filter(pl.col("insats").cast(pl.Utf8).is_in(
        feeds["insats"].unique().implode()))
    of_unit = lambda unit: feeds.filter(pl.col("enhet") == unit).drop(  # noqa: E731
        "pool_insats", "rapportenhet")
    dated = per_person(rows.filter(in_year(pl.col("from"), year)))
    counted = pl.concat([
        summed(matched_rows(dated, of_unit("timmar")), "timmar_milli"),
        summed(matched_rows(dated, of_unit("antal")), "antal_milli"),
        days(matched_rows(rows, of_unit("dygn")), year),
        months(matched_rows(rows, of_unit("manader")), year),
    ]).select("pool", "person_id", pl.col("volym_milli").cast(pl.Int64)).collect()
    per_pool = (counted.group_by("pool")
                .agg(rapportvolym_milli=pl.col("volym_milli").sum(),
                     rapport_brukare=pl.col("person_id").filter(pl.col("volym_milli") > 0)
                     .n_unique().cast(pl.Int64)))
    return (feeds.select("pool", insats="pool_insats", rapportenhet="rapportenhet").unique()
            .join(per_pool, on="pool", how="left")
            .with_columns(pl.col("rapportvolym_milli").fill_null(0),
                          pl.col("rapport_brukare").fill_null(0))
            .select(list(REPORT_SCHEMA)).cast(REPORT_SCHEMA).sort("pool"))
