"""Adult recipients of ekonomiskt bistånd, counted as Kolada (N31814) and Socialstyrelsen
count them: every person 18 or older in a household with bistånd in the year, with the
number of the year's months in which the household had bistånd. Långvarigt = 10 to 12 months.

A month is the month the bistånd **avser** (is for): a direkt row's `period_avser` where the
export holds it, else its `period`, which must then be the month the bistånd avser, not the
month it was paid (Socialstyrelsen names the payment month as a reporting error). Payments of
a month that sum to 0 or below (an återkrav) do not count. A person is in the household of
kpb.analyse.households' membership rule; a person paid bistånd without any household id is a
household of their own.
"""

from __future__ import annotations

import polars as pl

from kpb.analyse.households import household_rows, membership

ADULT_AGE = 18


def adult_recipients(aktivitet: pl.DataFrame, direkt: pl.DataFrame, person: pl.DataFrame,
                     bistand: tuple[str, ...]) -> pl.DataFrame:
    """person_id, hushall, manader: one row per adult (18+ on 31 December) in a household
    with bistånd in at least one month of the year."""
    month = "period_avser" if "period_avser" in direkt.columns else "period"
    members = membership(household_rows(aktivitet, direkt))
    payments = direkt.lazy().filter(pl.col("insats").cast(pl.Utf8).is_in(list(bistand)))
    alone = (payments.select("person_id").unique()
             .join(members.lazy(), on="person_id", how="anti")
             .with_columns(hushall=pl.lit("person:") + pl.col("person_id")))
    everyone = pl.concat([members.lazy().select("person_id", "hushall"),
                          alone.select("person_id", "hushall")])
    months = (payments.join(everyone, on="person_id", how="inner")
              .group_by("hushall", pl.col(month).alias("manad"))
              .agg(pl.col("belopp_ore").sum()).filter(pl.col("belopp_ore") > 0)
              .group_by("hushall").agg(manader=pl.len().cast(pl.Int32)))
    adults = person.lazy().filter(pl.col("alder") >= ADULT_AGE).select("person_id")
    return (everyone.join(months, on="hushall", how="inner").join(adults, on="person_id")
            .select("person_id", "hushall", "manader").sort("person_id").collect())
