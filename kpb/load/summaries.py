"""Small facts of a loaded source that no rule changes, computed once when the source is
loaded and kept in the cache with its rows (cache.py), so that a rules edit does not compute
them again from 25M activity rows.

`long_days`: the person-days whose hours, over all of the person's rows that day, exceed 24.
The check of kpb/check/plausible.py warns of more than 24 hours of one timmar insats for one
person on one day, with the insats codes as the rules map them (`koder` may join two export
codes into one insats). Whatever the mapping, such a day is one of these: the hours of one
insats are a part of the day's hours, and only positive hours are added here, so a negative
correction row cannot hide a day. The check then looks only at these days' rows (none, in
most years). At 1M invånare this group-by over 24M rows was half of a rules edit's check.

`combinations`: each (insats code, utförare) of the activity rows with its rows, the first
row's file and place and the first line of any of its rows. The check of rows that no pool
uses maps the codes as the rules say and adds these up, instead of grouping 24M rows again.

`person_sums`: Σ hours and Σ counts per person, insats code and utförare of the rows dated
in the year. The volumes of timmar and antal insatser (kpb/flow/volumes.py) are these sums,
the codes mapped and added up: sums of sums, so a rules edit no longer sums 24M rows.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

MAX_HOURS_A_DAY_MILLI = 24_000
LONG_DAYS = "aktivitet_langa_dagar"  # their names among the tables the check reads
COMBINATIONS = "aktivitet_insats_utforare"
PERSON_SUMS = "aktivitet_summor"
PERSON = ["person_id", "insats", "utforare"]
DAY = ["person_id", "from"]


ROWS_A_PART = 125_000_000  # activity rows whose person-days are summed in one group-by


def long_days(aktivitet: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """(person_id as text, from) of every person-day above 24 hours of positive hours.
    Summed a share of the days at a time (a day's rows are all in one share): a group costs
    about 60 bytes, and 10M invånare have 70M person-days (4.4 GiB in one group-by, 2.2 GiB
    a share in two, below the load's peak; each share reads every row again). Up to
    ROWS_A_PART rows (5M invånare), one share."""
    rows = aktivitet.lazy().filter(pl.col("timmar_milli") > 0)
    parts = max(1, -(-_height(aktivitet) // ROWS_A_PART))
    return pl.concat([
        rows.filter(pl.col("from").cast(pl.Int32) % parts == part)
        .group_by(DAY).agg(pl.col("timmar_milli").sum())
        .filter(pl.col("timmar_milli") > MAX_HOURS_A_DAY_MILLI)
        .select(pl.col("person_id").cast(pl.String), "from")
        .collect(engine="streaming")  # in morsels: no copy of the rows
        for part in range(parts)]).sort(DAY)


def _height(rows: pl.DataFrame | pl.LazyFrame) -> int:
    """Rows in memory or spilled (Parquet knows its row count)."""
    return rows.height if isinstance(rows, pl.DataFrame) else rows.select(pl.len()).collect().item()


def combinations(rows: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """(insats, utforare) as text: rader, forsta (the first row's place), kalla_fil (the
    first row's file), kalla_rad (the first line of any of its rows); in order of forsta."""
    return (rows.lazy().with_row_index("forsta")
            .group_by(["insats", "utforare"])
            .agg(rader=pl.len(), forsta=pl.col("forsta").min(),
                 kalla_fil=pl.col("kalla_fil").first(), kalla_rad=pl.col("kalla_rad").min())
            .with_columns(pl.col("insats", "utforare", "kalla_fil").cast(pl.String))
            .sort("forsta").collect(engine="streaming"))


def person_sums(rows: pl.DataFrame | pl.LazyFrame, year: int) -> pl.DataFrame:
    """person_id, insats, utforare (as text), timmar_milli and antal_milli summed over the
    rows dated in `year`, and `ar` (the volumes use it for that year only)."""
    dated = pl.col("from").is_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return (rows.lazy().filter(dated).group_by(PERSON)
            .agg(pl.col("timmar_milli").sum(), pl.col("antal_milli").sum())
            .with_columns(pl.col(PERSON).cast(pl.String), ar=pl.lit(year, pl.Int32))
            .sort(PERSON).collect(engine="streaming"))


def of_source(source: str, rows, year: int) -> dict[str, pl.DataFrame]:
    """The summaries of one loaded source (only the activity rows have them)."""
    if source != "aktivitet":
        return {}
    return {LONG_DAYS: long_days(rows), COMBINATIONS: combinations(rows),
            PERSON_SUMS: person_sums(rows, year)}
