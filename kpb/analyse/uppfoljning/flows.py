"""Brukare month by month: in the insats, new, ended, open at the month's start and end, and
open on measuring days; per område and insats (insats empty: the område as a whole, each
person once) and age band.

- *brukare*: a volume in the month (kpb.analyse.uppfoljning.activity);
- *nya*: brukare in the month with no volume in the N months before (of the same insats, or
  of any insats of the område); reported from month N+1, since the months before the year
  are not in the data (null before);
- *avslutade*: brukare in the month with no volume in the N months after; reported up to the
  month N before the last month covered (null after);
- *vid_borjan*, *vid_slut*: persons whose insats is open on the month's first and last day;
- *punkt*: persons whose insats is open on a measuring day.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kpb.analyse.uppfoljning.settings import FollowupSettings

LEVELS = (["omrade", "insats"], ["omrade"])
FLOW_COLUMNS = ("manad", "omrade", "insats", "aldersgrupp", "vid_borjan", "nya", "avslutade",
                "vid_slut", "brukare")
POINT_COLUMNS = ("datum", "omrade", "insats", "aldersgrupp", "brukare")


def age_band(person: pl.DataFrame, settings: FollowupSettings) -> pl.Expr:
    """The person's band in their row's område: the område's own bands by age on 31 December
    ("övriga" outside them, "okänd" without a birth year), else the person's aldersgrupp."""
    band = pl.col("aldersgrupp").fill_null("okänd")
    alder = pl.col("alder")
    for omrade, bands in settings.aldersgrupper.items():
        inside = pl.lit("övriga")
        for b in reversed(bands):
            fits = alder >= b.fran if b.till is None else alder.is_between(b.fran, b.till)
            inside = pl.when(fits).then(pl.lit(b.namn)).otherwise(inside)
        own = pl.when(alder.is_null()).then(pl.lit("okänd")).otherwise(inside)
        band = pl.when(pl.col("omrade") == omrade).then(own).otherwise(band)
    return band


def with_band(frame: pl.LazyFrame, person: pl.DataFrame, settings: FollowupSettings) -> pl.LazyFrame:
    people = person.lazy().select(pl.col("person_id").cast(pl.Utf8), "alder", "aldersgrupp")
    return (frame.join(people, on="person_id", how="left")
            .with_columns(aldersgrupp=age_band(person, settings)).drop("alder"))


def with_omrade(frame: pl.LazyFrame, areas: dict[str, str]) -> pl.LazyFrame:
    return frame.with_columns(omrade=pl.col("insats").replace_strict(areas, default="",
                                                                    return_dtype=pl.Utf8))


def month_flows(active: pl.LazyFrame, stocks: pl.LazyFrame, settings: FollowupSettings,
                last_month: int) -> pl.DataFrame:
    """floden_manad: `active` is person_id, omrade, insats, aldersgrupp, manad (a volume in the
    month); `stocks` person_id, omrade, insats, aldersgrupp, manad, kant ("borjan"/"slut")."""
    n = settings.manader
    frames = []
    for keys in LEVELS:  # the insats, then the område as a whole
        group = keys + ["aldersgrupp", "person_id"]
        months = active.select(group + ["manad"]).unique().sort(group + ["manad"])
        # sorted once: the month before and after of the same person and group are the
        # neighbouring rows (a window over a million groups costs several times more)
        same_before = pl.all_horizontal([pl.col(c).eq_missing(pl.col(c).shift(1)) for c in group])
        same_after = pl.all_horizontal([pl.col(c).eq_missing(pl.col(c).shift(-1)) for c in group])
        prev = pl.when(same_before).then(pl.col("manad").shift(1))
        nxt = pl.when(same_after).then(pl.col("manad").shift(-1))
        flows = (months.with_columns(ny=prev.is_null() | (pl.col("manad") - prev > n),
                                     slut=nxt.is_null() | (nxt - pl.col("manad") > n))
                 .group_by(keys + ["aldersgrupp", "manad"])
                 .agg(brukare=pl.len(), nya=pl.col("ny").sum(), avslutade=pl.col("slut").sum()))
        held = (stocks.select(group + ["manad", "kant"]).unique()
                .group_by(keys + ["aldersgrupp", "manad"])
                .agg(vid_borjan=(pl.col("kant") == "borjan").sum(),
                     vid_slut=(pl.col("kant") == "slut").sum()))
        both = flows.join(held, on=keys + ["aldersgrupp", "manad"], how="full", coalesce=True)
        if keys == ["omrade"]:
            both = both.with_columns(insats=pl.lit(None, pl.Utf8))
        frames.append(both.select(FLOW_COLUMNS))
    counts = ["vid_borjan", "nya", "avslutade", "vid_slut", "brukare"]
    month = pl.col("manad")
    return (pl.concat(frames).with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in counts])
            .with_columns(nya=pl.when(month > n).then(pl.col("nya")),
                          avslutade=pl.when(month + n <= last_month).then(pl.col("avslutade")))
            .collect().sort("manad", "omrade", "insats", "aldersgrupp", nulls_last=True))


def open_on(spans: pl.LazyFrame, days: list[dt.date]) -> pl.LazyFrame:
    """person_id, insats, datum: every span with every day in `days` it covers (days sorted);
    only the pairs that meet are built, never spans × days."""
    day_list = pl.Series("datum", sorted(days), dtype=pl.Date)
    first = pl.lit(day_list).search_sorted(pl.col("from"), side="left")
    last = (pl.when(pl.col("tom").is_null()).then(pl.lit(len(day_list), pl.UInt32))
            .otherwise(pl.lit(day_list).search_sorted(pl.col("tom"), side="right")))
    index = pl.DataFrame({"dag": pl.Series(range(len(day_list)), dtype=pl.Int64),
                          "datum": day_list})
    return (spans.with_columns(dag=pl.int_ranges(first.cast(pl.Int64), last.cast(pl.Int64)))
            .explode("dag").drop_nulls("dag").join(index.lazy(), on="dag")
            .select("person_id", "insats", "datum").unique())


def month_edges(year: int, last_month: int) -> pl.DataFrame:
    """datum, manad, kant: the first and last day of every month covered."""
    rows = []
    for month in range(1, last_month + 1):
        first = dt.date(year, month, 1)
        end = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) \
            - dt.timedelta(days=1)
        rows += [(first, month, "borjan"), (end, month, "slut")]
    return pl.DataFrame(rows, schema={"datum": pl.Date, "manad": pl.Int32, "kant": pl.Utf8},
                        orient="row")


def point_counts(opened: pl.LazyFrame) -> pl.DataFrame:
    """punkt: persons open on each day per insats and per område, per age band."""
    frames = []
    for keys in LEVELS:
        counted = (opened.select(keys + ["aldersgrupp", "datum", "person_id"]).unique()
                   .group_by(keys + ["aldersgrupp", "datum"]).agg(brukare=pl.len().cast(pl.Int64)))
        if keys == ["omrade"]:
            counted = counted.with_columns(insats=pl.lit(None, pl.Utf8))
        frames.append(counted.select(POINT_COLUMNS))
    return pl.concat(frames).collect().sort("datum", "omrade", "insats", "aldersgrupp",
                                            nulls_last=True)
