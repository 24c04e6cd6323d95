"""Arbetsmarknad outcomes: what an insats costs per participant, per avslut and per avslut to
arbete or studier, and ekonomiskt bistånd before the start and after the avslut
(utfall.parquet, utfall_deltagare.parquet; docs/formats.md §8).

Input: the optional source `utfall` (one row per participant and insats: start, avslut,
avslutsorsak), the case system's avslutsorsaker grouped in kpb.toml `[utfall.avslutsorsak]`,
the year's person costs (brukare_insats) and direkt payments. Money is never split again: an
insats's cost at an utförare is the sum of its participants' person costs for that insats, so
the figures add up to brukare_insats.

Rules where the data leaves a choice (also in formats.md §8):
- A participant is a person with an utfall row active in the year (start on or before 31
  December, no avslut or an avslut on or after 1 January). A person with several rows of the
  same insats counts at the utförare of their latest start (ties: the later avslut, then the
  utförare's name); their avslut is that row's.
- An avslut counts in the year it falls in. Arbete or studier = the mapped category.
- Bistånd before the start: the six calendar months before the start month; after the
  avslut: the six calendar months after the avslut month. Only months inside the
  verksamhetsår are read (the data covers them); the covered months are stated beside every
  figure and nothing is extrapolated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from kpb.money import decimal_ratio

CATEGORIES = ("arbete", "studier", "annan_insats", "avbrott", "ovrigt")
WINDOW = 6  # months before the start and after the avslut
UTFALL_COLUMNS = (
    "insats", "utforare", "deltagare", "avslut", "avslut_arbete", "avslut_studier",
    "avslut_annan_insats", "avslut_avbrott", "avslut_ovrigt", "avslut_arbete_eller_studier",
    "andel_arbete_eller_studier", "kostnad_ore", "kostnad_per_deltagare_ore",
    "kostnad_per_avslut_ore", "kostnad_per_avslut_arbete_eller_studier_ore",
    "deltagare_med_bistand_fore", "bistand_fore_ore", "manader_med_bistand_fore",
    "tackta_manader_fore", "deltagare_med_bistand_efter", "bistand_efter_ore",
    "manader_med_bistand_efter", "tackta_manader_efter")
DELTAGARE_COLUMNS = (
    "person_id", "insats", "utforare", "start", "avslut", "avslutsorsak", "kategori",
    "kostnad_ore", "bistand_fore_ore", "manader_med_bistand_fore", "tackta_manader_fore",
    "bistand_efter_ore", "manader_med_bistand_efter", "tackta_manader_efter")


@dataclass(frozen=True)
class Outcomes:
    utfall: pl.DataFrame            # insats × utförare
    utfall_deltagare: pl.DataFrame  # participant × insats


def outcomes(utfall: pl.DataFrame, brukare_insats: pl.DataFrame, direkt: pl.DataFrame,
             avslutsorsak: dict[str, str], bistand: tuple[str, ...], catalogue: set[str],
             code_map: dict[str, str], year: int) -> Outcomes:
    """Both outcome tables for the year (the rows are checked by `utfall_problems` first, in
    the check stage; rows of insatser outside the catalogue are left out, with a warning)."""
    rows = (utfall.with_columns(pl.col("insats").replace(code_map))
            .filter(pl.col("insats").is_in(sorted(catalogue))))
    participants = deltagare(rows, avslutsorsak, year)
    costed = with_costs(participants, brukare_insats)
    linked = with_bistand(costed, direkt, bistand, year)
    return Outcomes(per_insats(linked, year), linked.select(DELTAGARE_COLUMNS)
                    .sort("insats", "person_id"))


def deltagare(rows: pl.DataFrame, avslutsorsak: dict[str, str], year: int) -> pl.DataFrame:
    """One row per person × insats active in the year: its latest row (see the module)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    orsak = pl.col("avslutsorsak").str.strip_chars().str.to_lowercase()
    active = rows.filter((pl.col("start") <= last)
                         & (pl.col("avslut").is_null() | (pl.col("avslut") >= first)))
    latest = (active.sort(["person_id", "insats", "start", "avslut", "utforare"],
                          descending=[False, False, True, True, False], nulls_last=False)
              .group_by("person_id", "insats", maintain_order=True).first())
    ended_in_year = pl.col("avslut").is_not_null() & (pl.col("avslut") <= last)
    return latest.select(
        "person_id", "insats", "utforare", "start",
        avslut=pl.when(ended_in_year).then(pl.col("avslut")),
        avslutsorsak=pl.when(ended_in_year).then(pl.col("avslutsorsak")),
        kategori=pl.when(ended_in_year).then(
            orsak.replace_strict(avslutsorsak, default="ovrigt")))


def with_costs(participants: pl.DataFrame, brukare_insats: pl.DataFrame) -> pl.DataFrame:
    """Each participant's person cost for the insats (0 when the insats cost them nothing)."""
    costs = brukare_insats.group_by("person_id", "insats").agg(pl.col("kostnad_ore").sum())
    return participants.join(costs, on=["person_id", "insats"], how="left").with_columns(
        pl.col("kostnad_ore").fill_null(0))


