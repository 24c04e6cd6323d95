"""The values of kpb's own key figures that a Kolada KPI can be set beside (formats.md §9);
what each figure is (kind, target, age band, unit, concept) is kpb.rules.kolada.

Shares are in percent, as Kolada gives them; values exact, rounded half up to 4 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

from kpb.analyse.population import in_band
from kpb.money import decimal_text
from kpb.rules.kolada import Figure

# -- values ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureData:
    """What the figures are computed from: the allocation's tables (money in öre), the
    invånare of kpb.toml, the population file (alder, antal) and the adult bistånd
    recipients (kpb.analyse.bistand_persons)."""

    allocation: object
    invanare: int | None = None
    population: pl.DataFrame | None = None
    recipients: pl.DataFrame | None = None  # person_id, hushall, manader (adults 18+)
    langvarigt_manader: int = 10


NEEDS = {"bistand_per_hushall": "hushall", "andel_invanare_med_bistand": "hushall",
         "andel_hushall_langvarigt_bistand": "hushall",
         "andel_avslut_arbete_eller_studier": "utfall_insats"}


def value(fig: Figure, data: FigureData) -> Decimal | None:
    """The figure's value, 4 decimals (null when its data are missing or it divides by 0)."""
    if fig.kind in NEEDS and getattr(data.allocation, NEEDS[fig.kind], None) is None:
        return None
    return VALUES[fig.kind](fig, data)


def _of_target(frame: pl.DataFrame, target: str) -> pl.DataFrame:
    return frame.filter((pl.col("insats") == target) | (pl.col("omrade") == target))


def _inhabitants(fig: Figure, data: FigureData) -> int | None:
    if fig.band is None:
        return data.invanare
    if data.population is None:
        return None
    return int(data.population.filter(in_band(pl.col("alder"), *fig.band))["antal"].sum())


def _persons(fig: Figure, data: FigureData) -> pl.DataFrame:
    """person_id of the brukare with a cost for the target (in the age band)."""
    persons = _of_target(data.allocation.brukare_insats, fig.target).select("person_id").unique()
    if fig.band is not None:
        ages = data.allocation.brukare.select("person_id", "alder")
        persons = persons.join(ages, on="person_id").filter(in_band(pl.col("alder"), *fig.band))
    return persons


def _cost_per_inhabitant(fig, data):
    cost = _of_target(data.allocation.brukare_insats, fig.target)["kostnad_ore"].sum()
    return ratio(cost, 100 * (_inhabitants(fig, data) or 0))


def _cost_per_person(fig, data):
    rows = _of_target(data.allocation.brukare_insats, fig.target)
    return ratio(rows["kostnad_ore"].sum(), 100 * rows["person_id"].n_unique())


def _unit_cost(fig, data):
    rows = data.allocation.insats.filter(pl.col("insats") == fig.target)
    return ratio(rows["kostnad_ore"].sum() * 10, rows["volym_milli"].sum())


def _cost_per_report_unit(fig, data):
    rows = data.allocation.insats.filter((pl.col("insats") == fig.target)
                                         & pl.col("rapportvolym_milli").is_not_null())
    return ratio(rows["kostnad_ore"].sum() * 10, rows["rapportvolym_milli"].sum())


def _persons_per_thousand(fig, data):
    return ratio(1000 * _persons(fig, data).height, _inhabitants(fig, data) or 0)


def _person_count(fig, data):
    return Decimal(_persons(fig, data).height).quantize(Decimal("0.0001"))


def _with_bistand(data) -> pl.DataFrame:
    return data.allocation.hushall.filter(pl.col("bistand_ore") > 0)


def _bistand_per_household(fig, data):
    paid = _with_bistand(data)
    return ratio(paid["bistand_ore"].sum(), 100 * paid.height)


def _inhabitants_with_bistand(fig, data):
    return ratio(100 * _with_bistand(data)["antal_medlemmar"].sum(), data.invanare or 0)


def _adults_long_term(fig, data):
    if data.recipients is None:
        return None
    recipients = data.recipients
    long_term = recipients.filter(pl.col("manader") >= data.langvarigt_manader).height
    return ratio(100 * long_term, recipients.height)


def _households_long_term(fig, data):
    households = data.allocation.hushall.filter(pl.col("manader_med_utbetalning") > 0)
    return ratio(100 * households["langvarigt_bistand"].sum(), households.height)


def _work_or_studies(fig, data):
    areas = data.allocation.brukare_insats.select("insats", "omrade").unique()
    rows = data.allocation.utfall_insats.join(areas, on="insats", how="left")
    rows = rows.filter((pl.col("insats") == fig.target) | (pl.col("omrade") == fig.target))
    return ratio(100 * rows["avslut_arbete_eller_studier"].sum(), rows["avslut"].sum())


VALUES = {
    "kostnad_per_invanare": _cost_per_inhabitant,
    "kostnad_per_brukare": _cost_per_person,
    "styckkostnad": _unit_cost,
    "kostnad_per_rapportenhet": _cost_per_report_unit,
    "brukare_per_1000_invanare": _persons_per_thousand,
    "antal_brukare": _person_count,
    "bistand_per_hushall": _bistand_per_household,
    "andel_invanare_med_bistand": _inhabitants_with_bistand,
    "andel_vuxna_langvarigt_bistand": _adults_long_term,
    "andel_hushall_langvarigt_bistand": _households_long_term,
    "andel_avslut_arbete_eller_studier": _work_or_studies,
}


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """An exact quotient of two integers rounded half away from zero to 4 decimals."""
    if not denominator:
        return None
    return Decimal(decimal_text(Fraction(int(numerator), int(denominator)), 4))
