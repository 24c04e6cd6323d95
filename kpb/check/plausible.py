"""Values that can be typed correctly and still not be true: warnings the user should see.

- persons without kön or födelseår (they are reported under "okänd");
- ages below 0 or above 120 on 31 December of the year;
- more than 24 hours of one timmar insats for one person on one day, or more than 366 days of
  one dygn insats for one person in the year (several pools of the same insats added up).
"""

from __future__ import annotations

import polars as pl

from kpb.errors import Problem, warning
from kpb.load.summaries import DAY, MAX_HOURS_A_DAY_MILLI
from kpb.rules import Rules

MAX_AGE = 120
EXAMPLES = 3


def persons_without_attributes(person: pl.DataFrame) -> list[Problem]:
    missing = person.filter((pl.col("kon") == "") | pl.col("fodelsear").is_null())
    if missing.is_empty():
        return []
    return [warning(None, None, "person",
                    f"{missing.height} av {person.height} brukare saknar kön eller födelseår "
                    "och redovisas som okänd i fördelningar per kön och åldersgrupp")]


def implausible_ages(person: pl.DataFrame, year: int) -> list[Problem]:
    odd = person.filter((pl.col("alder") < 0) | (pl.col("alder") > MAX_AGE)).sort("person_id")
    if odd.is_empty():
        return []
    examples = ", ".join(f"{r['person_id']} ({r['alder']} år)"
                         for r in odd.head(EXAMPLES).iter_rows(named=True))
    return [warning(None, None, "fodelsear",
                    f"{odd.height} brukare har en ålder under 0 eller över {MAX_AGE} år den 31 "
                    f"december {year}, t.ex. {examples}: kontrollera födelseåret")]


def implausible_volumes(aktivitet: pl.DataFrame, volume_rows: pl.DataFrame, rules: Rules,
                        year: int, long_days: pl.DataFrame | None = None) -> list[Problem]:
    return [*_too_many_hours(aktivitet, rules, long_days),
            *_too_many_days(volume_rows, rules, year)]


def _too_many_hours(aktivitet: pl.DataFrame, rules: Rules,
                    long_days: pl.DataFrame | None = None) -> list[Problem]:
    """Person-days of one timmar insats above 24 hours. The day sums are taken over the
    codes of person and insats (Categorical: 4-byte keys, no text hashed); only the few
    days above 24 hours are then looked at again for their file and first line.
    `long_days` (kpb/load/summaries.py, kept with the loaded rows): the only days that can
    be such a day, whatever the rules; without it every day is summed."""
    timmar = [k for k, i in rules.insatser.items() if i.enhet == "timmar"]
    day = ["person_id", "insats", "from"]
    hours = aktivitet.lazy().filter(pl.col("insats").is_in(timmar))
    if long_days is not None:
        if long_days.is_empty():
            return []
        person = aktivitet.lazy().collect_schema()["person_id"]
        hours = hours.join(long_days.lazy().with_columns(pl.col("person_id").cast(person)),
                           on=DAY, how="semi")
    suspects = (hours.group_by(day).agg(pl.col("timmar_milli").sum())
                .filter(pl.col("timmar_milli") > MAX_HOURS_A_DAY_MILLI).select(day)
                .collect(engine="streaming"))  # in morsels: no 25M-row copy
    if suspects.is_empty():
        return []
    # the suspect days' rows by the streaming engine, in their order: the in-memory engine
    # would first read the semi-join's left side whole (every timmar row of the year)
    rows = (hours.join(suspects.lazy(), on=day, how="semi", maintain_order="left")
            .select(*day, "timmar_milli", "kalla_fil", "kalla_rad")
            .collect(engine="streaming"))
    days = (rows.lazy().group_by(day)
            .agg(timmar_milli=pl.col("timmar_milli").sum(), kalla_fil=pl.col("kalla_fil").first(),
                 kalla_rad=pl.col("kalla_rad").min())
            .group_by(["kalla_fil", "insats"])
            .agg(dagar=pl.len(), kalla_rad=pl.col("kalla_rad").min(),
                 hogst=pl.col("timmar_milli").max())
            .sort("kalla_fil", "insats").collect())
    return [warning(d["kalla_fil"], d["kalla_rad"], "timmar",
                    f"{d['dagar']} gånger har en brukare mer än 24 timmar insats {d['insats']!r} "
                    f"samma dag (högst {d['hogst'] / 1000:g} timmar): kontrollera timmarna")
            for d in days.iter_rows(named=True)]


def _too_many_days(volume_rows: pl.DataFrame, rules: Rules, year: int) -> list[Problem]:
    dygn = [k for k, i in rules.insatser.items() if i.enhet == "dygn"]
    days_in_year = 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365
    odd = (volume_rows.filter(pl.col("insats").is_in(dygn))
           .group_by(["person_id", "insats"]).agg(pl.col("volym_milli").sum())
           .filter(pl.col("volym_milli") > days_in_year * 1000)
           .group_by("insats").agg(brukare=pl.len(), hogst=pl.col("volym_milli").max())
           .sort("insats"))
    return [warning(rules.source, None, f"insats {r['insats']}",
                    f"{r['brukare']} brukare har fler än {days_in_year} dygn under året (högst "
                    f"{r['hogst'] // 1000} dygn): samma dygn räknas i flera pooler")
            for r in odd.iter_rows(named=True)]
