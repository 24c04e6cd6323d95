"""The weights of every overhead key, exact, once the data is there.

`andelar` come from the rules; `fil` from nycklar rows; `personalkostnad` / `direktkostnad`
from each receiver's own ledger amount on the given accounts. Problems that only data can
reveal (a missing key, a receiver that is no pool, weights summing to zero) are collected.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import polars as pl

from kpb.errors import Problem, error
from kpb.money import kronor_text
from kpb.rules.model import Pool, PoolType, Rules, Share
from kpb.rules.patterns import any_pattern_expr, pool_index_expr
from kpb.rules.reader import Found
from kpb.rules.validate import check_receivers, stepdown_receivers

_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def with_pool_names(ledger: pl.DataFrame | pl.LazyFrame, rules: Rules) -> pl.LazyFrame:
    """The ledger with `pool` = the first matching pool's name (null when none matches)."""
    names = pl.DataFrame({"pool_index": [p.index for p in rules.pools],
                          "pool": [p.namn for p in rules.pools]},
                         schema={"pool_index": pl.Int32, "pool": pl.Utf8})
    return (ledger.lazy().with_columns(pool_index=pool_index_expr(rules.pools))
            .join(names.lazy(), on="pool_index", how="left", maintain_order="left"))


def key_weights(rules: Rules, nycklar, ledger_pool) -> tuple[dict[str, tuple[Share, ...]], list[Problem]]:
    """Per gemensam pool: its receivers' weights (all receivers, before step-down)."""
    found = Found(rules.source)
    nycklar = nycklar.lazy().collect() if nycklar is not None else None
    weights = {}
    for pool in rules.of_type(PoolType.GEMENSAM):
        if pool.nyckel is None:
            continue
        shares = _SOURCES[pool.nyckel.kind](rules, pool, nycklar, ledger_pool, found)
        weights[pool.namn] = shares
        _check_total(rules, pool, shares, found)
    return weights, found.problems


def _andelar(rules, pool: Pool, nycklar, ledger_pool, found) -> tuple[Share, ...]:
    return pool.nyckel.andelar


def _fil(rules, pool: Pool, nycklar, ledger_pool, found) -> tuple[Share, ...]:
    name, where = pool.nyckel.fil, f"{pool.label}.nyckel.fil"
    rows = (nycklar.filter(pl.col("nyckel") == name) if nycklar is not None
            else pl.DataFrame(schema={"mottagare": pl.Utf8, "varde": pl.Utf8}))
    if pool.mottagare:
        rows = rows.filter(pl.col("mottagare").is_in(pool.mottagare))
    if rows.is_empty():
        found.error(where, f"nyckeln {name!r} har inga rader i nycklar/ (för poolens mottagare)")
        return ()
    shares = [_file_share(row, found) for row in rows.iter_rows(named=True)]  # a key's few rows
    shares = _summed(s for s in shares if s is not None)
    check_receivers(rules, pool, [s.mottagare for s in shares], where, found)
    return shares


def _file_share(row, found) -> Share | None:
    text = str(row["varde"]).strip()
    if not _DECIMAL.match(text):
        found.problems.append(error(row.get("kalla_fil"), row.get("kalla_rad"), "varde",
                                    f"fann {text!r}, väntade ett icke-negativt tal"))
        return None
    return Share(row["mottagare"], Fraction(text), text)


def _summed(shares) -> tuple[Share, ...]:
    """Several rows for the same receiver add up (e.g. two premises of one unit): one share
    per receiver, in the order first seen, with the exact sum as its text."""
    by_receiver: dict[str, list[Share]] = {}
    for share in shares:
        by_receiver.setdefault(share.mottagare, []).append(share)
    return tuple(rows[0] if len(rows) == 1 else _sum_of(name, rows)
                 for name, rows in by_receiver.items())


def _sum_of(name: str, rows: list[Share]) -> Share:
    value = sum((s.varde for s in rows), Fraction(0))
    return Share(name, value, fraction_text(value))


def fraction_text(value: Fraction) -> str:
    """An exact decimal as text: 1500 -> "1500", 3/2 -> "1.5" (key values are finite decimals)."""
    if value.denominator == 1:
        return str(value.numerator)
    return str(Decimal(value.numerator) / Decimal(value.denominator)).rstrip("0")


def _ledger_cost(rules, pool: Pool, nycklar, ledger_pool, found) -> tuple[Share, ...]:
    receivers = rules.declared_receivers(pool)
    amounts = dict(ledger_pool.lazy()
                   .filter(pl.col("pool").is_in(receivers)
                           & any_pattern_expr("konto", pool.nyckel.konton))
                   .group_by("pool").agg(pl.col("belopp_ore").sum())
                   .collect().iter_rows())
    shares = tuple(Share(r, Fraction(amounts.get(r, 0)), kronor_text(amounts.get(r, 0)))
                   for r in receivers)
    for share in shares:
        if share.varde < 0:
            found.error(f"{pool.label}.nyckel.{pool.nyckel.kind}",
                        f"mottagaren {share.mottagare!r} har negativ kostnad {share.text} kr "
                        "på nyckelns konton: väntade en vikt som inte är negativ")
    return shares


def _check_total(rules: Rules, pool: Pool, shares, found) -> None:
    used = effective_receivers(rules, pool, [s.mottagare for s in shares])
    if shares and sum((s.varde for s in shares if s.mottagare in used), Fraction(0)) == 0:
        found.error(f"{pool.label}.nyckel", "nyckelns vikter summerar till 0 över mottagarna: "
                                             "kostnaden kan inte fördelas")


def effective_receivers(rules: Rules, pool: Pool, receivers) -> list[str]:
    if rules.metod == "stegvis":
        return stepdown_receivers(rules, pool, receivers)
    return list(receivers)


def validate_against_data(rules: Rules, nycklar_frame, ledger_frame) -> list[Problem]:
    """Checks that need the data: key files and ledger-based keys."""
    ledger_pool = with_pool_names(ledger_frame, rules).collect()
    return key_weights(rules, nycklar_frame, ledger_pool)[1]


_SOURCES = {"andelar": _andelar, "fil": _fil, "personalkostnad": _ledger_cost,
            "direktkostnad": _ledger_cost}
