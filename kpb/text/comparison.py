"""What `kpb jamfor` prints: the comparison of kpb.analyse.compare as summary sections."""

from __future__ import annotations

from decimal import Decimal

from kpb.money import swedish_decimal
from kpb.text.summary import Section


def sections(comparison) -> list:
    """Styckkostnad then and now, flows and shifts, as summary sections."""
    fran, till = comparison.fran, comparison.till
    prices = (f"i {till} års priser enligt {comparison.prisindex}" if comparison.prisindex
              else "utan prisindex ([jamfor] i kpb.toml)")
    named = comparison.names or {}

    def name(code: str) -> str:  # the catalogue's words, the code where it has none
        return named.get(code) or code
    units = comparison.tables["jamfor_styckkostnad"]
    rows = [(name(row["insats"]), unit_cost_line(row)) for row in units.iter_rows(named=True)]
    flows = [(name(insats), f"{a} → {b} brukare: {new} nya, {kept} kvar, {ended} avslutade")
             for insats, a, b, new, kept, ended in comparison.tables["jamfor_floden"].select(
                 "insats", "brukare_fran", "brukare_till", "nya", "kvarstaende",
                 "avslutade").iter_rows()]
    shifts = [(f"{name(a)} → {name(b)}", f"{n} brukare")
              for a, b, n in comparison.tables["jamfor_byten"]
              .select("insats_fran", "insats_till", "brukare").iter_rows()]
    return [Section(f"Styckkostnad {fran} → {till} (förändring {prices})", rows),
            Section(f"Brukare per insats {fran} → {till}", flows),
            Section("Byten mellan insatser inom samma område (brukare båda åren)",
                    shifts or [("inga", "")])]


# -- one insats then and now, in words -----------------------------------------------------

VOLUME_NAMES = {"timmar": "timmar", "manader": "månader", "antal": "st", "dygn": "dygn"}
PER_UNIT = {"timmar": "timme", "manader": "månad", "antal": "st"}


def unit_cost_line(row: dict) -> str:
    """A jamfor_styckkostnad row (engine columns) in words: "7 902,06 → 7 978,24 kr/vårddygn
    (+1,0 % nominellt, -8,6 % fast); 1 020 → 1 475 vårddygn, kostnad 8 060 100 → 11 767 900
    kr", or the cost alone where the insats has no unit cost (kronor without a report
    volume) or the years count it in different units."""
    costs = f"kostnad {_whole_kr(row['kostnad_fran_ore'])} → {_whole_kr(row['kostnad_till_ore'])} kr"
    then, now = row["enhet_fran"], row["enhet_till"]
    unit = now or then
    if unit is None:
        return f"{costs} (ingen styckkostnad: enheten är kronor och poolen saknar rapportvolym)"
    if then is not None and now is not None and then != now:
        return f"{costs} (olika enheter: {then} och {now}, jämförs inte)"
    return (f"{_kr(row['styckkostnad_fran'])} → {_kr(row['styckkostnad_till'])} "
            f"kr/{PER_UNIT.get(unit, unit)}  ({_percent(row['forandring_nominell'])} nominellt, "
            f"{_percent(row['forandring_fast'])} fast); {_volume(row['volym_fran_milli'])} → "
            f"{_volume(row['volym_till_milli'])} {VOLUME_NAMES.get(unit, unit)}, {costs}")


def _whole_kr(ore) -> str:
    return "–" if ore is None else swedish_decimal(Decimal(ore) / 100, 0)


def _volume(milli) -> str:
    return "–" if milli is None else swedish_decimal(Decimal(milli) / 1000)


def _kr(value) -> str:
    return "–" if value is None else swedish_decimal(Decimal(value), 2)


def _percent(share) -> str:
    if share is None:
        return "–"
    return f"{share * 100:+.1f} %".replace(".", ",")
