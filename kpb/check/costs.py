"""Pools whose cost has no volume to carry it, and volumes with no cost to price.

Both are computed from the same pool × insats amounts (after overhead) and volumes the
allocation uses, so what is warned here is exactly what the allocation reports as ofördelat
or prices at 0.
"""

from __future__ import annotations

import polars as pl

from kpb.flow.volumes import matched_rows, pool_insatser, volume_priced
from kpb.errors import Problem, warning
from kpb.money import format_sek
from kpb.rules import Rules
from kpb.rules.model import PoolType


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


def direct_pool_without_rows(amounts: pl.DataFrame, direkt: pl.DataFrame, rules: Rules) -> list[Problem]:
    """A direkt pool with cost and not one direkt row (an invoice file forgotten): its whole
    cost would reach no person and be reported as ofördelat."""
    feeds = pool_insatser(rules, (PoolType.DIREKT,))
    fed = matched_rows(direkt.select("insats", "utforare"), feeds).select("pool").unique().collect()
    idle = (amounts.filter(pl.col("pool").is_in([p.namn for p in rules.of_type(PoolType.DIREKT)])
                           & (pl.col("kostnad_ore") != 0))
            .join(fed, on="pool", how="anti").sort("pool", "insats"))
    return [warning(rules.source, None, f"pool {pool}",
                    f"direktpoolen har kostnad {format_sek(ore)} kr för insats {insats!r} men inga "
                    "direktrader (t.ex. fakturor per brukare): hela beloppet redovisas som "
                    "ofördelat")
            for pool, insats, ore in idle.select("pool", "insats", "kostnad_ore").iter_rows()]


def volume_without_cost(amounts: pl.DataFrame, volume_rows: pl.DataFrame, rules: Rules) -> list[Problem]:
    idle = (_per_pool_insats(volume_rows).filter(pl.col("volym_milli") != 0)
            .join(amounts, on=["pool", "insats"], how="left")
            .filter(volume_priced(rules) & (pl.col("kostnad_ore").fill_null(0) == 0))
            .sort("pool", "insats"))
    return [warning(rules.source, None, f"pool {pool}",
                    f"insats {insats!r} har volym men poolen har ingen kostnad att fördela")
            for insats, pool in idle.select("insats", "pool").iter_rows()]
