"""One KPB against the last: `kpb jamfor 2022 2024` (docs/formats.md §7).

Reads the two years' own outputs (ut/<year>/insats, brukare_insats), so every figure is one
of theirs or a sum of them, and writes four tables to ut/jamfor_<fran>_<till>/:

    jamfor_styckkostnad   insats: volume, cost and styckkostnad then and now in the insats'
                          comparable unit (its report unit where it has one, e.g. kr/vårddygn;
                          none for kronor without one: a kr-per-krona ratio is never compared
                          or deflated), nominal and in the later year's prices
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
    insats: pl.DataFrame          # insats, volym_milli, kostnad_ore (optional: enhet, the unit
                                  # compared; null = kronor without report volume: no price)
    brukare_insats: pl.DataFrame  # person_id, insats, omrade, kostnad_ore
    names: dict[str, str] | None = None  # insats -> its name in the rules' catalogue


@dataclass(frozen=True)
class Comparison:
    fran: int
    till: int
    prisindex: str
    tables: dict[str, pl.DataFrame]
    output_dir: Path | None = None
    names: dict[str, str] | None = None  # insats -> name, the later year's where both have one


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
    names = (dict(insats.select("insats", "namn").iter_rows()) if "namn" in insats.columns
             else {})
    return Year(year, comparable_volumes(insats),
                persons.select("person_id", "insats", "omrade", kostnad_ore=_ore("kostnad")),
                names)


def comparable_volumes(insats: pl.DataFrame) -> pl.DataFrame:
    """insats, enhet, volym_milli, kostnad_ore: each insats in the unit it is compared in.

    Its report unit when every pool of the insats has one and they agree (vårddygn for HVB
    bought per invoice, beviljad timme for hemtjänst), with the report volume; else its own
    unit and volume; enhet null for a kronor insats without a report volume (its cost per
    invoiced krona is a control figure, never a styckkostnad). Outputs of a kpb without report
    volumes read as having none."""
    if "rapportenhet" not in insats.columns:
        insats = insats.with_columns(rapportenhet=pl.lit(None, pl.Utf8),
                                     rapportvolym=pl.lit(None, pl.Decimal(18, 3)))
    per_insats = insats.group_by("insats").agg(
        egen_enhet=pl.col("enhet").first(),
        volym_milli=_milli("volym").sum(), kostnad_ore=_ore("kostnad").sum(),
        rapportvolym_milli=_milli("rapportvolym").sum(),
        rapportenhet=pl.when(pl.col("rapportenhet").is_not_null().all()
                             & (pl.col("rapportenhet").n_unique() == 1))
        .then(pl.col("rapportenhet").first()))
    by_report = pl.col("rapportenhet").is_not_null()
    return per_insats.select(
        "insats",
        enhet=pl.when(by_report).then("rapportenhet")
        .when(pl.col("egen_enhet") != "kronor").then("egen_enhet"),
        volym_milli=pl.when(by_report).then("rapportvolym_milli").otherwise("volym_milli"),
        kostnad_ore="kostnad_ore")


def _ore(column: str) -> pl.Expr:
    return (pl.col(column) * 100).cast(pl.Int64)


def _milli(column: str) -> pl.Expr:
    return (pl.col(column) * 1000).cast(pl.Int64)


PriceIndex = tuple[str, dict[int, Fraction]]  # (its name, value per year)


def compare(fran: Year, till: Year, index: dict[int, Fraction], prisindex: str,
            indexes: dict[str, PriceIndex] | None = None) -> Comparison:
    """`index`/`prisindex`: the default price index (SKR's PKV for municipal cost);
    `indexes`: an index of its own per område or insats (riksnormen for ekonomiskt bistånd),
    an insats' own before its område's. Every fixed-price row names the index it used."""
    default = (prisindex, index)
    areas = _areas(fran, till)
    tables = {
        "jamfor_styckkostnad": styckkostnad(
            fran, till, _factors(areas, "insats", default, indexes or {}, fran.ar, till.ar)),
        "jamfor_omrade": omrade(
            fran, till, _factors(areas.select("omrade").unique(), "omrade", default,
                                 indexes or {}, fran.ar, till.ar)),
        "jamfor_floden": floden(fran, till),
        "jamfor_byten": byten(fran, till),
    }
    years = [pl.lit(fran.ar, pl.Int32).alias("ar_fran"), pl.lit(till.ar, pl.Int32).alias("ar_till")]
    return Comparison(fran.ar, till.ar, prisindex,
                      {name: frame.select(*years, pl.all()) for name, frame in tables.items()},
                      names={**(fran.names or {}), **(till.names or {})})


def _price_factor(index: dict[int, Fraction], fran: int, till: int) -> Fraction | None:
    """index(till) / index(fran): what a krona of `fran` is worth in `till`'s prices."""
    if fran in index and till in index:
        return index[till] / index[fran]
    return None


def _areas(fran: Year, till: Year) -> pl.DataFrame:
    """insats -> omrade over both years (the later year's where they differ)."""
    pairs = pl.concat([till.brukare_insats.select("insats", "omrade"),
                       fran.brukare_insats.select("insats", "omrade")]).unique(
        subset="insats", keep="first", maintain_order=True)
    names = pl.concat([fran.insats.select("insats"), till.insats.select("insats")]).unique()
    return names.join(pairs, on="insats", how="left").with_columns(pl.col("omrade").fill_null(""))


def _factors(keys: pl.DataFrame, key: str, default: PriceIndex, indexes: dict[str, PriceIndex],
             fran: int, till: int) -> pl.DataFrame:
    """key, prisindex, faktor_taljare, faktor_namnare: the index each row is restated with
    (an insats' own, its område's, else the default) as an exact fraction; null without one."""
    rows = []
    for row in keys.iter_rows(named=True):  # one row per insats or område
        chosen = next((indexes[k] for k in (row.get("insats"), row.get("omrade")) if k in indexes),
                      default)
        factor = _price_factor(chosen[1], fran, till)
        rows.append((row[key], chosen[0] if factor is not None else None,
                     factor.numerator if factor is not None else None,
                     factor.denominator if factor is not None else None))
    return pl.DataFrame(rows, orient="row", schema={
        key: pl.Utf8, "prisindex": pl.Utf8, "faktor_taljare": pl.Int64,
        "faktor_namnare": pl.Int64})


def in_prices(ore: pl.Expr, factor: Fraction | None = None) -> pl.Expr:
    """An öre amount in the later year's prices, rounded to the öre (null without an index):
    × `factor`, or, without one, × faktor_taljare / faktor_namnare of the row."""
    if factor is not None:
        numerator, denominator = pl.lit(factor.numerator, pl.Int64), pl.lit(
            factor.denominator, pl.Int64)
    else:
        numerator, denominator = pl.col("faktor_taljare"), pl.col("faktor_namnare")
    scaled = decimal_ratio(ore.cast(pl.Int128) * numerator, denominator, places=0)
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


def styckkostnad(fran: Year, till: Year, factors: pl.DataFrame) -> pl.DataFrame:
    """Per insats: the compared unit (`enhet_*`: its report unit where it has one), volume in
    it, total cost, and the unit cost then and now; prices and changes only where both years
    count the insats in the same unit, and never for kronor without a report volume."""
    both = _side_by_side(_with_unit(fran.insats), _with_unit(till.insats), "insats",
                         ("enhet", "volym_milli", "kostnad_ore"))
    priced = {side: pl.col(f"enhet_{side}").is_not_null() for side in ("fran", "till")}
    same_unit = pl.col("enhet_fran") == pl.col("enhet_till")
    price = lambda cost, side: pl.when(priced[side]).then(  # noqa: E731
        unit_cost(pl.col(cost), pl.col(f"volym_{side}_milli")))
    return (both.join(factors, on="insats", how="left")
            .with_columns(kostnad_fran_fast_ore=in_prices(pl.col("kostnad_fran_ore")))
            .with_columns(
                styckkostnad_fran=price("kostnad_fran_ore", "fran"),
                styckkostnad_fran_fast=price("kostnad_fran_fast_ore", "fran"),
                styckkostnad_till=price("kostnad_till_ore", "till"))
            .with_columns(
                forandring_nominell=pl.when(same_unit).then(unit_cost_change(
                    "kostnad_till_ore", "volym_till_milli", "kostnad_fran_ore",
                    "volym_fran_milli")),
                forandring_fast=pl.when(same_unit).then(unit_cost_change(
                    "kostnad_till_ore", "volym_till_milli", "kostnad_fran_fast_ore",
                    "volym_fran_milli")))
            .select("insats", "enhet_fran", "enhet_till", "volym_fran_milli", "volym_till_milli",
                    "kostnad_fran_ore", "kostnad_till_ore", "kostnad_fran_fast_ore", "prisindex",
                    "styckkostnad_fran", "styckkostnad_fran_fast", "styckkostnad_till",
                    "forandring_nominell", "forandring_fast")
            .sort("insats"))


def _with_unit(insats: pl.DataFrame) -> pl.DataFrame:
    """A Year's insats frame with `enhet` (a frame without it counts in its own volume)."""
    if "enhet" in insats.columns:
        return insats
    return insats.with_columns(enhet=pl.lit("volym"))


def omrade(fran: Year, till: Year, factors: pl.DataFrame) -> pl.DataFrame:
    """Brukare with any cost in the område, the område's cost on brukare, cost per brukare."""
    def per_area(year: Year) -> pl.DataFrame:
        return (year.brukare_insats.group_by("omrade")
                .agg(brukare=pl.col("person_id").n_unique().cast(pl.Int64),
                     kostnad_ore=pl.col("kostnad_ore").sum()))
    both = _side_by_side(per_area(fran), per_area(till), "omrade", ("brukare", "kostnad_ore"))
    per_person_ore = {side: decimal_ratio(pl.col(f"kostnad_{side}_ore"), pl.col(f"brukare_{side}"),
                                          places=0).cast(pl.Int64) for side in ("fran", "till")}
    return (both.join(factors, on="omrade", how="left")
            .with_columns(kostnad_per_brukare_fran_ore=per_person_ore["fran"],
                          kostnad_per_brukare_till_ore=per_person_ore["till"])
            .with_columns(kostnad_per_brukare_fran_fast_ore=in_prices(
                pl.col("kostnad_per_brukare_fran_ore")))
            .with_columns(forandring_nominell=change(pl.col("kostnad_per_brukare_till_ore"),
                                                     pl.col("kostnad_per_brukare_fran_ore")),
                          forandring_fast=change(pl.col("kostnad_per_brukare_till_ore"),
                                                 pl.col("kostnad_per_brukare_fran_fast_ore")))
            .drop("faktor_taljare", "faktor_namnare").sort("omrade"))


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
