"""Valid Swedish personnummer and samordningsnummer, made for whole arrays at once.

A number is YYYYMMDD NNN C: birth date, a three-digit birth number whose last digit is odd
for men and even for women, and a Luhn check digit over the ten digits YYMMDDNNN (the KPB method,
"Personnummer"). A samordningsnummer adds 60 to the day. Everything is numpy arithmetic on
integer arrays; strings are made once, by Polars, at the end.
"""

from __future__ import annotations

import numpy as np
import polars as pl

LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2], dtype=np.int64)
SAMORDNING_DAY_OFFSET = 60


def luhn_check_digit(yymmddnnn: np.ndarray) -> np.ndarray:
    """Check digit for each 9-digit number YYMMDDNNN (as integers)."""
    powers = 10 ** np.arange(8, -1, -1, dtype=np.int64)
    digits = (yymmddnnn[:, None] // powers) % 10
    products = digits * LUHN_WEIGHTS
    digit_sums = (products // 10 + products % 10).sum(axis=1)
    return (10 - digit_sums % 10) % 10


def birth_number(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """A birth number 000-999 whose last digit is odd for men, even for women."""
    tens = rng.integers(0, 100, male.size)
    last = 2 * rng.integers(0, 5, male.size) + male.astype(np.int64)
    return tens * 10 + last


def twelve_digits(birth: np.ndarray, nnn: np.ndarray, samordning: np.ndarray) -> np.ndarray:
    """YYYYMMDDNNNC as int64, from birth dates (datetime64[D]) and birth numbers."""
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    days = days + SAMORDNING_DAY_OFFSET * samordning.astype(np.int64)
    yymmddnnn = (years % 100) * 10**7 + months * 10**5 + days * 10**3 + nnn
    check = luhn_check_digit(yymmddnnn)
    return years * 10**8 + months * 10**6 + days * 10**4 + nnn * 10 + check


def is_valid(numbers: np.ndarray) -> np.ndarray:
    """Luhn test of 12-digit numbers (as int64): used by the tests, vectorised too."""
    return luhn_check_digit((numbers // 10) % 10**9) == numbers % 10


def as_text(numbers: np.ndarray, style: str) -> pl.Series:
    """The numbers as an export writes them: "12" YYYYMMDDNNNC, "12-" YYYYMMDD-NNNC or
    "10-" YYMMDD-NNNC (only for people under 100, where '-' is right)."""
    digits = pl.Series(numbers).cast(pl.String)
    if style == "12":
        return digits
    if style == "12-":
        return digits.str.slice(0, 8) + "-" + digits.str.slice(8, 4)
    if style == "10-":
        return digits.str.slice(2, 6) + "-" + digits.str.slice(8, 4)
    raise ValueError(f"okänt format {style!r}")
