"""Money and unit text, and the one rounding kpb reports: all in one place.

Inside kpb money is integer öre and volumes are integer thousandths of their unit; these
functions turn them into the text people read. Nothing here is used to compute a cost.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


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
