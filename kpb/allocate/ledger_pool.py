"""Step 1-2: every ledger row to its first matching pool (file order), and pool totals."""

from __future__ import annotations

import polars as pl

from kpb.errors import Problem, error, raise_if_errors
from kpb.rules import Rules, with_pool_names
from kpb.rules.keys import kronor_text

DIMENSIONS = ["konto", "ansvar", "verksamhet"]


def ledger_pool(ledger, rules: Rules) -> pl.DataFrame:
    """Ledger rows with `pool` and `regel`; KpbError listing unmatched dimension combinations."""
    matched = with_pool_names(ledger, rules).collect()
    raise_if_errors("fördelning", unmatched_problems(matched, rules))
    regler = pl.DataFrame({"pool": [p.namn for p in rules.pools],
                           "regel": [p.regel for p in rules.pools]})
    joined = matched.join(regler, on="pool", how="left", maintain_order="left")
    return joined.drop("pool_index")


def unmatched_problems(matched: pl.DataFrame, rules: Rules) -> list[Problem]:
    """One problem per konto/ansvar/verksamhet combination that no pool selects."""
    combos = (matched.filter(pl.col("pool").is_null())
              .group_by(DIMENSIONS)
              .agg(rader=pl.len(), belopp_ore=pl.col("belopp_ore").sum(),
                   kalla_fil=pl.col("kalla_fil").first(), kalla_rad=pl.col("kalla_rad").min())
              .sort(DIMENSIONS))
    return [error(c["kalla_fil"], c["kalla_rad"], "konto/ansvar/verksamhet",
                  f"ingen pool matchar konto {c['konto']!r}, ansvar {c['ansvar']!r}, verksamhet "
                  f"{c['verksamhet']!r} ({c['rader']} rader, summa {kronor_text(c['belopp_ore'])} kr): "
                  f"väntade att en [[pool]] i {rules.source or 'regelfilen'} väljer dem")
            for c in combos.iter_rows(named=True)]  # one per combination, not per row


def pool_totals(ledger_pool: pl.DataFrame, rules: Rules) -> dict[str, int]:
    """Bokfört per pool in öre (0 for pools without ledger rows)."""
    sums = dict(ledger_pool.group_by("pool").agg(pl.col("belopp_ore").sum()).iter_rows())
    return {p.namn: int(sums.get(p.namn, 0)) for p in rules.pools}


def ledger_pool_output(ledger_pool: pl.DataFrame) -> pl.DataFrame:
    return ledger_pool.select("kalla_fil", "kalla_rad", "pool", "regel", "belopp_ore")
