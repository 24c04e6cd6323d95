"""The Kolada KPIs kpb knows: id, title, unit, cost concept, denominator, source and which kpb
figure matches (or why none does). The data ship with kpb as kolada_katalog.toml beside this
module; the ids and titles are those of Kolada's KPI list as copied in February 2020.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

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
    """Every KPI of the shipped catalogue by id."""
    text = resources.files("kpb.analyse").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
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
