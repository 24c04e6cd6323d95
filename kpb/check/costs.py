"""Pools whose cost has no volume to carry it, and volumes with no cost to price.

Both are computed from the same pool × insats amounts (after overhead) and volumes the
allocation uses, so what is warned here is exactly what the allocation reports as ofördelat
or prices at 0.
"""

from __future__ import annotations

import polars as pl

from kpb.allocate.volumes import volume_priced
from kpb.errors import Problem, warning
from kpb.money import format_sek
from kpb.rules import Rules


def _per_pool_insats(volume_rows: pl.DataFrame) -> pl.DataFrame:
    return volume_rows.group_by(["pool", "insats"]).agg(volym_milli=pl.col("volym_milli").sum())


def cost_without_volume(amounts: pl.DataFrame, volume_rows: pl.DataFrame, rules: Rules) -> list[Problem]:
    idle = (amounts.filter(volume_priced(rules) & (pl.col("kostnad_ore") != 0))
            .join(_per_pool_insats(volume_rows), on=["pool", "insats"], how="left")
            .filter(pl.col("volym_milli").fill_null(0) == 0).sort("pool", "insats"))
    return [warning(rules.source, None, f"pool {pool}",
                    f"insats {insats!r} har kostnad {format_sek(ore)} kr men ingen volym i "
                    "aktivitetsdata: beloppet redovisas som ofördelat")
            for pool, insats, ore in idle.select("pool", "insats", "kostnad_ore").iter_rows()]


def volume_without_cost(amounts: pl.DataFrame, volume_rows: pl.DataFrame, rules: Rules) -> list[Problem]:
    idle = (_per_pool_insats(volume_rows).filter(pl.col("volym_milli") != 0)
            .join(amounts, on=["pool", "insats"], how="left")
            .filter(volume_priced(rules) & (pl.col("kostnad_ore").fill_null(0) == 0))
            .sort("pool", "insats"))
    return [warning(rules.source, None, f"pool {pool}",
                    f"insats {insats!r} har volym men poolen har ingen kostnad att fördela")
            for insats, pool in idle.select("insats", "pool").iter_rows()]
