"""One KPB against the last: `kpb jamfor 2022 2024` (docs/formats.md §7).

Reads the two years' own outputs (ut/<year>/insats, brukare_insats), so every figure is one
of theirs or a sum of them, and writes four tables to ut/jamfor_<fran>_<till>/:

    jamfor_styckkostnad   insats: volume, cost and styckkostnad then and now, nominal and in
                          the later year's prices ([jamfor] prisindex in kpb.toml)
    jamfor_omrade         område: brukare, cost and cost per brukare then and now
    jamfor_floden         insats: brukare then, now, new, continuing, ended
    jamfor_byten          område × insats then → insats now: brukare in both years who left
                          one insats and got another of the same område (HVB → familjehem)

Persons match across the years by pseudonym, so both years must be computed with the same
key. Money stays integer öre until written; ratios are exact decimals (kpb.money).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import polars as pl

from kpb.errors import error
from kpb.money import decimal_ratio


@dataclass(frozen=True)
class Year:
    """What the comparison needs of one computed year, money in öre and volume in milli."""

    ar: int
    insats: pl.DataFrame          # insats, volym_milli, kostnad_ore
    brukare_insats: pl.DataFrame  # person_id, insats, omrade, kostnad_ore


@dataclass(frozen=True)
class Comparison:
    fran: int
    till: int
    prisindex: str
    tables: dict[str, pl.DataFrame]
    output_dir: Path | None = None


INPUTS = ("insats", "brukare_insats")


def missing_outputs(ut: Path, years, relative) -> list:
    """An error for every output of the years that the comparison needs and cannot find."""
    return [error(relative(ut / str(y) / f"{n}.parquet"), None, None,
                  f"saknas: kör `kpb compute {y}` först")
            for y in years for n in INPUTS if not (ut / str(y) / f"{n}.parquet").is_file()]


def read_year(ut: Path, year: int) -> Year:
    """The year's outputs (check `missing_outputs` first)."""
    insats = pl.read_parquet(ut / str(year) / "insats.parquet", glob=False)
    persons = pl.read_parquet(ut / str(year) / "brukare_insats.parquet", glob=False)
    return Year(year,
                insats.group_by("insats").agg(volym_milli=_milli("volym").sum(),
                                              kostnad_ore=_ore("kostnad").sum()),
                persons.select("person_id", "insats", "omrade", kostnad_ore=_ore("kostnad")))


def _ore(column: str) -> pl.Expr:
    return (pl.col(column) * 100).cast(pl.Int64)


def _milli(column: str) -> pl.Expr:
    return (pl.col(column) * 1000).cast(pl.Int64)


def compare(fran: Year, till: Year, index: dict[int, Fraction], prisindex: str) -> Comparison:
    factor = _price_factor(index, fran.ar, till.ar)
    tables = {
        "jamfor_styckkostnad": styckkostnad(fran, till, factor),
        "jamfor_omrade": omrade(fran, till, factor),
        "jamfor_floden": floden(fran, till),
        "jamfor_byten": byten(fran, till),
    }
    years = [pl.lit(fran.ar, pl.Int32).alias("ar_fran"), pl.lit(till.ar, pl.Int32).alias("ar_till")]
    return Comparison(fran.ar, till.ar, prisindex,
                      {name: frame.select(*years, pl.all()) for name, frame in tables.items()})


def _price_factor(index: dict[int, Fraction], fran: int, till: int) -> Fraction | None:
    """index(till) / index(fran): what a krona of `fran` is worth in `till`'s prices."""
    if fran in index and till in index:
        return index[till] / index[fran]
    return None


def in_prices(ore: pl.Expr, factor: Fraction | None) -> pl.Expr:
    """An öre amount in the later year's prices, rounded to the öre (null without an index)."""
    if factor is None:
        return pl.lit(None, pl.Int64)
    scaled = decimal_ratio(ore.cast(pl.Int128) * factor.numerator,
                           pl.lit(factor.denominator, pl.Int64), places=0)
    return scaled.cast(pl.Int64)


def unit_cost(kostnad_ore: pl.Expr, volym_milli: pl.Expr) -> pl.Expr:
    """kr per unit to 4 decimals: öre × 10 / milli-units, exactly as insats.styckkostnad."""
    return decimal_ratio(kostnad_ore * 10, volym_milli)


def change(now: pl.Expr, then: pl.Expr) -> pl.Expr:
    """(now − then) / then as a share with 4 decimals (0.1234 = +12,34 %)."""
    return decimal_ratio(now - then, then)


def unit_cost_change(cost_now: str, volume_now: str, cost_then: str, volume_then: str) -> pl.Expr:
    """The change of a unit cost, from the exact costs and volumes (not the rounded prices):
    (k₁/v₁) / (k₀/v₀) − 1 = (k₁·v₀ − k₀·v₁) / (k₀·v₁)."""
    now = pl.col(cost_now).cast(pl.Int128) * pl.col(volume_then)
    then = pl.col(cost_then).cast(pl.Int128) * pl.col(volume_now)
    return decimal_ratio(now - then, then)


