"""Tables derived from the person split: per pool, per insats, per person."""

from __future__ import annotations

import polars as pl

from kpb.money import unit_price
from kpb.rules import Rules


INSATS_COLUMNS = ("insats", "namn", "pool", "enhet", "volym_milli", "kostnad_ore", "styckkostnad",
                  "antal_brukare", "rapportenhet", "rapportvolym_milli",
                  "kostnad_per_rapportenhet")


def insats_table(amounts: pl.DataFrame, volume_rows: pl.DataFrame, rules: Rules,
                 report: pl.DataFrame | None = None) -> pl.DataFrame:
    """insats × pool: enhet, volym_milli, kostnad_ore, styckkostnad, antal_brukare, and where
    the pool has a report volume (kpb.allocate.report_volumes) rapportenhet,
    rapportvolym_milli and kostnad_per_rapportenhet (cost ÷ report volume, as styckkostnad)."""
    per_pool = (volume_rows.filter(pl.col("volym_milli") != 0)
                .group_by(["pool", "insats"])
                .agg(volym_milli=pl.col("volym_milli").sum(), antal_brukare=pl.col("person_id").n_unique()))
    table = (amounts.join(per_pool, on=["pool", "insats"], how="left")
             .with_columns(pl.col("volym_milli").fill_null(0),
                           pl.col("antal_brukare").fill_null(0).cast(pl.Int64),
                           enhet=pl.col("insats").replace_strict(_units(rules), default=None, return_dtype=pl.Utf8),
                           namn=pl.col("insats").replace_strict(_names(rules), default=None, return_dtype=pl.Utf8)))
    if report is None:
        from kpb.allocate.report_volumes import REPORT_SCHEMA
        report = pl.DataFrame(schema=REPORT_SCHEMA)
    table = table.join(report.select("pool", "insats", "rapportenhet", "rapportvolym_milli"),
                       on=["pool", "insats"], how="left")
    prices = [unit_price(k, v) for k, v in table.select("kostnad_ore", "volym_milli").iter_rows()]
    per_report = [unit_price(k, v) if v is not None else None
                  for k, v in table.select("kostnad_ore", "rapportvolym_milli").iter_rows()]
    return (table.with_columns(styckkostnad=pl.Series(prices, dtype=pl.Utf8),  # few rows
                               kostnad_per_rapportenhet=pl.Series(per_report, dtype=pl.Utf8)
                               .cast(pl.Decimal(18, 4)))
            .select(INSATS_COLUMNS).sort("insats", "pool"))


def _names(rules: Rules) -> dict[str, str]:
    """The catalogue's name of each insats (`namn`, the code when none is given)."""
    return {k: i.namn or k for k, i in rules.insatser.items()}


def _units(rules: Rules) -> dict[str, str]:
    return {k: i.enhet for k, i in rules.insatser.items()}


def with_insats_facts(person_rows: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """brukare_insats rows with omrade and enhet from the insats catalogue."""
    areas = {k: i.omrade for k, i in rules.insatser.items()}
    return (person_rows.with_columns(omrade=pl.col("insats").replace_strict(areas, default="", return_dtype=pl.Utf8),
                                     enhet=pl.col("insats").replace_strict(_units(rules), default=None, return_dtype=pl.Utf8))
            .select("person_id", "insats", "pool", "omrade", "enhet", "volym_milli",
                    "kostnad_ore", "kalla").sort("person_id", "insats", "pool", "kalla"))


def brukare_table(brukare_insats: pl.DataFrame, person) -> pl.DataFrame:
    """One row per person: attributes, total cost, insatser and the main area."""
    per_insats = (brukare_insats.group_by(["person_id", "insats", "omrade"])
                  .agg(pl.col("kostnad_ore").sum()))
    main_area = (per_insats.sort(["person_id", "kostnad_ore", "insats"], descending=[False, True, False])
                 .group_by("person_id", maintain_order=True).agg(omrade=pl.col("omrade").first()))
    totals = per_insats.group_by("person_id").agg(
        kostnad_ore=pl.col("kostnad_ore").sum(),
        antal_insatser=pl.col("insats").n_unique().cast(pl.Int64),
        insatskombination=pl.col("insats").unique().sort().str.join("+"))
    attributes = person.lazy().select("person_id", "kon", "alder", "aldersgrupp").collect()
    return (totals.join(main_area, on="person_id").join(attributes, on="person_id", how="left")
            .with_columns(pl.col("kon").fill_null(""), pl.col("aldersgrupp").fill_null("okänd"))
            .select("person_id", "kon", "alder", "aldersgrupp", "omrade", "kostnad_ore",
                    "antal_insatser", "insatskombination").sort("person_id"))


def pool_table(rules: Rules, totals, overhead, brukare_insats, ofordelat) -> pl.DataFrame:
    to_persons = dict(brukare_insats.group_by("pool").agg(pl.col("kostnad_ore").sum()).iter_rows())
    unallocated = dict(ofordelat.group_by("pool").agg(pl.col("belopp_ore").sum()).iter_rows())
    rows = []
    for pool in rules.pools:  # one row per pool
        received, sent = overhead.received.get(pool.namn, 0), overhead.sent.get(pool.namn, 0)
        rows.append((pool.namn, pool.typ, totals[pool.namn], received, sent,
                     totals[pool.namn] + received - sent, to_persons.get(pool.namn, 0),
                     unallocated.get(pool.namn, 0)))
    return pl.DataFrame(rows, orient="row", schema={
        "pool": pl.Utf8, "typ": pl.Utf8, "bokfort_ore": pl.Int64, "erhallen_gemensam_ore": pl.Int64,
        "fordelad_gemensam_ore": pl.Int64, "att_fordela_ore": pl.Int64, "till_brukare_ore": pl.Int64,
        "ofordelat_ore": pl.Int64})
