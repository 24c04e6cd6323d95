"""Step 4: each operating pool's cost after overhead split over its insatser by `fordelning`."""

from __future__ import annotations

import polars as pl

from kpb.flow.split import split_fraction
from kpb.rules import Rules
from kpb.rules.model import OPERATING_TYPES

AMOUNT_SCHEMA = {"pool": pl.Utf8, "insats": pl.Utf8, "kostnad_ore": pl.Int64}


def insats_amounts(rules: Rules, att_fordela: dict[str, int]) -> pl.DataFrame:
    """pool, insats, kostnad_ore: each operating pool's cost split by its insats shares."""
    rows = []
    for pool in rules.of_type(*OPERATING_TYPES):  # a handful of pools
        amounts = split_fraction(att_fordela[pool.namn], dict(pool.insats_shares()))
        rows += [(pool.namn, kod, amount) for kod, amount in sorted(amounts.items())]
    return pl.DataFrame(rows, schema=AMOUNT_SCHEMA, orient="row")