def styckkostnad(fran: Year, till: Year, factor: Fraction | None) -> pl.DataFrame:
    both = _side_by_side(fran.insats, till.insats, "insats", ("volym_milli", "kostnad_ore"))
    return (both.with_columns(
        kostnad_fran_fast_ore=in_prices(pl.col("kostnad_fran_ore"), factor))
        .with_columns(
            styckkostnad_fran=unit_cost(pl.col("kostnad_fran_ore"), pl.col("volym_fran_milli")),
            styckkostnad_fran_fast=unit_cost(pl.col("kostnad_fran_fast_ore"),
                                             pl.col("volym_fran_milli")),
            styckkostnad_till=unit_cost(pl.col("kostnad_till_ore"), pl.col("volym_till_milli")))
        .with_columns(
            forandring_nominell=unit_cost_change("kostnad_till_ore", "volym_till_milli",
                                                 "kostnad_fran_ore", "volym_fran_milli"),
            forandring_fast=unit_cost_change("kostnad_till_ore", "volym_till_milli",
                                             "kostnad_fran_fast_ore", "volym_fran_milli"))
        .sort("insats"))


def omrade(fran: Year, till: Year, factor: Fraction | None) -> pl.DataFrame:
    """Brukare with any cost in the område, the område's cost on brukare, cost per brukare."""
    def per_area(year: Year) -> pl.DataFrame:
        return (year.brukare_insats.group_by("omrade")
                .agg(brukare=pl.col("person_id").n_unique().cast(pl.Int64),
                     kostnad_ore=pl.col("kostnad_ore").sum()))
    both = _side_by_side(per_area(fran), per_area(till), "omrade", ("brukare", "kostnad_ore"))
    per_person_ore = {side: decimal_ratio(pl.col(f"kostnad_{side}_ore"), pl.col(f"brukare_{side}"),
                                          places=0).cast(pl.Int64) for side in ("fran", "till")}
    return (both.with_columns(kostnad_per_brukare_fran_ore=per_person_ore["fran"],
                              kostnad_per_brukare_till_ore=per_person_ore["till"])
            .with_columns(kostnad_per_brukare_fran_fast_ore=in_prices(
                pl.col("kostnad_per_brukare_fran_ore"), factor))
            .with_columns(forandring_nominell=change(pl.col("kostnad_per_brukare_till_ore"),
                                                     pl.col("kostnad_per_brukare_fran_ore")),
                          forandring_fast=change(pl.col("kostnad_per_brukare_till_ore"),
                                                 pl.col("kostnad_per_brukare_fran_fast_ore")))
            .sort("omrade"))


def floden(fran: Year, till: Year) -> pl.DataFrame:
    """Per insats: brukare then and now; new (now, not then), continuing (both), ended."""
    then = fran.brukare_insats.select("insats", "person_id").unique().with_columns(fran=True)
    now = till.brukare_insats.select("insats", "person_id").unique().with_columns(till=True)
    joined = then.join(now, on=["insats", "person_id"], how="full", coalesce=True).with_columns(
        pl.col("fran").fill_null(False), pl.col("till").fill_null(False))
    return (joined.group_by("insats").agg(
        brukare_fran=pl.col("fran").sum().cast(pl.Int64),
        brukare_till=pl.col("till").sum().cast(pl.Int64),
        nya=(pl.col("till") & ~pl.col("fran")).sum().cast(pl.Int64),
        kvarstaende=(pl.col("till") & pl.col("fran")).sum().cast(pl.Int64),
        avslutade=(pl.col("fran") & ~pl.col("till")).sum().cast(pl.Int64)).sort("insats"))


def byten(fran: Year, till: Year) -> pl.DataFrame:
    """Brukare in both years who had insats A then but not now, and B now but not then, A and
    B of the same område: one row per område × A × B with the persons and their costs."""
    def costs(year: Year) -> pl.DataFrame:
        return (year.brukare_insats.group_by("person_id", "insats", "omrade")
                .agg(pl.col("kostnad_ore").sum()))
    then, now = costs(fran), costs(till)
    both_years = then.select("person_id").unique().join(now.select("person_id").unique(),
                                                        on="person_id")
    left = (then.join(both_years, on="person_id")
            .join(now, on=["person_id", "insats"], how="anti"))
    got = (now.join(both_years, on="person_id")
           .join(then, on=["person_id", "insats"], how="anti"))
    pairs = left.join(got, on=["person_id", "omrade"], suffix="_till").rename(
        {"insats": "insats_fran", "kostnad_ore": "kostnad_fran_ore",
         "kostnad_ore_till": "kostnad_till_ore"})
    return (pairs.group_by("omrade", "insats_fran", "insats_till")
            .agg(brukare=pl.col("person_id").n_unique().cast(pl.Int64),
                 kostnad_fran_ore=pl.col("kostnad_fran_ore").sum(),
                 kostnad_till_ore=pl.col("kostnad_till_ore").sum())
            .sort("omrade", "insats_fran", "insats_till"))


def _side_by_side(then: pl.DataFrame, now: pl.DataFrame, key: str, columns) -> pl.DataFrame:
    """Both years' columns on one row per key: `volym_milli` -> volym_fran_milli, ...; a key
    present in one year only has nulls for the other."""
    def renamed(frame: pl.DataFrame, side: str) -> pl.DataFrame:
        return frame.select(key, *[pl.col(c).alias(_sided(c, side)) for c in columns])
    return renamed(then, "fran").join(renamed(now, "till"), on=key, how="full", coalesce=True)


def _sided(column: str, side: str) -> str:
    for suffix in ("_ore", "_milli"):
        if column.endswith(suffix):
            return f"{column.removesuffix(suffix)}_{side}{suffix}"
    return f"{column}_{side}"
