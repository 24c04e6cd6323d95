"""Steps 4 and 6: pool costs onto insatser, and insats costs onto persons.

Operating pools split their cost (after overhead) over their insatser by `fordelning`; each
pool × insats amount is then split over the persons by volume. Direct pools give each person
their own amounts; the rest (ledger + overhead − Σ direct) is spread in proportion to the
direct amounts (`fordela`) or reported (`redovisa`); it is spread only when the direct amounts
sum above 0, since "in proportion" to a sum of 0 or less has no meaning (a rest over net credits
would turn costs into income). Whatever cannot reach a person becomes an ofördelat line with
its reason: nothing disappears.
"""

from __future__ import annotations

import polars as pl

from kpb.flow.split import largest_remainder
from kpb.flow.pool_amounts import AMOUNT_SCHEMA, insats_amounts  # noqa: F401
from kpb.flow.volumes import matched_rows, pool_insatser, volume_priced
from kpb.rules import Rules
from kpb.rules.model import PoolType

PERSON_COLUMNS = ["person_id", "insats", "pool", "volym_milli", "kostnad_ore", "kalla"]


def volume_persons(amounts: pl.DataFrame, volumes: pl.LazyFrame, rules: Rules) -> pl.LazyFrame:
    """Each verksamhet pool × insats amount split over its persons by volume."""
    splittable = amounts.filter(volume_priced(rules)).rename({"kostnad_ore": "belopp_ore"})
    rows = (volumes.join(splittable.lazy(), on=["pool", "insats"], how="inner")
            .filter(pl.col("volym_milli").sum().over(["pool", "insats"]) != 0))
    split = largest_remainder(rows, ["pool", "insats"], "belopp_ore", "volym_milli",
                              "person_id", "kostnad_ore")
    return split.with_columns(kalla=pl.lit("fordelad")).select(PERSON_COLUMNS)


def no_volume(amounts: pl.DataFrame, volumes: pl.LazyFrame, rules: Rules) -> pl.DataFrame:
    """Ofördelat: verksamhet pool × insats amounts with no volume to carry them."""
    totals = volumes.group_by(["pool", "insats"]).agg(total=pl.col("volym_milli").sum()).collect()
    return (amounts.filter(volume_priced(rules) & (pl.col("kostnad_ore") != 0))
            .join(totals, on=["pool", "insats"], how="left")
            .filter(pl.col("total").fill_null(0) == 0)
            .select("pool", orsak=pl.format("ingen volym för insats {}", "insats"),
                    belopp_ore="kostnad_ore"))


def direct_rows(direkt, rules: Rules) -> pl.DataFrame:
    """The direkt rows that feed a direct pool, with the pool and the input row number `rad_nr`
    (validation makes it one pool per row; kpb.allocate.invariants checks it)."""
    numbered = direkt.lazy().with_row_index("rad_nr")
    return matched_rows(numbered, pool_insatser(rules, (PoolType.DIREKT,))).collect()


def direct_amounts(direct_rows: pl.DataFrame) -> pl.DataFrame:
    """Each person's own amounts in each direct pool (kalla "direkt")."""
    return (direct_rows.group_by(["person_id", "insats", "pool"])
            .agg(kostnad_ore=pl.col("belopp_ore").sum())
            .with_columns(volym_milli=pl.col("kostnad_ore") * 10, kalla=pl.lit("direkt"))
            .select(PERSON_COLUMNS))


def direct_rest(direct: pl.DataFrame, amounts: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """pool, insats, att_fordela, direkt_ore, rest_ore, rest (handling) per direct pool."""
    pools = pl.DataFrame([(p.namn, p.rest) for p in rules.of_type(PoolType.DIREKT)],
                         schema={"pool": pl.Utf8, "rest": pl.Utf8}, orient="row")
    sums = direct.group_by("pool").agg(direkt_ore=pl.col("kostnad_ore").sum())
    return (amounts.join(pools, on="pool", how="inner").join(sums, on="pool", how="left")
            .with_columns(pl.col("direkt_ore").fill_null(0))
            .with_columns(rest_ore=pl.col("kostnad_ore") - pl.col("direkt_ore")))


def spread_rest(direct: pl.DataFrame, rests: pl.DataFrame) -> pl.LazyFrame:
    """`fordela`: each pool's rest over its persons in proportion to their direct amounts."""
    spread = rests.filter((pl.col("rest") == "fordela") & (pl.col("rest_ore") != 0))
    rows = (direct.lazy().join(spread.lazy().select("pool", "rest_ore"), on="pool", how="inner")
            .filter(pl.col("kostnad_ore").sum().over("pool") > 0)
            .rename({"kostnad_ore": "direkt_ore"}))
    split = largest_remainder(rows, ["pool", "insats"], "rest_ore", "direkt_ore",
                              "person_id", "kostnad_ore")
    return split.with_columns(volym_milli=pl.lit(0, pl.Int64), kalla=pl.lit("fordelad")).select(PERSON_COLUMNS)


def unspread_rest(direct: pl.DataFrame, rests: pl.DataFrame) -> pl.DataFrame:
    """Ofördelat: rests reported (`redovisa`), or with no direct amounts summing above 0."""
    weights = direct.group_by("pool").agg(vikt=pl.col("kostnad_ore").sum())
    kept = (rests.join(weights, on="pool", how="left")
            .filter((pl.col("rest_ore") != 0)
                    & ((pl.col("rest") == "redovisa") | (pl.col("vikt").fill_null(0) <= 0))))
    reason = (pl.when(pl.col("rest") == "redovisa")
              .then(pl.format("rest i direktpool, insats {} (redovisas)", "insats"))
              .when(pl.col("vikt").is_null())
              .then(pl.format("rest i direktpool, inga direkta belopp för insats {}", "insats"))
              .otherwise(pl.format("rest i direktpool, direkta belopp för insats {} summerar till 0 "
                                   "eller mindre och kan inte fördelas i proportion", "insats")))
    return kept.select("pool", orsak=reason, belopp_ore="rest_ore")
