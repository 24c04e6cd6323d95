"""Step 1-2: every ledger row to its first matching pool (file order), and pool totals.

Rows that no pool matches keep `pool` null; the check stage reports them
(kpb.check.unmatched) and the allocation only runs on a ledger where every row has its pool.
"""

from __future__ import annotations

import polars as pl

from kpb.rules import Rules, with_pool_names


def ledger_pool(ledger, rules: Rules) -> pl.DataFrame:
    """Ledger rows with `pool` (null when no pool matches) and `regel`."""
    matched = with_pool_names(ledger, rules).collect()
    regler = pl.DataFrame({"pool": [p.namn for p in rules.pools],
                           "regel": [p.regel for p in rules.pools]},
                          schema={"pool": pl.Utf8, "regel": pl.Utf8})
    joined = matched.join(regler, on="pool", how="left", maintain_order="left")
    return joined.drop("pool_index")


def pool_totals(ledger_pool: pl.DataFrame, rules: Rules) -> dict[str, int]:
    """Bokfört per pool in öre (0 for pools without ledger rows)."""
    sums = dict(ledger_pool.group_by("pool").agg(pl.col("belopp_ore").sum()).iter_rows())
    return {p.namn: int(sums.get(p.namn, 0)) for p in rules.pools}


def ledger_pool_output(ledger_pool: pl.DataFrame) -> pl.DataFrame:
    return ledger_pool.select("kalla_fil", "kalla_rad", "konto", "ansvar", "pool", "regel",
                              "belopp_ore")
