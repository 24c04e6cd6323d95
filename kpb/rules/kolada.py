"""Kolada KPIs and kpb's own figures beside them, as kpb.toml and the rules decide them
(formats.md §9): what each figure is (its unit and cost concept), the catalogue of the Kolada
KPIs kpb knows (kolada_katalog.toml beside this module: id, title, unit, concept, denominator,
source, the matching kpb figure or why none; ids and titles from Kolada's KPI list as copied
in February 2020), and the check that refuses a KPI set beside a figure of another unit or
concept, run before any data moves. kpb.analyse.figures computes the values.

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
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kpb.errors import Problem, error, warning

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




# -- the catalogue of Kolada KPIs --------------------------------------------------------

CATALOGUE_FILE = "kolada_katalog.toml"
CHECKED_AGAINST = "Koladas nyckeltalslista, kopia från februari 2020"
CONCEPTS = ("kostnad", "nettokostnad", "utbetalt bistånd", "andel personer", "andel hushåll",
            "antal personer")


@dataclass(frozen=True)
class KoladaKpi:
    id: str
    titel: str
    enhet: str        # as Kolada gives the value: "kr/vårddygn", "kr/inv 0–20", "andel (%) …"
    begrepp: str      # one of CONCEPTS
    namnare: str      # what the value is divided by
    kalla: str        # räkenskapssammandraget, Socialstyrelsen's register, a survey, KPB
    kpb: str          # the matching kpb figure kind, "" when none does
    om_kpb: str       # how it matches, or why none does


@cache
def catalogue() -> dict[str, KoladaKpi]:
    """Every KPI of the shipped catalogue (kolada_katalog.toml beside this module) by id."""
    text = resources.files("kpb.rules").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return {kpi: KoladaKpi(kpi, **fields) for kpi, fields in tomllib.loads(text).items()}


def unit_key(unit: str) -> str:
    """A unit in one spelling, so that kr/vårddygn and kr/dygn, timmar and timme, 0-20 and
    0–20 compare equal (and beviljad timme stays apart from timme)."""
    text = " ".join(unit.lower().replace("–", "-").split())
    for long, short in (("vårddygn", "dygn"), ("beviljade timmar", "beviljad timme"),
                        ("utförda timmar", "utförd timme"), ("timmar", "timme"),
                        ("månader", "månad"), ("manader", "månad"), ("invånare", "inv")):
        text = text.replace(long, short)
    return text


# -- the check of [kolada.nyckeltal] -----------------------------------------------------

def kolada_mapping_problems(figures: dict[str, str], rules) -> list[Problem]:
    """Every [kolada.nyckeltal] mapping that sets a KPI beside a kpb figure measuring
    something else: an error naming both units or both concepts (kpb.toml, column
    kolada.nyckeltal.<kpi>); a figure the rules cannot compute (an unknown insats, no report
    volume) is an error too. A KPI outside kpb's catalogue is a warning: its unit and concept
    cannot be checked."""
    problems = []
    for kpi, spec in figures.items():
        where = f"kolada.nyckeltal.{kpi}"
        found = figure(spec, rules)
        if isinstance(found, str):
            problems.append(error("kpb.toml", None, where, found))
            continue
        known = catalogue().get(kpi)
        if known is None:
            problems.append(warning("kpb.toml", None, where, (
                f"{kpi} finns inte i kpb:s Kolada-katalog ({CHECKED_AGAINST}): enhet och "
                f"kostnadsbegrepp kontrolleras inte; {spec} är {found.unit or 'ett tal'}, "
                f"{found.concept}")))
            continue
        problems += _mismatch(known, found, where)
    return problems


def _mismatch(known: KoladaKpi, found: Figure, where: str) -> list[Problem]:
    named = f"{known.id} ({known.titel})"
    if not known.kpb:
        return [error("kpb.toml", None, where, (
            f"{named} är {known.enhet}, {known.begrepp}; kpb räknar inget nyckeltal som "
            f"motsvarar det: {known.om_kpb.removeprefix('inget: ')}"))]
    if known.begrepp != found.concept:
        return [error("kpb.toml", None, where, (
            f"{named} mäter {known.begrepp}, {found.spec} mäter {found.concept}: väntade ett "
            f"nyckeltal med samma begrepp ({known.om_kpb})"))]
    if found.unit and unit_key(known.enhet) != unit_key(found.unit):
        return [error("kpb.toml", None, where, (
            f"{named} är {known.enhet}, {found.spec} är {found.unit}: väntade ett nyckeltal i "
            f"{known.enhet} ({known.om_kpb})"))]
    return []
