"""Households: the person costs gathered per ekonomiskt bistånd household (hushall.parquet).

A household is a `hushall` id (pseudonymised at load) on aktivitet or direkt rows; its members
are the persons seen on rows carrying that id in the year. Money is never re-split here: a
household's cost is the sum of its members' person costs (brukare_insats), so the households
reconcile to the öre with the person costs.

A person seen with two households in the same year (a separation, a young adult moving out)
belongs to one of them only, with all their costs: the household of their **latest dated**
row (an aktivitet row's `from`, a direkt row's payment month); rows of equal date go to the
household whose pseudonym sorts first. `antal_i_flera_hushall` counts
such persons in the summary.

Långvarigt bistånd follows Socialstyrelsen's definition: ekonomiskt bistånd paid in at least
10 of the year's 12 months (`[hushall] langvarigt_manader` in kpb.toml). A month with payment
is a calendar month in which the members' direkt rows of the bistånd insatser sum above 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kpb.load.schemas import text
from kpb.flow.settings import HouseholdSettings, settings_for  # noqa: F401
from kpb.money import decimal_ratio

CATEGORY_COLUMNS = ("bistand_ore", "handlaggning_ore", "ovriga_insatser_ore")
HUSHALL_COLUMNS = ("rang", "hushall", "antal_medlemmar", "bistand_ore", "handlaggning_ore",
                   "ovriga_insatser_ore", "kostnad_ore", "manader_med_utbetalning",
                   "langvarigt_bistand", "andel_av_bistand", "kumulativ_andel_av_bistand")
HUSHALL_INSATS_COLUMNS = ("hushall", "insats", "antal_medlemmar", "kostnad_ore")
SHARE = pl.Decimal(18, 4)


@dataclass(frozen=True)
class Households:
    hushall: pl.DataFrame          # one row per household, ranked by total cost
    hushall_insats: pl.DataFrame   # household × insats
    members: pl.DataFrame          # person_id -> hushall (the membership rule applied)
    antal_i_flera_hushall: int


def hushall(aktivitet: pl.DataFrame, direkt: pl.DataFrame, brukare_insats: pl.DataFrame,
            settings: HouseholdSettings) -> Households:
    """Every household of the year with its members' costs; money in öre."""
    seen = household_rows(aktivitet, direkt)
    members = membership(seen)
    costs = member_costs(brukare_insats, members, settings)
    months = payment_months(direkt, members, settings)
    table = ranked(household_totals(members, costs, months, settings))
    in_two = seen.group_by("person_id").agg(pl.col("hushall").n_unique()).filter(
        pl.col("hushall") > 1).height
    return Households(table, per_insats(members, brukare_insats), members, in_two)


def household_rows(aktivitet: pl.DataFrame, direkt: pl.DataFrame) -> pl.DataFrame:
    """person_id, hushall, datum: every row naming a household, with its date (an aktivitet
    row's `from`, the first day of a direkt row's payment month)."""
    named = pl.col("hushall") != ""
    activity = text(aktivitet.lazy().filter(named).select("person_id", "hushall",
                                                          datum=pl.col("from")))
    payments = direkt.lazy().filter(named).select(
        "person_id", "hushall", datum=pl.date(pl.col("period") // 100, pl.col("period") % 100, 1))
    return pl.concat([activity, payments]).unique().collect()


def membership(seen: pl.DataFrame) -> pl.DataFrame:
    """person_id, hushall: each person in the household of their latest dated row (ties: the
    household pseudonym that sorts first)."""
    return (seen.sort(["person_id", "datum", "hushall"], descending=[False, True, False])
            .group_by("person_id", maintain_order=True).agg(pl.col("hushall").first()))


def _category(settings: HouseholdSettings) -> pl.Expr:
    return (pl.when(pl.col("insats").is_in(list(settings.bistand))).then(pl.lit("bistand_ore"))
            .when(pl.col("insats").is_in(list(settings.handlaggning)))
            .then(pl.lit("handlaggning_ore")).otherwise(pl.lit("ovriga_insatser_ore")))


def member_costs(brukare_insats: pl.DataFrame, members: pl.DataFrame,
                 settings: HouseholdSettings) -> pl.DataFrame:
    """hushall, kategori, kostnad_ore: the members' person costs by category."""
    return (brukare_insats.lazy().join(members.lazy(), on="person_id", how="inner")
            .group_by("hushall", kategori=_category(settings))
            .agg(pl.col("kostnad_ore").sum()).collect())


def payment_months(direkt: pl.DataFrame, members: pl.DataFrame,
                   settings: HouseholdSettings) -> pl.DataFrame:
    """hushall, manader_med_utbetalning: months whose bistånd payments sum above 0."""
    return (direkt.lazy().filter(pl.col("insats").is_in(list(settings.bistand)))
            .join(members.lazy(), on="person_id", how="inner")
            .group_by("hushall", "period").agg(pl.col("belopp_ore").sum())
            .filter(pl.col("belopp_ore") > 0)
            .group_by("hushall").agg(manader_med_utbetalning=pl.len().cast(pl.Int32)).collect())


def household_totals(members, costs, months, settings: HouseholdSettings) -> pl.DataFrame:
    counted = members.group_by("hushall").agg(antal_medlemmar=pl.len().cast(pl.Int32))
    wide = costs.pivot(on="kategori", index="hushall", values="kostnad_ore")
    for column in CATEGORY_COLUMNS:
        if column not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(column))
    return (counted.join(wide, on="hushall", how="left").join(months, on="hushall", how="left")
            .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in CATEGORY_COLUMNS)
            .with_columns(pl.col("manader_med_utbetalning").fill_null(0),
                          kostnad_ore=pl.sum_horizontal(CATEGORY_COLUMNS))
            .with_columns(langvarigt_bistand=pl.col("manader_med_utbetalning")
                          >= settings.langvarigt_manader))


def ranked(totals: pl.DataFrame) -> pl.DataFrame:
    """Households by total cost (highest first, ties by pseudonym), with each one's share of
    all households' bistånd and the cumulative share down the ranking."""
    ordered = totals.sort(["kostnad_ore", "hushall"], descending=[True, False])
    total = ordered["bistand_ore"].sum()
    return (ordered.with_row_index("rang", offset=1)
            .with_columns(pl.col("rang").cast(pl.Int32),
                          andel_av_bistand=share(pl.col("bistand_ore"), total),
                          kumulativ_andel_av_bistand=share(pl.col("bistand_ore").cum_sum(), total))
            .select(HUSHALL_COLUMNS))


def share(part: pl.Expr, whole: int) -> pl.Expr:
    """part / whole as an exact DECIMAL(18,4) (null unless whole is above 0)."""
    if whole <= 0:
        return pl.lit(None, SHARE)
    return decimal_ratio(part, pl.lit(whole, pl.Int64))


def per_insats(members: pl.DataFrame, brukare_insats: pl.DataFrame) -> pl.DataFrame:
    """hushall × insats: how many members had it and what it cost."""
    return (brukare_insats.lazy().join(members.lazy(), on="person_id", how="inner")
            .group_by("hushall", "insats")
            .agg(antal_medlemmar=pl.col("person_id").n_unique().cast(pl.Int32),
                 kostnad_ore=pl.col("kostnad_ore").sum())
            .sort("hushall", "insats").select(HUSHALL_INSATS_COLUMNS).collect())
