"""Data that the allocation could not use, reported as warnings (nothing is dropped silently)."""

from __future__ import annotations

import polars as pl

from kpb.allocate.volumes import matched_rows, pool_insatser, volume_priced
from kpb.errors import Problem, warning
from kpb.rules import Rules


def unused_rows(rows, rules: Rules, types, source: str) -> list[Problem]:
    """Rows whose insats (and utförare) feed no pool of the given types: one per combination."""
    feeds = pool_insatser(rules, types)
    combos = (rows.lazy().group_by(["insats", "utforare"])
              .agg(rader=pl.len(), kalla_fil=pl.col("kalla_fil").first(), kalla_rad=pl.col("kalla_rad").min())
              .collect())
    fed = matched_rows(combos, feeds).collect()
    unused = combos.join(fed.select("insats", "utforare").unique(), on=["insats", "utforare"], how="anti")
    return [warning(c["kalla_fil"], c["kalla_rad"], "insats",
                    f"{c['rader']} {source}rader med insats {c['insats']!r}"
                    + (f" och utförare {c['utforare']!r}" if c["utforare"] else "")
                    + " hör inte till någon pool i reglerna och används inte")
            for c in unused.sort("insats", "utforare").iter_rows(named=True)]


def volume_without_cost(insats_table: pl.DataFrame, rules: Rules) -> list[Problem]:
    idle = insats_table.filter(volume_priced(rules) & (pl.col("volym_milli") != 0)
                               & (pl.col("kostnad_ore") == 0))
    return [warning(rules.source, None, f"pool {pool}",
                    f"insats {insats!r} har volym men poolen har ingen kostnad att fördela")
            for insats, pool in idle.select("insats", "pool").iter_rows()]
