"""The one way kpb splits an amount: the largest-remainder method (formats.md §4).

Each receiver gets the floor of its exact share (amount × weight / Σ weights), and the öre
left over go one each to the receivers with the largest remainders, ties broken by receiver
ascending. Floor is mathematical floor also for negative amounts, so the left-over öre are
always non-negative and fewer than the receivers. Two forms share that one definition:
`largest_remainder` over Polars columns (all groups at once) and `split_fraction` /
`round_shares` over a few exact Fractions (pool-level splits with rational weights).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Hashable, TypeVar

import polars as pl

Key = TypeVar("Key", bound=Hashable)
_TEMP = ("_lr_floor", "_lr_remainder", "_lr_left", "_lr_rank")


def largest_remainder(frame, group: list[str], amount: str, weight: str,
                      receiver: list[str] | str, out: str):
    """`frame` with `out` (Int64): each row's share of its group's `amount` by `weight`.

    `amount` holds the group's amount on every row of the group; receivers must be unique
    within a group (they break ties, which makes the result independent of row order). Rows
    come back sorted by group and rank. A group whose weights sum to 0 gets null: the caller
    decides what an unsplittable amount means.
    """
    receivers = [receiver] if isinstance(receiver, str) else list(receiver)
    total = pl.col(weight).sum().over(group)
    sign = pl.when(total < 0).then(-1).otherwise(1)  # keep the divisor positive
    numerator = pl.col(amount).cast(pl.Int128) * pl.col(weight).cast(pl.Int128) * sign
    denominator = total.cast(pl.Int128) * sign
    staged = frame.with_columns(_lr_floor=numerator // denominator,
                                _lr_remainder=numerator % denominator)
    staged = staged.with_columns(_lr_left=pl.col(amount) - pl.col("_lr_floor").sum().over(group))
    ranked = staged.sort([*group, "_lr_remainder", *receivers],
                         descending=[False] * len(group) + [True] + [False] * len(receivers))
    ranked = ranked.with_columns(_lr_rank=pl.int_range(pl.len()).over(group))
    extra = (pl.col("_lr_rank") < pl.col("_lr_left")).cast(pl.Int128)
    return ranked.with_columns((pl.col("_lr_floor") + extra).cast(pl.Int64).alias(out)).drop(_TEMP)


def round_shares(exact: dict[Key, Fraction]) -> dict[Key, int]:
    """Round exact shares whose sum is a whole number of öre, keeping that sum."""
    total = sum(exact.values(), Fraction(0))
    if total.denominator != 1:
        raise ValueError(f"shares sum to {total}, not a whole number of öre")
    floors = {k: math.floor(v) for k, v in exact.items()}
    left = int(total) - sum(floors.values())
    by_remainder = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))
    return {k: floors[k] + (1 if rank < left else 0) for rank, k in enumerate(by_remainder)}


def split_fraction(amount: int, weights: dict[Key, Fraction]) -> dict[Key, int]:
    """Split `amount` öre over receivers by exact weights (Σ weights must not be 0)."""
    total = sum(weights.values(), Fraction(0))
    return round_shares({k: Fraction(amount) * w / total for k, w in weights.items()})
