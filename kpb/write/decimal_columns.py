"""Integer öre and milli-units inside kpb become exact DECIMAL columns at the edge.

Inside the engine money is Int64 öre and volumes are Int64 thousandths of their unit; the
outputs that users query carry DECIMAL(18,2) SEK and DECIMAL(18,3) volumes. The conversion
multiplies an exact decimal by an exact decimal, so nothing is rounded on the way out.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

MONEY = pl.Decimal(18, 2)
VOLUME = pl.Decimal(18, 3)
PRICE = pl.Decimal(18, 4)
# Unit prices arrive from the engine as exact decimal text rounded to 4 places ("473.8158").
PRICE_COLUMNS = ("styckkostnad",)


def sek(column: str) -> pl.Expr:
    """Int64 öre -> DECIMAL(18,2) kronor, exact."""
    return (pl.col(column).cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.01"))).cast(MONEY)


def units(column: str) -> pl.Expr:
    """Int64 thousandths of a unit -> DECIMAL(18,3) units, exact."""
    return (pl.col(column).cast(pl.Decimal(18, 0)) * pl.lit(Decimal("0.001"))).cast(VOLUME)


def to_user_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Rename and convert the engine's `*_ore` and `*_milli` columns for the outputs.

    `belopp_ore` -> `belopp` DECIMAL(18,2); `volym_milli` -> `volym` DECIMAL(18,3).
    """
    exprs = []
    for name in frame.columns:
        if name.endswith("_ore"):
            exprs.append(sek(name).alias(name.removesuffix("_ore")))
        elif name.endswith("_milli"):
            exprs.append(units(name).alias(name.removesuffix("_milli")))
        elif name in PRICE_COLUMNS:
            exprs.append(pl.col(name).cast(PRICE))
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)
