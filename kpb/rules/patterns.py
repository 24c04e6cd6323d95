"""Ledger patterns: parsing, matching as Polars expressions, and subsumption.

A pattern is exact ("610"), a prefix ("61*", "*" matches everything) or an inclusive range
("4000-4999") compared on the value's leading digits as wide as the bounds, so "45701"
matches "4000-4999" and "45" does not.
"""

from __future__ import annotations

import re

import polars as pl

from kpb.rules.model import Pattern, Pool

_RANGE = re.compile(r"^(\d+)-(\d+)$")


def parse_pattern(text: str) -> Pattern | str:
    """The pattern, or a message saying what is wrong with it."""
    if not text.strip() or text != text.strip():
        return f"fann {text!r}, väntade ett mönster utan inledande/avslutande blanksteg"
    if text.endswith("*"):
        prefix = text[:-1]
        if "*" in prefix:
            return f"fann {text!r}, väntade högst en * och bara sist (t.ex. \"61*\")"
        return Pattern(text, "prefix", prefix)
    if "*" in text:
        return f"fann {text!r}, väntade * bara sist (t.ex. \"61*\")"
    ranged = _RANGE.match(text)
    if ranged:
        low, high = ranged.groups()
        if len(low) != len(high) or low > high:
            return (f"fann intervallet {text!r}, väntade lika många siffror i gränserna "
                    "och lägsta gräns först (t.ex. \"4000-4999\")")
        return Pattern(text, "range", low, high)
    return Pattern(text, "exact", text)


def pattern_expr(column: str, pattern: Pattern) -> pl.Expr:
    value = pl.col(column)
    if pattern.kind == "exact":
        return value == pattern.low
    if pattern.kind == "prefix":
        return value.str.starts_with(pattern.low)
    leading = value.str.slice(0, pattern.width)
    return (leading.str.contains(f"^[0-9]{{{pattern.width}}}$")
            & (leading >= pattern.low) & (leading <= pattern.high))


def any_pattern_expr(column: str, patterns: tuple[Pattern, ...]) -> pl.Expr:
    return pl.any_horizontal([pattern_expr(column, p) for p in patterns])


def pool_expr(pool: Pool) -> pl.Expr:
    """True for the ledger rows this pool's patterns select (every named field matches)."""
    return pl.all_horizontal([any_pattern_expr(f, pats) for f, pats in pool.match.items()])


def pool_index_expr(pools: tuple[Pool, ...]) -> pl.Expr:
    """One when/then chain: the index of the first pool (file order) matching each row."""
    chain = pl
    for pool in pools:
        chain = chain.when(pool_expr(pool)).then(pl.lit(pool.index, pl.Int32))
    return chain.otherwise(pl.lit(None, pl.Int32)) if pools else pl.lit(None, pl.Int32)


def subsumes(wide: Pattern, narrow: Pattern) -> bool:
    """True when every value matching `narrow` also matches `wide` (a sure answer only)."""
    if wide.kind == "prefix":
        if narrow.kind == "range":
            return narrow.low.startswith(wide.low) and narrow.high.startswith(wide.low)
        return narrow.low.startswith(wide.low)
    if wide.kind == "exact":
        return narrow.kind == "exact" and narrow.low == wide.low
    if narrow.kind == "range" and narrow.width >= wide.width:
        return wide.low <= narrow.low[:wide.width] and narrow.high[:wide.width] <= wide.high
    if narrow.kind == "exact" and len(narrow.low) >= wide.width:
        lead = narrow.low[:wide.width]
        return lead.isdigit() and wide.low <= lead <= wide.high
    return False


def pool_shadows(earlier: Pool, later: Pool) -> bool:
    """True when `earlier` captures every row `later` could match (so `later` never matches)."""
    if not earlier.match or not set(earlier.match) <= set(later.match):
        return False
    return all(any(subsumes(w, n) for w in earlier.match[f])
               for f in earlier.match for n in later.match[f])
