"""The ledger (kontoutfall): each pool's cost booked on its ansvar codes, konton and months.

Costs follow the volumes the area generators made (volume × a local unit price), so unit
prices come out realistic. On top: external fees (31*, excluded by the rules), internal
sales between units (35*: hemtjänst selling night patrols to SÄBO, internal rent charged by
it_lokal), and the odd correction booked as a credit on a cost account.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kpb.synth.calendar import SEASON, Year
from kpb.synth.organisation import PROFILER, Organisation, PoolPlan

OVERHEAD_SHARE = {"ledning": 0.025, "it_lokal": 0.09}  # of all operating cost; it_lokal
# also pays the rent it charges the units internally (6121, about 5 % of their cost)
AREA_OVERHEAD_SHARE = {"aldre_stab": ("ÄO", 0.015), "ifo_stab": ("IFO", 0.03),
                       "forebyggande": ("IFO", 0.012)}
IFO = ("BUF", "VUX", "EB", "AMI")
INTERNAL_NIGHT_PATROL = 0.015  # share of hemtjänst cost sold internally to SÄBO
CORRECTION_SHARE = 0.01


def gross_costs(org: Organisation, operating: dict[str, float]) -> dict[str, float]:
    """Operating costs from the volumes, plus overhead pools sized as shares of them."""
    total = sum(operating.values())
    by_area = {"ÄO": 0.0, "IFO": 0.0}
    for pool in org.pools:
        area = "IFO" if pool.omrade in IFO else pool.omrade
        if area in by_area:
            by_area[area] += operating.get(pool.namn, 0.0)
    overhead = {name: total * share for name, share in OVERHEAD_SHARE.items()}
    overhead |= {name: by_area[area] * share for name, (area, share) in
                 AREA_OVERHEAD_SHARE.items()}
    return operating | overhead


def ledger(rng, org: Organisation, cost: dict[str, float], year: Year) -> pl.DataFrame:
    parts = [_pool_rows(rng, pool, cost[pool.namn], year) for pool in org.pools]
    rows = pl.concat(parts + [_night_patrol(rng, org, cost, year)])
    rows = pl.concat([rows, _internal_rent(rows, org), _corrections(rng, rows)])
    return rows.sort("period", "ansvar", "konto", maintain_order=True)


def _pool_rows(rng, pool: PoolPlan, gross_kronor: float, year: Year) -> pl.DataFrame:
    profile = PROFILER[pool.profil]
    konton = list(profile)
    weights = np.array([profile[k] for k in konton]) * rng.uniform(0.85, 1.15, len(konton))
    costs = _spread(rng, pool, gross_kronor, konton, weights / weights.sum(), year)
    fees = [_spread(rng, pool, -gross_kronor * share, [konto], np.ones(1), year)
            for konto, share in pool.avgifter]
    return pl.concat([costs, *fees])


def _spread(rng, pool: PoolPlan, kronor: float, konton, konto_share, year: Year,
            motpart: str = "") -> pl.DataFrame:
    """Amount × konto share × team share × month share, in whole öre, one row per cell."""
    team_share = rng.dirichlet(np.full(pool.teams, 3.0))
    month_share = rng.dirichlet(80.0 * 12 * SEASON / SEASON.sum())  # costs follow the season
    cells = np.einsum("k,t,m->ktm", konto_share, team_share, month_share)
    ore = np.rint(cells * kronor * 100).astype(np.int64).ravel()
    k, t, m = np.unravel_index(np.arange(ore.size), cells.shape)
    return pl.DataFrame({
        "period": pl.Series(year.ar * 100 + m + 1, dtype=pl.Int32),
        "konto": pl.Series(konton).gather(pl.Series(k)),
        "ansvar": pl.Series(pool.ansvar_codes).gather(pl.Series(t)),
        "verksamhet": pl.repeat(pool.verksamhet, ore.size, eager=True),
        "projekt": pl.repeat("", ore.size, eager=True),
        "motpart": pl.repeat(motpart, ore.size, eager=True),
        "belopp_ore": pl.Series(ore, dtype=pl.Int64),
    }).filter(pl.col("belopp_ore") != 0)


def _night_patrol(rng, org: Organisation, cost, year: Year) -> pl.DataFrame:
    """Internal sale: districts credit 3511, SÄBO units debit 4611 by the same total."""
    sellers = [p for p in org.pools if p.insats == "hemtjanst" and p.utforare[0] in org.districts]
    buyers = [p for p in org.pools if p.insats == "sabo"]
    sold = [_spread(rng, p, -cost[p.namn] * INTERNAL_NIGHT_PATROL, ["3511"], np.ones(1), year,
                    "INTERN") for p in sellers]
    total_ore = -sum(int(frame["belopp_ore"].sum()) for frame in sold)
    shares = rng.dirichlet(np.full(len(buyers), 5.0))
    bought = [_spread(rng, p, total_ore * s / 100, ["4611"], np.ones(1), year, "INTERN")
              for p, s in zip(buyers, shares)]
    bought = pl.concat(bought)
    gap = total_ore - int(bought["belopp_ore"].sum())  # rounding: the sale and purchase match
    bought = bought.with_columns(pl.when(pl.int_range(pl.len()) == 0)
                                 .then(pl.col("belopp_ore") + gap)
                                 .otherwise(pl.col("belopp_ore")))
    return pl.concat(sold + [bought])


def _internal_rent(rows: pl.DataFrame, org: Organisation) -> pl.DataFrame:
    """it_lokal charges each unit internal rent (6121); its income is the mirror (3521)."""
    landlord = org.pool("it_lokal").ansvar_codes[0]
    return (rows.filter(pl.col("konto") == "6121")
            .group_by("period").agg(belopp_ore=-pl.col("belopp_ore").sum())
            .sort("period")
            .select("period", konto=pl.lit("3521"), ansvar=pl.lit(landlord),
                    verksamhet=pl.lit("500"), projekt=pl.lit(""), motpart=pl.lit("INTERN"),
                    belopp_ore="belopp_ore"))


def _corrections(rng, rows: pl.DataFrame) -> pl.DataFrame:
    """A few credits on cost accounts (a rebooked invoice), as every real ledger has."""
    costs = rows.filter(pl.col("konto").str.slice(0, 1).is_in(["4", "5", "6", "7"])
                        & (pl.col("motpart") != "INTERN") & (pl.col("konto") != "6121"))
    chosen = np.flatnonzero(rng.random(costs.height) < CORRECTION_SHARE)
    share = rng.uniform(0.05, 0.5, chosen.size)
    picked = costs[chosen]
    credit = -np.rint(picked["belopp_ore"].to_numpy() * share).astype(np.int64)
    return picked.with_columns(belopp_ore=pl.Series(credit, dtype=pl.Int64),
                               projekt=pl.lit("RATTELSE"))
