"""kpb's own key figures that a Kolada KPI can be set beside: what each one is (its unit and
cost concept, so that a comparison measures the same thing on both sides) and its value.

A figure is named `kind`, `kind:target` or `kind:target:band` in kpb.toml's
[kolada.nyckeltal]; `target` is an insats or an område of the rules, `band` an age band of the
population file (0-20, 21-64, 65+, 80+, 65-79, or any a-b / a+):

    kostnad_per_invanare:AMI              the område's cost on brukare ÷ invånare
    kostnad_per_invanare:hvb_barn:0-20    the insats' cost on brukare ÷ invånare 0–20 (N33002)
    kostnad_per_brukare:EB                cost ÷ persons with a cost there
    styckkostnad:familjehem               cost ÷ volume, in the insats' unit (kr/dygn)
    kostnad_per_rapportenhet:hvb_barn     cost ÷ report volume (kr/vårddygn, N33100)
    brukare_per_1000_invanare:familjehem:0-20   brukare 0–20 × 1 000 ÷ invånare 0–20 (N33811)
    antal_brukare:hvb_barn:0-20           brukare 0–20 with a cost for it (N33813)
    bistand_per_hushall                   paid bistånd ÷ households with bistånd (N31006)
    andel_invanare_med_bistand            members of households with bistånd ÷ invånare (N31807)
    andel_vuxna_langvarigt_bistand        adults 18+ with bistånd 10–12 months (N31814)
    andel_hushall_langvarigt_bistand      households with bistånd 10–12 months
    andel_avslut_arbete_eller_studier:AMI avslut to arbete or studier ÷ avslut (U40455)

Shares are in percent, as Kolada gives them; values exact, rounded half up to 4 decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

from kpb.analyse.population import in_band
from kpb.money import decimal_text

# kind -> (what follows ":", an age band allowed, unit, concept). Units of styckkostnad and
# kostnad_per_rapportenhet follow the insats; "{band}" is the age band when one is given.
KINDS = {
    "kostnad_per_invanare": ("insats eller område", True, "kr/inv{band}", "kostnad"),
    "kostnad_per_brukare": ("insats eller område", False, "kr/brukare", "kostnad"),
    "styckkostnad": ("insats", False, "", "kostnad"),
    "kostnad_per_rapportenhet": ("insats", False, "", "kostnad"),
    "brukare_per_1000_invanare": ("insats eller område", True, "antal per 1 000 inv{band}",
                                  "antal personer"),
    "antal_brukare": ("insats eller område", True, "antal", "antal personer"),
    "bistand_per_hushall": (None, False, "kr/hushåll", "utbetalt bistånd"),
    "andel_invanare_med_bistand": (None, False, "andel (%) av invånarna", "andel personer"),
    "andel_vuxna_langvarigt_bistand": (None, False, "andel (%) av vuxna biståndsmottagare",
                                       "andel personer"),
    "andel_hushall_langvarigt_bistand": (None, False, "andel (%) av hushållen med bistånd",
                                         "andel hushåll"),
    "andel_avslut_arbete_eller_studier": ("insats eller område", False,
                                          "andel (%) av avslutade deltagare", "andel personer"),
}
PER_UNIT = {"timmar": "timme", "dygn": "dygn", "manader": "månad", "antal": "st"}
KR_PER_KRONA = "kr per krona"
BAND = re.compile(r"^([0-9]{1,3})(?:-([0-9]{1,3})|(\+))$")


@dataclass(frozen=True)
class Figure:
    spec: str
    kind: str
    target: str = ""
    band: tuple[int, int | None] | None = None
    unit: str = ""     # "kr/vårddygn", "kr/inv 0–20", "andel (%) av invånarna"
    concept: str = ""  # kostnad | utbetalt bistånd | andel personer | andel hushåll | …


def figure(spec: str, rules=None) -> Figure | str:
    """The figure a spec names, with its unit from the rules; a message (str) when the spec
    cannot be a figure: an unknown kind, a missing or unknown target, a bad band."""
    kind, _, rest = spec.partition(":")
    target, _, band_text = rest.partition(":")
    if kind not in KINDS:
        return f"fann {spec!r}, väntade ett av {', '.join(KINDS)}"
    takes, banded, unit, concept = KINDS[kind]
    if takes is None and rest:
        return f"fann {spec!r}: {kind} tar inget efter kolon"
    if takes is not None and not target:
        return f"fann {spec!r}: väntade {kind}:<{takes}>"
    if band_text and not banded:
        return f"fann {spec!r}: {kind} har inget åldersband"
    band = None
    if band_text:
        match = BAND.match(band_text)
        if not match or (match[2] and int(match[2]) < int(match[1])):
            return f"fann åldersbandet {band_text!r}, väntade t.ex. 0-20, 21-64, 65+ eller 80+"
        band = (int(match[1]), None if match[3] else int(match[2]))
    if rules is not None and target:
        areas = {i.omrade for i in rules.insatser.values()}
        known = set(rules.insatser) if takes == "insats" else set(rules.insatser) | areas
        if target not in known:
            return (f"fann {spec!r}: {target!r} är ingen {takes} i regelfilen "
                    f"(väntade en av {', '.join(sorted(known))})")
    if kind == "styckkostnad" and rules is not None:
        enhet = rules.insatser[target].enhet
        unit = KR_PER_KRONA if enhet == "kronor" else f"kr/{PER_UNIT[enhet]}"
    if kind == "kostnad_per_rapportenhet" and rules is not None:
        names = {p.rapportvolym.namn for p in rules.pools
                 if p.insats == target and p.rapportvolym is not None}
        if len(names) != 1:
            return (f"fann {spec!r}: insatsen {target!r} har " + (
                "ingen rapportvolym i regelfilen (rapportvolym på poolen)" if not names else
                f"olika rapportenheter ({', '.join(sorted(names))})"))
        unit = f"kr/{names.pop()}"
    return Figure(spec, kind, target, band, unit.format(band=band_label(band)), concept)


def band_label(band: tuple[int, int | None] | None) -> str:
    if band is None:
        return ""
    low, high = band
    return f" {low}+" if high is None else f" {low}–{high}"


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
