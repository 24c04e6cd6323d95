"""Age bands of the per-inhabitant figures, over the population file read by
kpb.load.population."""

from __future__ import annotations

import polars as pl

# The age bands of the per-inhabitant table: (label, lowest age, highest age or None).
AGE_BANDS = (("0–20 år", 0, 20), ("21–64 år", 21, 64), ("65 år och äldre", 65, None),
             ("80 år och äldre", 80, None))


def in_band(age: pl.Expr, low: int, high: int | None) -> pl.Expr:
    return (age >= low) if high is None else age.is_between(low, high)
