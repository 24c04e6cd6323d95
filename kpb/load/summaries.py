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
"""

from __future__ import annotations

import polars as pl

MAX_HOURS_A_DAY_MILLI = 24_000
LONG_DAYS = "aktivitet_langa_dagar"  # its name among the tables the check reads
DAY = ["person_id", "from"]


def long_days(aktivitet: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """(person_id as text, from) of every person-day above 24 hours of positive hours."""
    return (aktivitet.lazy().filter(pl.col("timmar_milli") > 0)
            .group_by(DAY).agg(pl.col("timmar_milli").sum())
            .filter(pl.col("timmar_milli") > MAX_HOURS_A_DAY_MILLI)
            .select(pl.col("person_id").cast(pl.String), "from")
            .sort(DAY).collect(engine="streaming"))


def of_source(source: str, rows) -> dict[str, pl.DataFrame]:
    """The summaries of one loaded source (only the activity rows have one)."""
    return {LONG_DAYS: long_days(rows)} if source == "aktivitet" else {}
