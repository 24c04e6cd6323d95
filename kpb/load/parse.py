"""Text values -> typed values, as Polars expressions over whole columns.

Every parser returns a `Parsed`: the value (null where it failed or was empty) and an error
expression holding what was expected (null where the value is fine). problems.py then turns
only the failing rows into messages.

Numbers: the decimal mark is `,` or `.` as kpb.toml says (with "auto" either is accepted),
U+2212 is a minus, and a thousands separator (space, U+00A0, U+202F, and with a declared
decimal comma also a point) is dropped only where it stands between groups of three digits
before the decimal mark: `1 234 567,50`, `1.234,50`. `12 34,50` is an error, never read as
1 234,50. With "auto" a point is never a thousands separator (`1.234` could be either).

Dates: `ÅÅÅÅ-MM-DD` or `ÅÅÅÅMMDD`, the whole field and nothing else (`2024011`, `2024 1 1` and
`2024-1-1` are errors), and the date must exist.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

# the thousands separators each decimal setting allows: a point only when the mark is a comma
SEPARATORS = {",": "[ \u00a0\u202f.]", ".": "[ \u00a0\u202f]", "auto": "[ \u00a0\u202f]"}
SEPARATOR_CHARACTERS = {",": " \u00a0\u202f.", ".": " \u00a0\u202f", "auto": " \u00a0\u202f"}
MARK = {"auto": "[.,]", ",": ",", ".": r"\."}
GROUPING_EXAMPLE = {",": "1 234 567,50 eller 1.234.567,50", ".": "1 234 567.50",
                    "auto": "1 234 567,50"}
# [0-9], never \d: the regex engine counts Arabic-Indic and other digits as \d too
MAX_INTEGER_DIGITS = 15  # öre and milli-units of 10^15 still fit in Int64
# a longer number is refused by name, never cut or wrapped (kpb.check.amounts: the row range)
TOO_LONG_NOTE = {2: " (kpb räknar belopp upp till 100 000 000 000,00 kr per rad)"}


class Parsed(NamedTuple):
    value: pl.Expr
    error: pl.Expr  # null when fine, else the expectation in the user's words
    # columns to materialise first, stage by stage: Polars re-evaluates a subexpression at
    # every use inside value and error, which made a million hours take seconds
    stages: tuple[dict[str, pl.Expr], ...] = ()


def cleaned(raw: pl.Expr) -> pl.Expr:
    # NFC: "Solgläntan" typed as a + combining ring (NFD, as macOS writes file names and some
    # exports) is the same text as the precomposed one, so rules and joins meet it
    return raw.fill_null("").str.normalize("NFC").str.strip_chars()


def text(raw: pl.Expr, required: bool, what: str = "ett värde") -> Parsed:
    value = cleaned(raw)
    missing = (value == "") if required else pl.lit(False)
    return Parsed(value, _fail_when(missing, f"värde saknas, väntade {what}"))


def grouped(text: pl.Expr, decimal: str) -> pl.Expr:
    """Whether the text is a number whose thousands separators (if any) all stand between
    groups of three digits before the decimal mark: `1 234 567,50` yes, `12 34,50` no."""
    separator, mark = SEPARATORS[decimal], MARK[decimal]
    return text.str.contains(
        rf"^[+-]?(?:[0-9]{{1,3}}(?:{separator}[0-9]{{3}})+|[0-9]+)(?:{mark}[0-9]+)?$")


def without_separators(text: pl.Expr, decimal: str) -> pl.Expr:
    """The number's text without its thousands separators; null when it is no number."""
    plain = text
    for separator in SEPARATOR_CHARACTERS[decimal]:  # literal replaces: twice as fast
        plain = plain.str.replace_all(separator, "", literal=True)
    return pl.when(grouped(text, decimal)).then(plain)


def misplaced_separator(text: pl.Expr, failed: pl.Expr, decimal: str) -> pl.Expr:
    """Whether a text that `failed` is digits broken by separators anywhere (`12 34,50`):
    then the message says where separators may stand. Only failed rows are searched."""
    separator, mark = SEPARATORS[decimal], MARK[decimal]
    return pl.when(failed).then(text).str.contains(
        rf"^[+-]?[0-9]+(?:{separator}[0-9]+)+(?:{mark}[0-9]+)?$").fill_null(False)


def _misplaced_message(what: str, decimal: str) -> str:
    which = "decimalkomma och tusentalsavgränsare (mellanslag eller punkt)" if decimal == "," \
        else "tusentalsavgränsare (mellanslag)"
    return (f"väntade {what} med {which} bara mellan grupper om tre siffror, som "
            f"{GROUPING_EXAMPLE[decimal]}")


