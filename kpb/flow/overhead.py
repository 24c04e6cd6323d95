"""Step 3: overhead (gemensam) pools onto the pools they serve.

stegvis: pools distribute in file order; a receiver that has already distributed is skipped
(its key weight is dropped). reciprok: every overhead pool's full cost x_i = bokfört_i +
Σ_j share_ji · x_j is solved exactly in Fractions; each operating pool's exact inflow is
rounded once by largest remainder over the operating pools, and the flows into it are then
rounded to sum exactly to that total. Flows *between* overhead pools in reciprok are shown
rounded to the nearest öre for display; they do not enter any other sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

from kpb.flow.split import round_shares, split_fraction
from kpb.errors import error, raise_if_errors
from kpb.rules import Rules, Share
from kpb.rules.keys import effective_receivers
from kpb.rules.model import PoolType

FLOW_SCHEMA = {"fran_pool": pl.Utf8, "till_pool": pl.Utf8, "nyckelvarde": pl.Utf8,
               "belopp_ore": pl.Int64}


@dataclass(frozen=True)
class Overhead:
    flows: pl.DataFrame  # fran_pool, till_pool, nyckelvarde, belopp_ore
    received: dict[str, int]  # erhållen gemensam kostnad per pool
    sent: dict[str, int]  # fördelad gemensam kostnad per overhead pool


def overhead_flows(rules: Rules, totals: dict[str, int], weights: dict[str, tuple[Share, ...]]) -> Overhead:
    if rules.metod == "reciprok":
        return reciprocal(rules, totals, weights)
    return stepdown(rules, totals, weights)


def used_shares(rules: Rules, pool_name: str, weights) -> dict[str, Share]:
    pool = rules.pool(pool_name)
    shares = weights[pool_name]
    used = effective_receivers(rules, pool, [s.mottagare for s in shares])
    return {s.mottagare: s for s in shares if s.mottagare in used}


def stepdown(rules: Rules, totals: dict[str, int], weights) -> Overhead:
    holding = dict(totals)
    flows, sent = [], {}
    for pool in rules.of_type(PoolType.GEMENSAM):  # a handful of pools, in file order
        shares = used_shares(rules, pool.namn, weights)
        sent[pool.namn] = holding[pool.namn]
        amounts = split_fraction(holding[pool.namn], {r: s.varde for r, s in shares.items()})
        holding[pool.namn] = 0
        for receiver, amount in sorted(amounts.items()):
            holding[receiver] += amount
            flows.append((pool.namn, receiver, shares[receiver].text, amount))
    return _overhead(flows, sent)


def _overhead(flows, sent) -> Overhead:
    frame = pl.DataFrame(flows, schema=FLOW_SCHEMA, orient="row")
    received = dict(frame.group_by("till_pool").agg(pl.col("belopp_ore").sum()).iter_rows())
    return Overhead(frame, received, sent)


def reciprocal(rules: Rules, totals: dict[str, int], weights) -> Overhead:
    names = [p.namn for p in rules.of_type(PoolType.GEMENSAM)]
    fractions = {n: _fractions(used_shares(rules, n, weights)) for n in names}
    gross = solve_gross(names, totals, fractions, rules.source)
    exact = {(j, r): f * gross[j] for j in names for r, f in fractions[j].items()}
    flows = _operating_flows(exact, set(names))
    flows |= {k: _nearest(v) for k, v in exact.items() if k[1] in names}
    rows = [(j, r, used_shares(rules, j, weights)[r].text, flows[(j, r)]) for j, r in sorted(flows)]
    overhead = _overhead(rows, {})
    sent = {n: totals[n] + overhead.received.get(n, 0) for n in names}
    return Overhead(overhead.flows, overhead.received, sent)


def _fractions(shares: dict[str, Share]) -> dict[str, Fraction]:
    total = sum((s.varde for s in shares.values()), Fraction(0))
    return {r: s.varde / total for r, s in shares.items()}


def _nearest(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _operating_flows(exact: dict, overhead_names: set) -> dict:
    """Round each operating pool's inflow once, then its flows to sum exactly to it."""
    inflow: dict[str, Fraction] = {}
    for (_, r), v in exact.items():
        if r not in overhead_names:
            inflow[r] = inflow.get(r, Fraction(0)) + v
    rounded = round_shares(inflow)
    flows = {}
    for r, total in rounded.items():
        into = {j: v for (j, rr), v in exact.items() if rr == r}
        shift = (total - inflow[r]) / len(into)  # under one öre, spread evenly, then rounded
        flows |= {(j, r): a for j, a in round_shares({j: v + shift for j, v in into.items()}).items()}
    return flows


def solve_gross(names: list[str], totals: dict[str, int], fractions, source: str) -> dict[str, Fraction]:
    """x = b + Aᵀx for the overhead pools, by exact Gauss-Jordan elimination."""
    size = len(names)
    index = {n: i for i, n in enumerate(names)}
    matrix = [[Fraction(int(i == k)) for k in range(size)] + [Fraction(totals[names[i]])]
              for i in range(size)]
    for j, n in enumerate(names):
        for r, f in fractions[n].items():
            if r in index:
                matrix[index[r]][j] -= f
    return dict(zip(names, _gauss_jordan(matrix, source)))


def _gauss_jordan(matrix, source: str) -> list[Fraction]:
    size = len(matrix)
    for col in range(size):
        pivot = next((r for r in range(col, size) if matrix[r][col] != 0), None)
        if pivot is None:
            raise_if_errors("fördelning", [error(source, None, "gemensamma.metod", "reciprok "
                            "fördelning saknar lösning: gemensamma pooler fördelar bara till "
                            "varandra och kostnaden når aldrig en verksamhetspool")])
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        lead = matrix[col][col]
        matrix[col] = [v / lead for v in matrix[col]]
        for r in range(size):
            if r != col and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[col])]
    return [row[-1] for row in matrix]
