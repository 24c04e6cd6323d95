"""Rules keys that never move a krona, only say how figures are shown (formats.md §3.2): a
pool's report volume (any pool with a volume: verksamhet with one insats, or direkt), regi
and the ytterfall rule per område.

    [[pool]]
    namn = "hvb_barn"
    typ = "direkt"
    rapportvolym = { aktivitet = "hvb_barn_placering", enhet = "dygn", namn = "vårddygn" }

    [ytterfall]
    standard = { multipel_median = 5 }            # områden without a rule of their own
    "ÄO" = { belopp = 1_000_000, index = 1.045 }  # fixed amount × index uplift

    [[pool]]
    namn = "hemtjanst_extern"
    regi = "extern"                               # or "egen"; shown beside the pool
    BUF = { percentil = 95 }
    EB = { multipel_medel = 3 }
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kpb.money import swedish_decimal

REPORTING_UNITS = ("dygn", "timmar", "antal", "manader")
UNIT_NAMES = {"dygn": "dygn", "timmar": "timme", "antal": "st", "manader": "månad"}
YTTERFALL_KINDS = ("belopp", "multipel_median", "multipel_medel", "percentil")
DEFAULT_AREA = "standard"
REGI = ("egen", "extern")


@dataclass(frozen=True)
class RapportVolym:
    """The volume a pool is reported on (beside, never instead of, its own volume): aktivitet
    rows of insats `aktivitet` (the case system's code, or a catalogue insats), counted in
    `enhet` like an operating insats (dygn clipped to the year, overlaps once), at the pool's
    utförare when the pool names them. E.g. vårddygn of HVB bought per invoice, beviljade
    timmar of hemtjänst priced per utförd timme."""

    aktivitet: str
    enhet: str
    namn: str  # the unit as people say it: "vårddygn"


@dataclass(frozen=True)
class Ytterfall:
    """Brukare of `omrade` whose annual cost is at or above the threshold are ytterfall."""

    omrade: str  # "standard" = every område without its own rule
    kind: str  # one of YTTERFALL_KINDS
    value: Decimal
    index: Decimal = Decimal(1)  # uplift of a fixed amount (belopp × index)

    @property
    def definition(self) -> str:
        number = _swedish(self.value)
        if self.kind == "belopp":
            uplift = "" if self.index == 1 else f" × index {_swedish(self.index)}"
            return f"årskostnad minst {number} kr{uplift}"
        if self.kind == "multipel_median":
            return f"årskostnad minst {number} × områdets median"
        if self.kind == "multipel_medel":
            return f"årskostnad minst {number} × områdets medelkostnad"
        return f"årskostnad minst områdets {number}:e percentil"


def reporting_volume(value, where: str, found) -> RapportVolym | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        found.error(where, 'väntade { aktivitet = "hvb_placering", enhet = "dygn", '
                           'namn = "vårddygn" }')
        return None
    for key in sorted(value.keys() - {"aktivitet", "enhet", "namn"}):
        found.error(f"{where}.{key}", "okänd nyckel, väntade aktivitet, enhet eller namn")
    code, enhet = value.get("aktivitet"), value.get("enhet", "dygn")
    if not isinstance(code, str) or not code:
        found.error(f"{where}.aktivitet", "saknas: väntade insatskoden i aktivitet, "
                                          't.ex. aktivitet = "hvb_placering"')
        return None
    if enhet not in REPORTING_UNITS:
        found.error(f"{where}.enhet", f"fann {enhet!r}, väntade en av "
                                      f"{', '.join(REPORTING_UNITS)}")
        return None
    return RapportVolym(code, enhet, str(value.get("namn", UNIT_NAMES[enhet])))


def regi(value, where: str, found) -> str:
    """egen or extern regi of a pool (optional): the report shows it beside the pool."""
    if value is None:
        return ""
    if value not in REGI:
        found.error(where, f"fann {value!r}, väntade \"egen\" eller \"extern\"")
        return ""
    return value


def ytterfall_rules(table, found, areas: set[str] | None = None) -> tuple[Ytterfall, ...]:
    if table is None:
        return ()
    if not isinstance(table, dict):
        found.error("ytterfall", "väntade en tabell [ytterfall] med en regel per område")
        return ()
    rules = []
    for omrade, spec in table.items():
        where = f"ytterfall.{omrade}"
        if areas is not None and omrade != DEFAULT_AREA and omrade not in areas:
            found.error(where, f"okänt område {omrade!r}: väntade {DEFAULT_AREA} eller ett "
                               f"område från [insatser] ({', '.join(sorted(areas))})")
            continue
        expected = ("väntade en av { belopp = 1000000 } (med valfritt index = 1.03), "
                    "{ multipel_median = 5 }, { multipel_medel = 3 } eller { percentil = 95 }")
        if not isinstance(spec, dict):
            found.error(where, expected)
            continue
        kinds = [k for k in YTTERFALL_KINDS if k in spec]
        for key in sorted(spec.keys() - {*YTTERFALL_KINDS, "index"}):
            found.error(f"{where}.{key}", f"okänd nyckel, {expected}")
        if len(kinds) != 1:
            found.error(where, f"fann {len(kinds)} regler, {expected}")
            continue
        kind = kinds[0]
        value = _positive(spec[kind], f"{where}.{kind}", found)
        index = _positive(spec.get("index", 1), f"{where}.index", found)
        if "index" in spec and kind != "belopp":
            found.error(f"{where}.index", "index räknar bara upp ett fast belopp")
        if kind == "percentil" and value is not None and not 0 < value < 100:
            found.error(f"{where}.percentil", f"fann {spec[kind]!r}, väntade ett tal mellan "
                                              "0 och 100")
            continue
        if value is not None and index is not None:
            rules.append(Ytterfall(str(omrade), kind, value, index))
    return tuple(rules)


def rule_for(rules: tuple[Ytterfall, ...], omrade: str) -> Ytterfall | None:
    own = [r for r in rules if r.omrade == omrade]
    default = [r for r in rules if r.omrade == DEFAULT_AREA]
    return (own or default or [None])[0]


def _positive(value, where: str, found) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        found.error(where, f"fann {value!r}, väntade ett positivt tal")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal(-1)
    if number <= 0:
        found.error(where, f"fann {value!r}, väntade ett positivt tal")
        return None
    return number


def _swedish(number: Decimal) -> str:
    return swedish_decimal(number)