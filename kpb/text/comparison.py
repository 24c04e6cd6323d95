"""What `kpb jamfor` prints: the comparison of kpb.analyse.compare as summary sections."""

from __future__ import annotations

from decimal import Decimal

from kpb.analyse.compare import unit_cost_line
from kpb.money import swedish_decimal
from kpb.text.summary import Section


def sections(comparison) -> list:
    """Styckkostnad then and now, flows and shifts, as summary sections."""
    fran, till = comparison.fran, comparison.till
    prices = (f"i {till} års priser enligt {comparison.prisindex}" if comparison.prisindex
              else "utan prisindex ([jamfor] i kpb.toml)")
    units = comparison.tables["jamfor_styckkostnad"]
    rows = [(row["insats"], unit_cost_line(row)) for row in units.iter_rows(named=True)]
    flows = [(insats, f"{a} → {b} brukare: {new} nya, {kept} kvar, {ended} avslutade")
             for insats, a, b, new, kept, ended in comparison.tables["jamfor_floden"].select(
                 "insats", "brukare_fran", "brukare_till", "nya", "kvarstaende",
                 "avslutade").iter_rows()]
    shifts = [(f"{a} → {b}", f"{n} brukare") for a, b, n in comparison.tables["jamfor_byten"]
              .select("insats_fran", "insats_till", "brukare").iter_rows()]
    return [Section(f"Styckkostnad {fran} → {till} (förändring {prices})", rows),
            Section(f"Brukare per insats {fran} → {till}", flows),
            Section("Byten mellan insatser inom samma område (brukare båda åren)",
                    shifts or [("inga", "")])]


def _kr(value) -> str:
    return "–" if value is None else swedish_decimal(Decimal(value), 2)


def _percent(share) -> str:
    if share is None:
        return "–"
    return f"{share * 100:+.1f} %".replace(".", ",")
