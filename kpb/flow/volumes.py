"""Step 5: volumes per pool × insats × person, in thousandths of the insats unit.

timmar: Σ timmar_milli; antal: Σ antal_milli; dygn: days of [from, tom] clipped to the year
(tom empty = open to 31 December), overlapping or adjacent rows of the same person, pool and
insats counted once, × 1000; manader: distinct calendar months of the year touched, × 1000;
kronor: the person's direct amounts in öre × 10 (1 kr = 1000 milli-kronor).
Hour and count rows are counted on the activity's date: rows dated outside the year add
nothing (the check stage warns about them, kpb.check.activity). An activity row feeds every
pool whose insats (and utförare, when the pool names them) it matches.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kpb.flow.codes import code_map
from kpb.rules import Rules
from kpb.rules.model import PoolType

KEYS = ["pool", "insats", "person_id"]
# Units counted on the activity's date (`from`) rather than over a range.
DATED_UNITS = ("timmar", "antal")
VOLUME_SCHEMA = {"pool": pl.Utf8, "insats": pl.Utf8, "person_id": pl.Utf8, "volym_milli": pl.Int64}


def pool_insatser(rules: Rules, types=(PoolType.VERKSAMHET,)) -> pl.DataFrame:
    """pool, insats, enhet, utforare_krav (null = any utförare): what feeds each pool."""
    rows = [(p.namn, kod, rules.insatser[kod].enhet, u)
            for p in rules.of_type(*types) for kod, _ in p.insats_shares()
            for u in (p.utforare or (None,))]
    return pl.DataFrame(rows, schema={"pool": pl.Utf8, "insats": pl.Utf8, "enhet": pl.Utf8,
                                      "utforare_krav": pl.Utf8}, orient="row")


def volume_priced(rules: Rules) -> pl.Expr:
    """True on rows of a pool priced on its volumes (verksamhet), by the `pool` column."""
    return pl.col("pool").is_in([p.namn for p in rules.of_type(PoolType.VERKSAMHET)])


def matched_rows(rows, feeds: pl.DataFrame) -> pl.LazyFrame:
    """Rows (aktivitet or direkt) joined to the pools they feed.

    Pools open to any utförare join on insats; pools that name their utförare join on
    (insats, utförare), so a row meets only its own pools, never every pool of its insats
    (49 hemtjänst pools at 1M invånare made that a join of rows × pools).
    """
    rows = rows.lazy()
    types = rows.collect_schema()  # loaded rows hold their codes as Categorical
    feeds = feeds.lazy().with_columns(pl.col("insats").cast(types["insats"]),
                                      pl.col("utforare_krav").cast(types["utforare"]))
    krav = pl.col("utforare_krav")
    any_utforare = rows.join(feeds.filter(krav.is_null()), on="insats", how="inner")
    named = (rows.join(feeds.filter(krav.is_not_null()).rename({"utforare_krav": "utforare"}),
                       on=["insats", "utforare"], how="inner")
             .with_columns(utforare_krav=pl.col("utforare")))
    return pl.concat([any_utforare, named], how="vertical")


def volumes(aktivitet, direkt, rules: Rules, year: int,
            sums: pl.DataFrame | None = None) -> pl.LazyFrame:
    """`sums`: the load's sums per person, insats code and utförare of the year's rows
    (kpb/load/summaries.py person_sums); without them the activity rows are summed here."""
    feeds = pool_insatser(rules)
    of_unit = lambda unit: feeds.filter(pl.col("enhet") == unit)  # noqa: E731
    # hours and counts are sums: summed per person, insats and utförare first (25M rows to a
    # few hundred thousand), then joined to the pools, so no 25M-row join is held in memory
    # (rows dated outside the year add nothing: the check stage warns about them)
    dated_feeds = pl.concat([of_unit(unit) for unit in DATED_UNITS])
    if sums is not None and not sums.is_empty() and sums["ar"][0] == year:
        # the codes mapped as the rules say, the sums of codes that join added up
        counted = per_person(_of_insatser(
            sums.lazy().with_columns(pl.col("insats").replace(code_map(rules))), dated_feeds))
    else:
        dated = _of_insatser(aktivitet, dated_feeds)
        counted = per_person(dated.filter(in_year(pl.col("from"), year)))
    by_unit = [
        summed(matched_rows(counted, of_unit("timmar")), "timmar_milli"),
        summed(matched_rows(counted, of_unit("antal")), "antal_milli"),
        days(matched_rows(_of_insatser(aktivitet, of_unit("dygn")), of_unit("dygn")), year),
        months(matched_rows(_of_insatser(aktivitet, of_unit("manader")), of_unit("manader")),
               year),
        kronor(matched_rows(direkt, pool_insatser(rules)).filter(pl.col("enhet") == "kronor")),
    ]
    return pl.concat([v.select(KEYS + ["volym_milli"]).cast(VOLUME_SCHEMA) for v in by_unit])


def per_person(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Σ timmar_milli and Σ antal_milli per person, insats and utförare."""
    return (rows.group_by(["person_id", "insats", "utforare"])
            .agg(pl.col("timmar_milli").sum(), pl.col("antal_milli").sum()))


