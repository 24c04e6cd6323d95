"""Ledger rows that no pool takes: one problem per dimension combination, with its total."""

from __future__ import annotations

import polars as pl

from kpb.errors import Problem, error
from kpb.money import format_sek
from kpb.rules import Rules

DIMENSIONS = ["konto", "ansvar", "verksamhet"]


def unmatched_ledger(ledger_pool: pl.DataFrame, rules: Rules) -> list[Problem]:
    combos = (ledger_pool.filter(pl.col("pool").is_null())
              .group_by(DIMENSIONS)
              .agg(rader=pl.len(), belopp_ore=pl.col("belopp_ore").sum(),
                   kalla_fil=pl.col("kalla_fil").first(), kalla_rad=pl.col("kalla_rad").min())
              .sort(DIMENSIONS))
    return [error(c["kalla_fil"], c["kalla_rad"], "konto/ansvar/verksamhet",
                  f"ingen pool matchar konto {c['konto']!r}, ansvar {c['ansvar']!r}, verksamhet "
                  f"{c['verksamhet']!r} ({c['rader']} rader, summa {format_sek(c['belopp_ore'])} kr): "
                  f"väntade att en [[pool]] i {rules.source or 'regelfilen'} väljer dem")
            for c in combos.iter_rows(named=True)]  # one per combination, not per row
