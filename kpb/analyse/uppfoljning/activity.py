"""Volumes per pool × insats × person × month, counted as the year's volumes are counted.

timmar, antal: the rows dated in the month (`from`); dygn: the days of the month inside
[from, tom], the rows of one person, pool and insats merged first so an overlap counts once;
manader: 1 for every month touched; kronor: the direct amounts of the month (`period`).
Ranges are clipped to the months covered (a delår ends on the last day of its last month),
so over a complete year the months sum to the pool's volume in `insats.parquet`.

Also the spans the point-in-time counts read: each row open from `from` to `tom` (an empty
`tom` open past the months covered; a dated hour or count row without `tom` is open on its
own day), and a direct amount open over the whole month of its period.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kpb.flow.volumes import DATED_UNITS, matched_rows, pool_insatser
from kpb.rules import Rules
from kpb.rules.model import PoolType

KEYS = ["pool", "insats", "person_id"]
VOLUME_SCHEMA = {"pool": pl.Utf8, "insats": pl.Utf8, "person_id": pl.Utf8,
                 "manad": pl.Int32, "volym_milli": pl.Int64}
SPAN_SCHEMA = {"person_id": pl.Utf8, "insats": pl.Utf8, "from": pl.Date, "tom": pl.Date}


def month_bounds(year: int, last_month: int) -> pl.DataFrame:
    """manad, m_start, m_end: each month's first and last day as day numbers of the year."""
    first = dt.date(year, 1, 1)
    starts = [dt.date(year, m, 1) for m in range(1, last_month + 2)] if last_month < 12 else \
        [dt.date(year, m, 1) for m in range(1, 13)] + [dt.date(year + 1, 1, 1)]
    return pl.DataFrame({"manad": list(range(1, last_month + 1)),
                         "m_start": [(starts[i] - first).days for i in range(last_month)],
                         "m_end": [(starts[i + 1] - first).days - 1 for i in range(last_month)]},
                        schema={"manad": pl.Int32, "m_start": pl.Int64, "m_end": pl.Int64})


def last_day(year: int, last_month: int) -> dt.date:
    return (dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)) \
        - dt.timedelta(days=1)


def month_volumes(aktivitet, direkt, feeds: pl.DataFrame, year: int,
                  last_month: int) -> pl.LazyFrame:
    """pool, insats, person_id, manad, volym_milli for the pools and insatser of `feeds`
    (pool, insats, enhet, utforare_krav: kpb.flow.volumes.pool_insatser)."""
    of_unit = lambda units: feeds.filter(pl.col("enhet").is_in(units))  # noqa: E731
    aktivitet = aktivitet.lazy()
    parts = [_dated(aktivitet, of_unit(DATED_UNITS), year, last_month),
             _days(matched_rows(_of(aktivitet, of_unit(["dygn"])), of_unit(["dygn"])),
                   year, last_month),
             _months(matched_rows(_of(aktivitet, of_unit(["manader"])), of_unit(["manader"])),
                     year, last_month)]
    kronor = of_unit(["kronor"])
    if kronor.height:
        parts.append(_kronor(matched_rows(direkt, kronor), last_month))
    return pl.concat([p.select(list(VOLUME_SCHEMA)).cast(VOLUME_SCHEMA) for p in parts])


def pool_feeds(rules: Rules) -> pl.DataFrame:
    """What feeds each operating pool (verksamhet: aktivitet; direkt: direkt rows)."""
    return pool_insatser(rules, (PoolType.VERKSAMHET, PoolType.DIREKT))


def reporting_feeds(rules: Rules) -> pl.DataFrame:
    """Direct pools with a `rapportvolym`: the aktivitet rows counted in the report unit."""
    rows = [(p.namn, p.rapportvolym.aktivitet, p.rapportvolym.enhet, None)
            for p in rules.pools if getattr(p, "rapportvolym", None)]
    return pl.DataFrame(rows, schema={"pool": pl.Utf8, "insats": pl.Utf8, "enhet": pl.Utf8,
                                      "utforare_krav": pl.Utf8}, orient="row")


def _of(rows: pl.LazyFrame, feeds: pl.DataFrame) -> pl.LazyFrame:
    return rows.filter(pl.col("insats").cast(pl.Utf8).is_in(feeds["insats"].unique().implode()))


def _dated(aktivitet: pl.LazyFrame, feeds: pl.DataFrame, year: int,
           last_month: int) -> pl.LazyFrame:
    """Hours and counts: summed per person, insats, utförare and month first (25M rows to a
    few hundred thousand), then joined to the pools they feed."""
    inside = pl.col("from").is_between(dt.date(year, 1, 1), last_day(year, last_month))
    summed = (_of(aktivitet, feeds).filter(inside)
              .group_by("person_id", "insats", "utforare",
                        manad=pl.col("from").dt.month().cast(pl.Int32))
              .agg(pl.col("timmar_milli").sum(), pl.col("antal_milli").sum()))
    value = pl.when(pl.col("enhet") == "timmar").then(pl.col("timmar_milli")) \
        .otherwise(pl.col("antal_milli")).fill_null(0)
    return (matched_rows(summed, feeds).group_by(KEYS + ["manad"])
            .agg(volym_milli=value.sum()))


