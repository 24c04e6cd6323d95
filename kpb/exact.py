"""Exact ratios between integers, vectorised: shares, unit costs and changes as DECIMAL.

A ratio of two integer columns (öre, milli-units) is rounded once, half away from zero, to a
fixed number of decimals in Int128 arithmetic, never through a float.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl


def decimal_ratio(numerator: pl.Expr, denominator: pl.Expr, places: int = 4) -> pl.Expr:
    """numerator / denominator as DECIMAL(18, places), rounded half away from zero; null where
    the denominator is 0 or null."""
    num = numerator.cast(pl.Int128) * (2 * 10 ** places)
    den = denominator.cast(pl.Int128)
    sign = num.sign() * den.sign()
    num, den = num.abs(), den.abs()
    halves = sign * ((num + den) // (2 * den))
    scaled = pl.when(den != 0).then(halves)
    return (scaled.cast(pl.Decimal(38, 0)) * pl.lit(Decimal(1).scaleb(-places))).cast(
        pl.Decimal(18, places))
