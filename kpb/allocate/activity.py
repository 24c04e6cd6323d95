"""Activity rows the volumes cannot count as they stand, found before volumes are taken.

Hours and counts are counted on the activity's date (`from`), so a row of an insats with
enhet timmar or antal dated outside the verksamhetsår is an error: it belongs to another
year. An hour row without hours counts as 0 hours: allowed, but told as a warning. Ranges
(dygn, manader) are clipped to the year instead (kpb.allocate.volumes). One problem per file
and insats, at the file's first such line, with the number of rows.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kpb.errors import Problem, error, warning
from kpb.rules import Rules

DATED_UNITS = ("timmar", "antal")


def activity_problems(aktivitet, rules: Rules, year: int) -> list[Problem]:
    dated = rows_of_units(aktivitet, rules, DATED_UNITS)
    return [*outside_year(dated, year), *without_hours(dated)]


def rows_of_units(aktivitet, rules: Rules, units) -> pl.LazyFrame:
    """Activity rows whose insats has one of `units`, with the unit as `enhet`."""
    enheter = {kod: i.enhet for kod, i in rules.insatser.items() if i.enhet in units}
    return (aktivitet.lazy().filter(pl.col("insats").is_in(list(enheter)))
            .with_columns(enhet=pl.col("insats").replace_strict(enheter, return_dtype=pl.Utf8)))


def per_file(rows: pl.LazyFrame) -> list[dict]:
    """file, insats, enhet, rader, first line: one dict per file and insats (a few)."""
    return (rows.group_by(["kalla_fil", "insats", "enhet"])
            .agg(rader=pl.len(), kalla_rad=pl.col("kalla_rad").min())
            .sort("kalla_fil", "insats").collect().to_dicts())


def outside_year(dated: pl.LazyFrame, year: int) -> list[Problem]:
    outside = dated.filter(~pl.col("from").is_between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return [error(g["kalla_fil"], g["kalla_rad"], "from",
                  f"{g['rader']} rader med datum utanför verksamhetsåret {year} för insats "
                  f"{g['insats']!r} ({g['enhet']} räknas på aktivitetens datum)")
            for g in per_file(outside)]


def without_hours(dated: pl.LazyFrame) -> list[Problem]:
    missing = dated.filter((pl.col("enhet") == "timmar") & pl.col("timmar_milli").is_null())
    return [warning(g["kalla_fil"], g["kalla_rad"], "timmar",
                    f"{g['rader']} rader för insats {g['insats']!r} (enhet timmar) saknar timmar "
                    "och räknas som 0 timmar")
            for g in per_file(missing)]
