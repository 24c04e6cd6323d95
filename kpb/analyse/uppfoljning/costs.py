"""Cost per pool × insats and month, exact to the öre and summing to the year's amounts.

A month's cost is the difference of two year-to-date costs: the cost through month m minus
the cost through month m−1, each computed exactly as `kpb compute` computes the year (the
ledger rows of those months on their pools, overhead stepped down or solved by the year's
method with the year's keys, each operating pool split over its insatser by its shares, the
same largest-remainder roundings). So the months add up to the year's `insats.parquet` to
the öre by construction, and the months of a delår equal the same months of the full year
(as long as the keys are the same: keys read from the ledger, `personalkostnad` and
`direktkostnad`, are those of the months loaded).

The loop is over the months covered (at most 12) of pool-level work: a few hundred pools,
never persons or ledger rows; the ledger rows are summed per pool and month once, in Polars.
"""

from __future__ import annotations

import polars as pl

from kpb.errors import InternalError
from kpb.flow.overhead import overhead_flows
from kpb.flow.pool_amounts import insats_amounts

COST_SCHEMA = {"manad": pl.Int32, "pool": pl.Utf8, "insats": pl.Utf8,
               "kostnad_ore": pl.Int64, "kostnad_hittills_ore": pl.Int64}


def ledger_months(ledger_pool: pl.DataFrame) -> pl.DataFrame:
    """pool, manad, belopp_ore: the ledger summed per pool and month of its period."""
    return (ledger_pool.lazy().filter(pl.col("pool").is_not_null())
            .group_by("pool", manad=(pl.col("period") % 100).cast(pl.Int32))
            .agg(pl.col("belopp_ore").sum()).collect())


def month_costs(facts, last_month: int) -> pl.DataFrame:
    """manad, pool, insats, kostnad_ore (the month), kostnad_hittills_ore (year to date)."""
    per_month = ledger_months(facts.ledger_pool)
    frames = []
    for month in range(1, last_month + 1):  # ≤ 12 months of pool-level work, see the docstring
        through = dict(per_month.filter(pl.col("manad") <= month)
                       .group_by("pool").agg(pl.col("belopp_ore").sum()).iter_rows())
        totals = {name: int(through.get(name, 0)) for name in facts.totals}
        frames.append(_amounts_through(facts, totals).with_columns(manad=pl.lit(month, pl.Int32)))
    cumulative = pl.concat(frames).rename({"kostnad_ore": "kostnad_hittills_ore"})
    _check_year_total(cumulative.filter(pl.col("manad") == last_month), facts.amounts)
    before = pl.col("kostnad_hittills_ore").shift(1).over(["pool", "insats"], order_by="manad")
    return (cumulative.with_columns(kostnad_ore=pl.col("kostnad_hittills_ore") - before.fill_null(0))
            .select(list(COST_SCHEMA)).cast(COST_SCHEMA).sort("manad", "pool", "insats"))


def _amounts_through(facts, totals: dict[str, int]) -> pl.DataFrame:
    """pool × insats amounts of a ledger with these pool totals, by the year's keys."""
    overhead = overhead_flows(facts.rules, totals, facts.weights)
    att_fordela = {n: t + overhead.received.get(n, 0) - overhead.sent.get(n, 0)
                   for n, t in totals.items()}
    return insats_amounts(facts.rules, att_fordela)


def _check_year_total(last: pl.DataFrame, year_amounts: pl.DataFrame) -> None:
    """Through the last month covered is the whole ledger loaded: the year's amounts."""
    joined = year_amounts.join(last, on=["pool", "insats"], how="full", coalesce=True)
    differ = joined.filter(pl.col("kostnad_ore").fill_null(0)
                           != pl.col("kostnad_hittills_ore").fill_null(0))
    if differ.height:
        raise InternalError(f"uppföljningens månader summerar inte till årets belopp: "
                            f"{differ.head(3).to_dicts()}")
