"""Swedish personnummer and samordningsnummer as vectorised Polars expressions.

A number is accepted with 10 or 12 digits, with or without `-`/`+` and spaces. It is
normalised to 12 digits (YYYYMMDDNNNC): a 10-digit number gets the century that makes the
person 0-99 years old on 31 December of the verksamhetsår, or 100-199 when written with `+`
(the separator changes to `+` the year a person turns 100). Validity: the birth date exists
(samordningsnummer add 60 to the day) and the Luhn check digit over YYMMDDNNN matches.

Nothing here returns a raw number to the caller's messages: use `mask` for those.
"""

from __future__ import annotations

import re

import polars as pl

_SHAPE = r"^([0-9]{2})?([0-9]{6})([-+]?)([0-9]{4})$"
# Dashes a word processor or a case system puts in place of "-": en dash, em dash, minus sign
DASHES = "–—−"
# the same shape anywhere inside a text, also written with a space, a dash of any kind or
# " - " between date and number: not part of a longer run of digits
_INSIDE = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}(?:\s*[-+–—−]\s*|\s)?[0-9]{4}(?![0-9])")
AGE_GROUPS = ((0, "0-19"), (20, "20-64"), (65, "65-79"), (80, "80+"))
UNKNOWN_AGE_GROUP = "okänd"


def normalised(raw: pl.Expr, year: int) -> pl.Expr:
    """The 12-digit form YYYYMMDDNNNC, or null when the text does not have the shape of one."""
    parts = (raw.str.replace_all(r"\s", "").str.replace_all(f"[{DASHES}]", "-")
             .str.extract_groups(_SHAPE))
    century, yymmdd, sign, tail = (parts.struct.field(f) for f in ("1", "2", "3", "4"))
    yy = yymmdd.str.slice(0, 2).cast(pl.Int32)
    oldest = pl.when(sign == "+").then(year - 100).otherwise(year)
    # the latest year ending in yy that is not after `oldest`: age 0-99 (or 100-199 with +)
    birth_year = oldest - (oldest - yy) % 100
    full_year = pl.coalesce(century + yymmdd.str.slice(0, 2), birth_year.cast(pl.Utf8))
    return full_year + yymmdd.str.slice(2, 4) + tail


def is_valid(number12: pl.Expr) -> pl.Expr:
    """True when a normalised number has an existing birth date and a correct check digit."""
    return (birth_date(number12).is_not_null() & _luhn_ok(number12.str.slice(2, 10))).fill_null(
        False)


def birth_date(number12: pl.Expr) -> pl.Expr:
    day = number12.str.slice(6, 2).cast(pl.Int32)
    real_day = pl.when(day > 60).then(day - 60).otherwise(day)  # samordningsnummer
    text = number12.str.slice(0, 6) + real_day.cast(pl.Utf8).str.zfill(2)
    return text.str.to_date("%Y%m%d", strict=False)


def _luhn_ok(number10: pl.Expr) -> pl.Expr:
    """Luhn over YYMMDDNNN (weights 2,1,2,...; digit sums of products) against digit 10."""
    total = pl.lit(0, dtype=pl.Int32)
    for position in range(9):
        product = number10.str.slice(position, 1).cast(pl.Int32) * (2 - position % 2)
        total = total + product // 10 + product % 10
    return (10 - total % 10) % 10 == number10.str.slice(9, 1).cast(pl.Int32)


def is_samordningsnummer(number12: pl.Expr) -> pl.Expr:
    return number12.str.slice(6, 2).cast(pl.Int32) > 60


def kon(number12: pl.Expr) -> pl.Expr:
    """'M' when the 9th digit of the 10-digit form (the 11th of 12) is odd, else 'K'."""
    digit = number12.str.slice(10, 1).cast(pl.Int32)
    return pl.when(digit % 2 == 1).then(pl.lit("M")).when(digit % 2 == 0).then(pl.lit("K"))


def fodelsear(number12: pl.Expr) -> pl.Expr:
    return number12.str.slice(0, 4).cast(pl.Int32)


def alder(birth_year: pl.Expr, year: int) -> pl.Expr:
    """Age on 31 December of the year: the birthday has passed by then."""
    return (year - birth_year).cast(pl.Int32)


def aldersgrupp(age: pl.Expr) -> pl.Expr:
    group = pl.when(age.is_null()).then(pl.lit(UNKNOWN_AGE_GROUP))
    for lowest, name in reversed(AGE_GROUPS):
        group = group.when(age >= lowest).then(pl.lit(name))
    return group.otherwise(pl.lit(UNKNOWN_AGE_GROUP))


def mask(raw: str | None) -> str:
    """A number as it may appear in a message: birth date kept, the last four digits hidden.

    "196408233234" -> "19640823-****"; "640823-3234" -> "640823-****". Text that is not
    shaped like a number keeps its first six digits and hides every later digit.
    """
    text = re.sub(f"[{DASHES}]", "-", re.sub(r"\s", "", raw or ""))
    digits = re.sub(r"[^0-9]", "", text)
    if re.fullmatch(_SHAPE, text):
        return f"{digits[:-4]}-****"
    seen = 0

    def hide(match: re.Match) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen <= 6 else "*"

    return re.sub(r"\d", hide, text)


def mask_within(text: str) -> str:
    """A text with every part shaped like a personnummer or samordningsnummer masked.

    For values and messages that should not hold one at all (any column but `person`, a
    header, a sheet name): "fann 196408233234" -> "fann 19640823-****". Other text is kept.
    """
    return _INSIDE.sub(lambda found: mask(found.group()), text)