def _of_insatser(rows, feeds: pl.DataFrame) -> pl.LazyFrame:
    """The rows of the insatser these pools take (one insats has one unit)."""
    return rows.lazy().filter(pl.col("insats").is_in(feeds["insats"].unique().implode()))


def summed(rows: pl.LazyFrame, column: str) -> pl.LazyFrame:
    return rows.group_by(KEYS).agg(volym_milli=pl.col(column).fill_null(0).sum())


def kronor(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.group_by(KEYS).agg(volym_milli=pl.col("belopp_ore").sum() * 10)


def in_year(date: pl.Expr, year: int) -> pl.Expr:
    return date.is_between(dt.date(year, 1, 1), dt.date(year, 12, 31))


def rows_of_units(aktivitet, rules: Rules, units) -> pl.LazyFrame:
    """Activity rows whose insats has one of `units`, with the unit as `enhet`."""
    enheter = {kod: i.enhet for kod, i in rules.insatser.items() if i.enhet in units}
    return (aktivitet.lazy().filter(pl.col("insats").is_in(list(enheter)))
            .with_columns(enhet=pl.col("insats").replace_strict(enheter, return_dtype=pl.Utf8)))


def year_span(year: int) -> tuple[pl.Expr, pl.Expr]:
    """Each row's first and last date inside the year (tom empty = open to 31 December)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = pl.max_horizontal(pl.col("from"), pl.lit(first))
    end = pl.min_horizontal(pl.col("tom").fill_null(pl.lit(last)), pl.lit(last))
    return start, end


def clipped_days(rows: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """start/end as day numbers in the year (0 = 1 January), rows outside the year dropped."""
    start, end = year_span(year)
    day = lambda d: (d - pl.lit(dt.date(year, 1, 1))).dt.total_days()  # noqa: E731
    return (rows.with_columns(start=day(start), end=day(end))
            .filter(pl.col("start") <= pl.col("end")))


def days(rows: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Calendar days covered, overlaps counted once: sorted by start, each row adds only the
    days after the furthest end of the rows before it (cumulative max)."""
    spans = clipped_days(rows, year).sort(KEYS + ["start", "end"])
    covered = pl.col("end").cum_max().shift(1).over(KEYS).fill_null(-1)
    new_days = (pl.col("end") - pl.max_horizontal(pl.col("start") - 1, covered)).clip(lower_bound=0)
    return spans.group_by(KEYS).agg(volym_milli=new_days.sum() * 1000)


def months(rows: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Distinct months of the year touched by any of the person's rows (at most 12 each)."""
    start, end = year_span(year)
    touched = (rows.with_columns(first_month=start.dt.month().cast(pl.Int32),
                                 last_month=end.dt.month().cast(pl.Int32))
               .filter(start <= end)
               .select(KEYS + [pl.int_ranges("first_month", pl.col("last_month") + 1).alias("month")])
               .explode("month").unique())
    return touched.group_by(KEYS).agg(volym_milli=pl.len().cast(pl.Int64) * 1000)