def _month(column: str) -> pl.Expr:
    """A date's month as one number: year × 12 + month − 1."""
    date_of = pl.col(column).dt
    return date_of.year().cast(pl.Int32) * 12 + date_of.month().cast(pl.Int32) - 1


def _covered(first: pl.Expr, last: pl.Expr, year: int) -> pl.Expr:
    """How many months of [first, last] (month numbers) lie inside the year."""
    lo = pl.max_horizontal(first, pl.lit(year * 12))
    hi = pl.min_horizontal(last, pl.lit(year * 12 + 11))
    return pl.max_horizontal(hi - lo + 1, pl.lit(0)).cast(pl.Int32)


def with_bistand(participants: pl.DataFrame, direkt: pl.DataFrame, bistand: tuple[str, ...],
                 year: int) -> pl.DataFrame:
    """Bistånd (months with a payment above 0, amount) in the window before the start and
    after the avslut, with the months of each window that the year's data covers."""
    months = (direkt.filter(pl.col("insats").is_in(list(bistand)))
              .group_by("person_id",
                        manad=(pl.col("period") // 100) * 12 + pl.col("period") % 100 - 1)
              .agg(belopp_ore=pl.col("belopp_ore").sum()).filter(pl.col("belopp_ore") > 0)
              .with_columns(pl.col("manad").cast(pl.Int32)))
    windows = participants.with_columns(fore_till=_month("start") - 1,
                                        efter_fran=_month("avslut") + 1)
    windows = windows.with_columns(fore_fran=pl.col("fore_till") - (WINDOW - 1),
                                   efter_till=pl.col("efter_fran") + (WINDOW - 1))
    linked = windows
    for side in ("fore", "efter"):
        inside = pl.col("manad").is_between(pl.col(f"{side}_fran"), pl.col(f"{side}_till"))
        found = (windows.select("person_id", "insats", f"{side}_fran", f"{side}_till")
                 .join(months, on="person_id").filter(inside)
                 .group_by("person_id", "insats")
                 .agg(pl.col("belopp_ore").sum().alias(f"bistand_{side}_ore"),
                      pl.len().cast(pl.Int32).alias(f"manader_med_bistand_{side}")))
        linked = linked.join(found, on=["person_id", "insats"], how="left")
    return linked.with_columns(
        pl.col("bistand_fore_ore").fill_null(0), pl.col("manader_med_bistand_fore").fill_null(0),
        tackta_manader_fore=_covered(pl.col("fore_fran"), pl.col("fore_till"), year),
        bistand_efter_ore=pl.when(pl.col("avslut").is_not_null())
        .then(pl.col("bistand_efter_ore").fill_null(0)),
        manader_med_bistand_efter=pl.when(pl.col("avslut").is_not_null())
        .then(pl.col("manader_med_bistand_efter").fill_null(0)),
        tackta_manader_efter=pl.when(pl.col("avslut").is_not_null()).then(
            _covered(pl.col("efter_fran"), pl.col("efter_till"), year)).otherwise(0))


def per_insats(linked: pl.DataFrame, year: int) -> pl.DataFrame:
    """insats × utförare: participants, avslut by category, cost per participant, per avslut
    and per avslut to arbete or studier, and the bistånd link with its coverage."""
    ended = pl.col("kategori").is_not_null()
    counts = {f"avslut_{c}": (pl.col("kategori") == c).sum().cast(pl.Int64) for c in CATEGORIES}
    table = linked.group_by("insats", "utforare").agg(
        deltagare=pl.len().cast(pl.Int64), avslut=ended.sum().cast(pl.Int64), **counts,
        kostnad_ore=pl.col("kostnad_ore").sum(),
        deltagare_med_bistand_fore=(pl.col("manader_med_bistand_fore") > 0).sum().cast(pl.Int64),
        bistand_fore_ore=pl.col("bistand_fore_ore").sum(),
        manader_med_bistand_fore=pl.col("manader_med_bistand_fore").sum().cast(pl.Int64),
        tackta_manader_fore=pl.col("tackta_manader_fore").sum().cast(pl.Int64),
        deltagare_med_bistand_efter=(pl.col("manader_med_bistand_efter") > 0).sum().cast(pl.Int64),
        bistand_efter_ore=pl.col("bistand_efter_ore").sum(),
        manader_med_bistand_efter=pl.col("manader_med_bistand_efter").sum().cast(pl.Int64),
        tackta_manader_efter=pl.col("tackta_manader_efter").sum().cast(pl.Int64))
    positive = pl.col("avslut_arbete") + pl.col("avslut_studier")
    return (table.with_columns(avslut_arbete_eller_studier=positive)
            .with_columns(
                andel_arbete_eller_studier=decimal_ratio(pl.col("avslut_arbete_eller_studier"),
                                                         pl.col("avslut")),
                kostnad_per_deltagare_ore=_per("deltagare"),
                kostnad_per_avslut_ore=_per("avslut"),
                kostnad_per_avslut_arbete_eller_studier_ore=_per("avslut_arbete_eller_studier"))
            .select(UTFALL_COLUMNS).sort("insats", "utforare"))


def _per(count: str) -> pl.Expr:
    """The cost divided by a count, rounded to the öre (null when the count is 0)."""
    return decimal_ratio(pl.col("kostnad_ore"), pl.col(count), places=0).cast(pl.Int64)
