"""What each area generator hands back: its export rows and the cost they imply."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl


@dataclass
class Part:
    aktivitet: list[tuple[str, pl.DataFrame]] = field(default_factory=list)  # (file, rows)
    direkt: list[tuple[str, pl.DataFrame]] = field(default_factory=list)
    cost: dict[str, float] = field(default_factory=dict)  # pool -> gross cost, kronor

    def add(self, other: "Part") -> "Part":
        self.aktivitet += other.aktivitet
        self.direkt += other.direkt
        for pool, kronor in other.cost.items():
            self.cost[pool] = self.cost.get(pool, 0.0) + kronor
        return self


def priced(rng, volume_per_pool: dict[str, float], price: float) -> dict[str, float]:
    """Gross cost per pool: volume × a local unit price that varies ±15 % between units."""
    names = list(volume_per_pool)
    factors = rng.uniform(0.85, 1.15, len(names))
    return {name: volume_per_pool[name] * price * f for name, f in zip(names, factors)}


def by_code(codes, code_index: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    """Σ weights per code, for a handful of codes (np.bincount, not a row loop)."""
    totals = np.bincount(code_index, weights=weights, minlength=len(codes))
    return dict(zip(codes, totals.tolist()))


def runs(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand owners into rows: for counts [2, 3] the owners [0, 0, 1, 1, 1] and each row's
    position within its owner [0, 1, 0, 1, 2]."""
    owner = np.repeat(np.arange(counts.size), counts)
    position = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, position
