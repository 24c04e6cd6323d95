"""Money and unit text, and the roundings kpb reports: all in one place.

Inside kpb money is integer öre and volumes are integer thousandths of their unit; these
functions turn them into the text people read, and exact ratios into rounded decimals.
Nothing here is used to compute a cost.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl


def format_sek(ore: int) -> str:
    """12345678 -> '123 456,78' (Swedish display, for summaries and explain)."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(int(ore)), 100)
    return f"{sign}{kronor:,}".replace(",", " ") + f",{rest:02d}"


def format_units(milli: int, decimals: int = 3) -> str:
    """1500500 -> '1 500,5' (trailing zeros dropped)."""
    sign = "-" if milli < 0 else ""
    whole, rest = divmod(abs(int(milli)), 1000)
    text = f"{sign}{whole:,}".replace(",", " ")
    fraction = f"{rest:03d}"[:decimals].rstrip("0")
    return text + ("," + fraction if fraction else "")


def kronor_text(ore: int) -> str:
    """12345678 -> '123456.78': exact decimal text with a point (key weights, rule messages)."""
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def decimal_text(value: Fraction, places: int = 4) -> str:
    """An exact quotient rounded half up to `places` decimals, as text ("473.8158")."""
    quantum = Decimal(1).scaleb(-places)
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP))


def unit_price(kostnad_ore: int, volym_milli: int) -> str | None:
    """kr per unit, exact quotient rounded half up to 4 decimals, as text ("473.8158").

    Reported only: no cost is ever computed from it."""
    if not volym_milli:
        return None
    return decimal_text(Fraction(kostnad_ore * 10, volym_milli))


def swedish_decimal(value: Decimal, decimals: int | None = None, thousands: str = " ",
                    minus: str = "-") -> str:
    """A decimal in Swedish display: '1 234 567,5'. `decimals` rounds half up to that many
    places (and keeps them); None keeps the value's own digits without trailing zeros."""
    value = Decimal(value)
    if decimals is None:
        value = value.normalize()
        places = max(0, -value.as_tuple().exponent)
    else:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        places = decimals
    whole, _, fraction = f"{abs(value):,.{places}f}".partition(".")
    sign = minus if value < 0 else ""
    return sign + whole.replace(",", thousands) + ("," + fraction if fraction else "")


def decimal_ratio(numerator: pl.Expr, denominator: pl.Expr, places: int = 4) -> pl.Expr:
    """numerator / denominator as DECIMAL(18, places), rounded half away from zero, in Int128
    arithmetic (never through a float); null where the denominator is 0 or null."""
    num = numerator.cast(pl.Int128) * (2 * 10 ** places)
    den = denominator.cast(pl.Int128)
    sign = num.sign() * den.sign()
    num, den = num.abs(), den.abs()
    halves = sign * ((num + den) // (2 * den))
    scaled = pl.when(den != 0).then(halves)
    return (scaled.cast(pl.Decimal(38, 0)) * pl.lit(Decimal(1).scaleb(-places))).cast(
        pl.Decimal(18, places))


# The months as a Swedish text names them ("januari–juni"), index 0 = January.
MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december")
