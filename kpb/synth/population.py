"""The people who get insatser: three age segments with unique, valid id numbers.

Segments do not share birth years (children 0-19, adults 20-64, elderly 65+ on 31 December),
so ids are unique across the whole municipality. One person may get several insatser within a
segment, which is what gives real KPB data its insatskombinationer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpb.synth import identity_numbers as personnummer

SPARE_DRAWS = 1.02  # a few extra draws cover the rare duplicate number
# a national size's segments (250 000+ children in 20 birth years) draw the same number more
# often; sizes up to 4M invånare keep 1.02, so their folders stay byte for byte the same
LARGE_SEGMENT, SPARE_DRAWS_LARGE = 240_000, 1.15


@dataclass(frozen=True)
class Segment:
    numbers: np.ndarray  # 12-digit personnummer/samordningsnummer as int64, unique
    age: np.ndarray  # age on 31 December of the year

    @property
    def size(self) -> int:
        return self.numbers.size


def children(rng, n: int, year: int) -> Segment:
    """0-19 years, more teenagers than toddlers (as in social services for children)."""
    age = np.minimum(rng.triangular(0, 19, 19.99, _draws(n)), 19.99).astype(np.int64)
    return _segment(rng, n, year, age, female_share=0.45, samordning_share=0.03)


def adults(rng, n: int, year: int) -> Segment:
    age = rng.triangular(20, 30, 64.99, _draws(n)).astype(np.int64)
    return _segment(rng, n, year, age, female_share=0.45, samordning_share=0.08)


def elderly(rng, n: int, year: int) -> Segment:
    """65 and over, most users of äldreomsorg are past 80; nobody past 104."""
    age = np.minimum(65 + rng.gamma(3.0, 5.5, _draws(n)), 104.99).astype(np.int64)
    return _segment(rng, n, year, age, female_share=0.62, samordning_share=0.01)


def _draws(n: int) -> int:
    return int(n * (SPARE_DRAWS_LARGE if n >= LARGE_SEGMENT else SPARE_DRAWS)) + 20


def _segment(rng, n, year, age, female_share, samordning_share) -> Segment:
    draws = age.size
    male = rng.random(draws) >= female_share
    birth_year_start = (year - age - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    next_year_start = (year - age - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    days_in_year = (next_year_start - birth_year_start).astype(np.int64)
    birth = birth_year_start + (rng.random(draws) * days_in_year).astype(np.int64)
    samordning = rng.random(draws) < samordning_share
    nnn = personnummer.birth_number(rng, male)
    numbers = personnummer.twelve_digits(birth, nnn, samordning)
    _, first = np.unique(numbers, return_index=True)
    keep = np.sort(first)[:n]
    if keep.size < n:
        raise RuntimeError("för få unika personnummer dragna; öka SPARE_DRAWS")
    return Segment(numbers[keep], age[keep])
