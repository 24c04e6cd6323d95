"""`kpb uppfoljning`: the month-by-month tables written as one unit, under the project lock.

The tables and manifest.json are staged in `ut/.uppfoljning_<year>.tmp-…` and swapped in for
`ut/uppfoljning_<year>` with two renames; `kpb.write.commit.recover` undoes a swap cut
between them (the previous folder goes back), so the folder always holds one follow-up, the
old or the new. Every table gets `ar` and `delar` (true when the ledger ends before December)
as its first columns.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.write.commit import project_lock
from kpb.write.decimal_columns import to_user_columns
from kpb.write.outputs import FOLLOWUPS, staged, swap_in, write_manifest

PRICE_COLUMNS = ("styckkostnad", "kostnad_per_rapportenhet")


def write_followup(project, tables: dict[str, pl.DataFrame], target: Path, year: int,
                   delar: bool, manifest: dict) -> Path:
    """The tables as Parquet (money DECIMAL(18,2), volumes DECIMAL(18,3), prices
    DECIMAL(18,4)) and manifest.json, swapped in at once."""
    def fill(staging: Path) -> None:
        for name in FOLLOWUPS:
            frame = to_user_columns(tables[name]).with_columns(
                [pl.col(c).cast(pl.Decimal(18, 4)) for c in PRICE_COLUMNS
                 if c in tables[name].columns])
            frame = frame.select(pl.lit(year, pl.Int32).alias("ar"), pl.lit(delar).alias("delar"),
                                 pl.all())
            frame.write_parquet(staging / f"{name}.parquet", compression="zstd")
        write_manifest(staging, manifest)

    with project_lock(project):
        swap_in(staged(target, fill), target)
    return target
