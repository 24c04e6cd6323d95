"""Ekonomiskt bistånd month by month: households and adults with a payment, by the age band
of the applicant, and the share of those who left bistånd who had not come back a year later.

- A *payment month* of a person or household: the month (`period`) in which their direkt
  rows of the bistånd insatser (`[hushall] bistand`) sum above 0 (an återkrav cancels).
- *hushall*: households with a payment month; a row without a household id is a household
  of its own person. Its *applicant* is the person the month's payments are attached to (the
  largest sum; equal sums: the pseudonym that sorts first); the band is the applicant's.
- *vuxna*: persons 18 or older (age on 31 December) with a payment month, in their own band.
- *lamnade*: adults paid in the month and in none of the N months after (left bistånd);
  *ej_atervanda*: of them, those paid in none of the 12 months after (Kolada U31462, "ej
  återaktualiserade ett år efter avslutat försörjningsstöd"); *andel_ej_atervanda* the share.
  Reported only where the data covers the 12 months after (the next year loaded in
  kpb.duckdb), null otherwise.
"""

from __future__ import annotations

import polars as pl

from kpb.analyse.uppfoljning.flows import with_band
from kpb.analyse.uppfoljning.settings import FollowupSettings
from kpb.money import decimal_ratio

COLUMNS = ("manad", "aldersgrupp", "hushall", "vuxna", "utbetalt_ore", "lamnade",
           "ej_atervanda", "andel_ej_atervanda")
RETURN_MONTHS = 12


def _absolute(period: pl.Expr) -> pl.Expr:
    return (period // 100) * 12 + period % 100 - 1


def paid_months(direkt, bistand: tuple[str, ...], omrade: str) -> pl.LazyFrame:
    """person_id, hushall, manad_nr (year × 12 + month − 1), belopp_ore, omrade."""
    rows = direkt.lazy().filter(pl.col("insats").cast(pl.Utf8).is_in(list(bistand))
                                & pl.col("period").is_not_null())
    return (rows.group_by(pl.col("person_id").cast(pl.Utf8), pl.col("hushall").cast(pl.Utf8),
                          manad_nr=_absolute(pl.col("period")))
            .agg(pl.col("belopp_ore").sum()).with_columns(omrade=pl.lit(omrade)))


def bistand_months(rows: pl.LazyFrame, person: pl.DataFrame, settings: FollowupSettings,
                   year: int, last_month: int, covered_until: int) -> pl.DataFrame:
    """bistand_manad for the months 1..last_month of `year`; `rows` from paid_months (may hold
    the next year's too); `covered_until`: the last month number the data covers."""
    first, last = year * 12, year * 12 + last_month - 1
    banded = with_band(rows, person, settings)
    household = pl.when(pl.col("hushall") == "").then(pl.lit("person:") + pl.col("person_id")) \
        .otherwise(pl.col("hushall"))
    households = (banded.filter(pl.col("manad_nr").is_between(first, last))
                  .with_columns(hushall=household)
                  .sort(["hushall", "manad_nr", "belopp_ore", "person_id"],
                        descending=[False, False, True, False])
                  .group_by("hushall", "manad_nr", maintain_order=True)
                  .agg(pl.col("belopp_ore").sum(), aldersgrupp=pl.col("aldersgrupp").first())
                  .filter(pl.col("belopp_ore") > 0)
                  .group_by("manad_nr", "aldersgrupp")
                  .agg(hushall=pl.len().cast(pl.Int64), utbetalt_ore=pl.col("belopp_ore").sum()))
    adults = (banded.join(person.lazy().select(pl.col("person_id").cast(pl.Utf8), "alder"),
                          on="person_id", how="left")
              .filter(pl.col("alder") >= 18)
              .group_by("person_id", "manad_nr", "aldersgrupp").agg(pl.col("belopp_ore").sum())
              .filter(pl.col("belopp_ore") > 0))
    counted = adults.filter(pl.col("manad_nr").is_between(first, last)) \
        .group_by("manad_nr", "aldersgrupp").agg(vuxna=pl.len().cast(pl.Int64))
    left = _left(adults, settings.manader, first, last, covered_until)
    keys = ["manad_nr", "aldersgrupp"]
    table = (households.join(counted, on=keys, how="full", coalesce=True)
             .join(left, on=keys, how="full", coalesce=True).collect())
    covered = pl.col("manad_nr") + RETURN_MONTHS <= covered_until
    return (table.with_columns(manad=(pl.col("manad_nr") - first + 1).cast(pl.Int32),
                               hushall=pl.col("hushall").fill_null(0),
                               vuxna=pl.col("vuxna").fill_null(0),
                               utbetalt_ore=pl.col("utbetalt_ore").fill_null(0),
                               lamnade=pl.when(covered).then(pl.col("lamnade").fill_null(0)),
                               ej_atervanda=pl.when(covered)
                               .then(pl.col("ej_atervanda").fill_null(0)))
            .with_columns(andel_ej_atervanda=decimal_ratio(pl.col("ej_atervanda"),
                                                           pl.col("lamnade")))
            .select(COLUMNS).sort("manad", "aldersgrupp"))


def _left(adults: pl.LazyFrame, n: int, first: int, last: int, covered_until: int) -> pl.LazyFrame:
    """Adults paid in a month and in none of the N after; of them those not back in 12."""
    group = ["person_id", "aldersgrupp"]
    months = adults.select(group + ["manad_nr"]).unique()
    nxt = pl.col("manad_nr").shift(-1).over(group, order_by="manad_nr")
    gap = nxt - pl.col("manad_nr")
    return (months.with_columns(lamnat=nxt.is_null() | (gap > n),
                                borta=nxt.is_null() | (gap > RETURN_MONTHS))
            .filter(pl.col("manad_nr").is_between(first, min(last, covered_until - n))
                    & pl.col("lamnat"))
            .group_by("manad_nr", "aldersgrupp")
            .agg(lamnade=pl.len().cast(pl.Int64), ej_atervanda=pl.col("borta").sum().cast(pl.Int64)))
