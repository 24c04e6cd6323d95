"""The KPB report's tables, computed once from ut/<year>/*.parquet for every renderer.

Each table function takes the `ReportData` of one year and returns a `Table`: a Polars frame
plus how to show it (column labels and kinds, the definitions that go beside the figures, and
an optional chart). The workbook (kpb.report.workbook) and the web page (kpb.report.html)
render every table in `TABLES` generically, so adding a sheet is adding one function here.

Money stays exact: sums are DECIMAL(18,2) sums of the Parquet columns. Derived figures
(means, medians, prices, shares) are ratios and are shown rounded; the definition beside each
says how it was computed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error
from kpb.report.disclosure import DEFAULT_RULE, Rule
from kpb.report.cost_tables import (avstamning, gemensamma, insatser, kostnad_per_insats, pooler,
                                    sammanfattning)
from kpb.report.areas import omraden
from kpb.report.effect_sheets import EFFECT_TABLES, effect_frames
from kpb.report.followup_sheet import followup_frames, uppfoljning
from kpb.report.outliers import insatskombinationer, ytterfall, ytterfall_lista
from kpb.report.person_tables import brukare, fordelning, fordelningskurva, per_invanare
from kpb.report.reconciliation import kostnadsbas
from kpb.report.table_model import READ, Chart, Column, ReportData, Table

# Read when present: each ledger row with its pool (the reconciliation per file, konto class
# and ansvar; konto and ansvar when the outputs carry them)
OPTIONAL = ("ledger_pool",)

__all__ = ["Chart", "Column", "ReportData", "TABLES", "Table", "fordelning", "fordelningskurva",
           "read_outputs", "tables"]


def read_outputs(output_dir: Path, year: int, kommun: str = "", invanare: int | None = None,
                 rules=None, population: pl.DataFrame | None = None,
                 rule: Rule = DEFAULT_RULE) -> ReportData:
    """The year's Parquet outputs, plus names and utförare from the rules when given;
    `rule`: the disclosure thresholds of kpb.toml [publicering]."""
    missing = [name for name in READ if not (output_dir / f"{name}.parquet").is_file()]
    if missing:
        raise KpbError("rapport", [error(str(output_dir / f"{missing[0]}.parquet"), None, None,
                                         f"inga resultat för {year}: kör `kpb compute {year}` "
                                         "först")])
    frames = {name: pl.read_parquet(output_dir / f"{name}.parquet", glob=False) for name in READ}
    frames |= {name: pl.read_parquet(output_dir / f"{name}.parquet", glob=False)
               for name in OPTIONAL if (output_dir / f"{name}.parquet").is_file()}
    frames |= effect_frames(output_dir, year)  # households, outcomes, comparisons (optional)
    frames |= followup_frames(output_dir, year)  # after kpb uppfoljning (optional)
    names, utforare, regi = {}, {}, {}
    if rules is not None:
        names = {kod: i.namn for kod, i in rules.insatser.items()}
        utforare = {p.namn: ", ".join(p.utforare) for p in rules.pools}
        regi = {p.namn: f"{p.regi} regi" for p in rules.pools if getattr(p, "regi", "")}
    return ReportData(year, kommun, frames, invanare, names, utforare, regi,
                      reporting_volumes(frames["insats"]), population, tuple(getattr(rules, "ytterfall", ())),
                      outputs_written(output_dir), rule)


def reporting_volumes(insats: pl.DataFrame) -> pl.DataFrame | None:
    """pool, rapport_enhet, rapport_volym: the report volumes the engine counted per pool
    (insats.parquet's rapportenhet and rapportvolym; absent in outputs of an older kpb)."""
    if "rapportvolym" not in insats.columns:
        return None
    return (insats.filter(pl.col("rapportvolym").is_not_null())
            .group_by("pool", maintain_order=True)
            .agg(rapport_enhet=pl.col("rapportenhet").first(),
                 rapport_volym=pl.col("rapportvolym").sum().cast(pl.Decimal(18, 3))))


def outputs_written(output_dir: Path) -> dt.datetime | None:
    """When the year's outputs were written: manifest.json's `skapad` (ISO time) when it has
    one, else the file's modification time, to the second in UTC. The workbook's creation
    time, so the same outputs give the same workbook, byte for byte."""
    manifest = output_dir / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        stamp = json.loads(manifest.read_text(encoding="utf-8")).get("skapad")
        if stamp:
            return dt.datetime.fromisoformat(str(stamp))
    except (ValueError, AttributeError):
        pass
    return dt.datetime.fromtimestamp(int(manifest.stat().st_mtime), dt.timezone.utc)


def tables(data: ReportData) -> list[Table]:
    made = [make(data) for make in TABLES]
    return [table for table in made if table is not None]  # an effect table may be absent


# The report's sheets in order: the KPB's own, then the effect sheets (households, outcomes,
# comparisons), each present when the year has it.
TABLES = [omraden, sammanfattning, kostnad_per_insats, insatser, brukare, per_invanare, fordelning,
          fordelningskurva, ytterfall, ytterfall_lista, insatskombinationer, pooler, gemensamma,
          avstamning, kostnadsbas, *EFFECT_TABLES, uppfoljning]
