"""Dates as integer days since 1970-01-01 (numpy int64), the form every generator works in.

Open-ended ranges use OPEN (-1) for "tom" until the frame is built, where it becomes null.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPEN = -1
# How activity and cost move over the year, January to December (mean about 1): a summer dip
# (semester: fewer hemtjänst hours, relatives help, staff on leave) and a small winter peak.
SEASON = np.array([1.03, 1.01, 1.01, 1.00, 0.99, 0.94, 0.82, 0.92, 1.02, 1.04, 1.04, 1.06])


@dataclass(frozen=True)
class Year:
    ar: int

    @property
    def first(self) -> int:
        return int(np.datetime64(f"{self.ar}-01-01", "D").astype(np.int64))

    @property
    def last(self) -> int:
        return int(np.datetime64(f"{self.ar}-12-31", "D").astype(np.int64))

    @property
    def days(self) -> int:
        return self.last - self.first + 1

    def month_starts(self) -> np.ndarray:
        """First day of each of the 12 months, as days."""
        months = np.arange(12) + (self.ar - 1970) * 12
        return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Month index 0-11 of each day of the year."""
        return np.searchsorted(self.month_starts(), days, side="right") - 1

    def days_in_year(self, from_days: np.ndarray, tom_days: np.ndarray) -> np.ndarray:
        """Days of each [from, tom] inside the year, inclusive (open = to year end)."""
        tom = np.where(tom_days == OPEN, self.last, tom_days)
        return np.maximum(np.minimum(tom, self.last) - np.maximum(from_days, self.first) + 1, 0)


def stays(rng, n: int, year: Year, ongoing_share: float, years_back: float,
          mean_days: float) -> tuple[np.ndarray, np.ndarray]:
    """Placement-like ranges that touch the year: some began years ago, some begin in it;
    lengths are exponential (most short, a few long); a range still running at year end is
    open or ends in the next year (a planned end), so ranges cross year ends both ways."""
    ongoing = rng.random(n) < ongoing_share
    back = (rng.random(n) * years_back * 365).astype(np.int64) + 1
    start = np.where(ongoing, year.first - back, year.first + rng.integers(0, year.days, n))
    length = rng.exponential(mean_days, n).astype(np.int64)
    tom = start + length
    tom = np.where(tom < year.first, year.first + rng.integers(0, year.days, n), tom)
    beyond = tom > year.last
    planned_end = rng.random(n) < 0.25
    tom = np.minimum(tom, year.last + rng.integers(1, 366, n))  # plans reach a year ahead
    tom = np.where(beyond & ~planned_end, OPEN, tom)
    return start, tom


def overlapping_copies(rng, share: float, start: np.ndarray, tom: np.ndarray, year: Year):
    """Indices of rows registered twice, and the second registration's [from, tom]: it
    begins inside the first (a re-registration after a changed decision), so the two
    overlap and a correct volume counts the shared days once."""
    copies = np.flatnonzero(rng.random(start.size) < share)
    end = np.where(tom[copies] == OPEN, year.last, tom[copies])
    span = np.maximum(end - np.maximum(start[copies], year.first - 30), 1)
    new_start = np.maximum(start[copies], year.first - 30) + (rng.random(copies.size) * span
                                                              ).astype(np.int64) // 2
    new_tom = np.where(rng.random(copies.size) < 0.5, tom[copies],
                       np.minimum(end + rng.integers(1, 20, copies.size), year.last))
    # a first range planned into next year can put the copy's start past the year end cap
    new_tom = np.where(new_tom == OPEN, OPEN, np.maximum(new_tom, new_start))
    return copies, new_start, new_tom


def days_in_year_uniform(rng, n: int, year: Year) -> np.ndarray:
    return year.first + rng.integers(0, year.days, n)