def _clipped(rows: pl.LazyFrame, year: int, last_month: int) -> pl.LazyFrame:
    """start, end: day numbers of the row inside the months covered (0 = 1 January)."""
    first, last = dt.date(year, 1, 1), last_day(year, last_month)
    start = pl.max_horizontal(pl.col("from"), pl.lit(first))
    end = pl.min_horizontal(pl.col("tom").fill_null(pl.lit(last)), pl.lit(last))
    day = lambda d: (d - pl.lit(first)).dt.total_days()  # noqa: E731
    return rows.with_columns(start=day(start), end=day(end)).filter(pl.col("start") <= pl.col("end"))


def _by_month(spans: pl.LazyFrame, year: int, last_month: int) -> pl.LazyFrame:
    """Each span once per month it touches, cut to the month (start, end within it)."""
    bounds = month_bounds(year, last_month)
    month_of = lambda c: pl.lit(bounds["m_start"]).search_sorted(c, side="right")  # noqa: E731
    return (spans.with_columns(manad=pl.int_ranges(month_of(pl.col("start")),
                                                   month_of(pl.col("end")) + 1, dtype=pl.Int32))
            .explode("manad").join(bounds.lazy(), on="manad")
            .with_columns(start=pl.max_horizontal("start", "m_start"),
                          end=pl.min_horizontal("end", "m_end")))


def _days(rows: pl.LazyFrame, year: int, last_month: int) -> pl.LazyFrame:
    """Days per month, overlaps once: each row keeps only the days after the furthest end of
    the rows before it (by start), so the pieces left are disjoint, then cut by month."""
    spans = _clipped(rows, year, last_month).sort(KEYS + ["start", "end"])
    covered = pl.col("end").cum_max().shift(1).over(KEYS).fill_null(-1)
    pieces = (spans.with_columns(start=pl.max_horizontal(pl.col("start"), covered + 1))
              .filter(pl.col("start") <= pl.col("end")).select(KEYS + ["start", "end"]))
    return (_by_month(pieces, year, last_month).group_by(KEYS + ["manad"])
            .agg(volym_milli=((pl.col("end") - pl.col("start") + 1).sum() * 1000)))


def _months(rows: pl.LazyFrame, year: int, last_month: int) -> pl.LazyFrame:
    touched = _by_month(_clipped(rows, year, last_month).select(KEYS + ["start", "end"]),
                        year, last_month)
    return touched.select(KEYS + ["manad"]).unique().with_columns(volym_milli=pl.lit(1000, pl.Int64))


def _kronor(rows: pl.LazyFrame, last_month: int) -> pl.LazyFrame:
    month = (pl.col("period") % 100).cast(pl.Int32)
    return (rows.filter(month <= last_month).group_by(KEYS, manad=month)
            .agg(volym_milli=pl.col("belopp_ore").sum() * 10))


def placements(rules: Rules) -> dict[str, str]:
    """Activity code -> the insats of the direct pool whose `rapportvolym` it is (HVB bought
    per invoice, placed per the activity rows): who is in the insats, and when, follows the
    activity, not the invoices."""
    return {p.rapportvolym.aktivitet: p.insats_shares()[0][0] for p in rules.pools
            if getattr(p, "rapportvolym", None)}


def spans(aktivitet, direkt, rules: Rules, year: int, placed: dict[str, str] | None = None,
          days: list | None = None) -> pl.LazyFrame:
    """person_id, insats, from, tom: when each person's insats is open (tom null: open on).
    With `days`, only the spans that can cover one of them: an hour or count row without
    `tom` (millions, a day each) is kept only when it is dated on one of the days."""
    placed = placed or {}
    units = {k: i.enhet for k, i in rules.insatser.items() if k not in placed.values()}
    units |= {code: "dygn" for code in placed}  # a placement is a range
    codes = lambda wanted: [k for k, e in units.items() if e in wanted]  # noqa: E731
    rows = aktivitet.lazy().select(pl.col("person_id").cast(pl.Utf8),
                                   pl.col("insats").cast(pl.Utf8), "from", "tom")
    # an hour or count row without tom is open on its day; millions of them, a few per day
    dated = rows.filter(pl.col("insats").is_in(codes(DATED_UNITS)))
    if days is not None:
        dated = dated.filter(pl.col("tom").is_not_null()
                             | pl.col("from").is_in(pl.Series(days, dtype=pl.Date).implode()))
    dated = dated.with_columns(tom=pl.col("tom").fill_null(pl.col("from"))).unique()
    ranged = (rows.filter(pl.col("insats").is_in(codes(("dygn", "manader"))))
              .with_columns(pl.col("insats").replace(placed)))
    period = pl.col("period")
    paid = (direkt.lazy().filter(pl.col("insats").cast(pl.Utf8).is_in(codes(("kronor",)))
                                 & period.is_not_null())
            .select(pl.col("person_id").cast(pl.Utf8), pl.col("insats").cast(pl.Utf8),
                    pl.date(period // 100, period % 100, 1).alias("from"))
            .with_columns(tom=pl.col("from").dt.month_end()).unique())
    return pl.concat([dated.cast(SPAN_SCHEMA), ranged.cast(SPAN_SCHEMA), paid.cast(SPAN_SCHEMA)])