def fixed_point(raw: pl.Expr, places: int, decimal: str, what: str, required: bool) -> Parsed:
    """A decimal number as an integer count of 10^-places (öre, milli-hours)."""
    name = raw.meta.output_name()
    mark = MARK[decimal]
    stages = ({f"{name}__text": cleaned(raw).str.replace_all("\u2212", "-", literal=True)},
              {f"{name}__tal": without_separators(pl.col(f"{name}__text"), decimal)},
              {f"{name}__delar": pl.col(f"{name}__tal").str.extract_groups(
                  rf"^([+-]?)([0-9]{{1,{MAX_INTEGER_DIGITS}}})(?:{mark}([0-9]+))?$")})
    text, number, parts = (pl.col(f"{name}__text"), pl.col(f"{name}__tal"),
                           pl.col(f"{name}__delar"))
    whole, fraction = parts.struct.field("2"), parts.struct.field("3").fill_null("")
    magnitude = (whole.cast(pl.Int64) * 10**places
                 + fraction.str.pad_end(places, "0").str.slice(0, places).cast(pl.Int64))
    too_precise = fraction.str.len_chars() > places
    signed = pl.when(parts.struct.field("1") == "-").then(-magnitude).otherwise(magnitude)
    error = (pl.when((text == "") & required).then(pl.lit(f"värde saknas, väntade {what}"))
             .when(text == "").then(None)
             .when(number.str.contains(rf"^[+-]?[0-9]{{{MAX_INTEGER_DIGITS + 1},}}"))  # not wrapped
             .then(pl.lit(f"väntade {what} med högst {MAX_INTEGER_DIGITS} siffror före "
                          f"decimaltecknet{TOO_LONG_NOTE.get(places, '')}"))
             .when(misplaced_separator(text, number.is_null(), decimal))
             .then(pl.lit(_misplaced_message(what, decimal)))
             .when(whole.is_null()).then(pl.lit(f"väntade {what}"))
             .when(too_precise).then(pl.lit(f"väntade {what} med högst {places} decimaler")))
    return Parsed(pl.when(~too_precise).then(signed), error, stages)


def money_ore(raw: pl.Expr, decimal: str, required: bool = True) -> Parsed:
    return fixed_point(raw, 2, decimal, "ett belopp", required)


def milli(raw: pl.Expr, decimal: str, what: str) -> Parsed:
    """Hours or counts in thousandths; never negative (a volume cannot be)."""
    parsed = fixed_point(raw, 3, decimal, what, required=False)
    negative = parsed.value < 0
    error = pl.coalesce(parsed.error, _fail_when(negative, f"väntade {what} som inte är negativt"))
    return Parsed(pl.when(~negative).then(parsed.value), error, parsed.stages)


def date(raw: pl.Expr, required: bool) -> Parsed:
    """YYYY-MM-DD or YYYYMMDD, the whole field; the date must exist.

    The whole field is matched first: chrono alone reads `2024011` as 2024-01-01 and
    `2024 1 1` too."""
    name = raw.meta.output_name()
    digits = pl.col(f"{name}__text").str.replace(
        r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", "$1$2$3")
    stages = ({f"{name}__text": cleaned(raw)},
              {f"{name}__datum": pl.when(digits.str.contains(r"^[0-9]{8}$"))
               .then(digits.str.to_date("%Y%m%d", strict=False))})
    value, parsed = pl.col(f"{name}__text"), pl.col(f"{name}__datum")
    error = (pl.when((value == "") & required).then(pl.lit("värde saknas, väntade ett datum"))
             .when(value == "").then(None)
             .when(parsed.is_null()).then(pl.lit("väntade ett datum ÅÅÅÅ-MM-DD eller ÅÅÅÅMMDD")))
    return Parsed(parsed, error, stages)


def period(raw: pl.Expr, year: int) -> Parsed:
    """YYYYMM (or YYYY-MM) inside the verksamhetsår."""
    value = cleaned(raw).str.replace(r"^([0-9]{4})-([0-9]{2})$", "$1$2")
    number = pl.when(value.str.contains(r"^[0-9]{6}$")).then(value.cast(pl.Int32, strict=False))
    inside = (number >= year * 100 + 1) & (number <= year * 100 + 12)
    error = (pl.when(value == "").then(pl.lit("värde saknas, väntade en period ÅÅÅÅMM"))
             .when(~inside.fill_null(False))
             .then(pl.lit(f"väntade en period ÅÅÅÅMM inom verksamhetsåret {year}")))
    return Parsed(pl.when(error.is_null()).then(number), error)


def whole_year() -> Parsed:
    """A yearly kontoutfall without a period column (`period = "helar"`): no period, no error."""
    return Parsed(pl.lit(None, pl.Int32), pl.lit(None, pl.Utf8))


def exact_decimal(raw: pl.Expr, decimal: str, what: str) -> Parsed:
    """A non-negative decimal kept exactly as text with a point: "1 500,50" -> "1500.50"."""
    text = cleaned(raw).str.replace_all("\u2212", "-", literal=True)
    number = without_separators(text, decimal)
    valid = number.str.contains(rf"^[0-9]+({MARK[decimal]}[0-9]+)?$").fill_null(False)
    error = (pl.when(text == "").then(pl.lit(f"värde saknas, väntade {what}"))
             .when(misplaced_separator(text, number.is_null(), decimal))
             .then(pl.lit(_misplaced_message(what, decimal)))
             .when(~valid).then(pl.lit(f"väntade {what} (ett icke-negativt tal)")))
    return Parsed(pl.when(valid).then(number.str.replace(",", ".", literal=True)), error)


def _fail_when(condition: pl.Expr, message: str) -> pl.Expr:
    return pl.when(condition).then(pl.lit(message))
