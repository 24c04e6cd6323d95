"""Amounts inside the range kpb computes in, so no sum can wrap.

Money is Int64 öre inside kpb. A sum of Int64 values wraps silently past 2⁶³ öre, so the
range is stated and checked before any sum is taken:
- one row: at most 100 000 000 000,00 kr in absolute value (10¹³ öre), far above any real
  ledger or payment row;
- one source (ledger, direkt): the sum of the rows' absolute values at most
  100 000 000 000 000,00 kr (10¹⁶ öre), computed in Int128 so it cannot wrap itself. Every
  partial sum the allocation takes (pool totals, overhead, person costs) is bounded by it, and
  every product it forms is taken in Int128 (kpb.flow.split).
"""

from __future__ import annotations

import polars as pl

from kpb.errors import Problem, error
from kpb.money import format_sek

MAX_ROW_ORE = 10**13
MAX_SOURCE_ORE = 10**16
MONEY_SOURCES = ("ledger", "direkt")


def amounts_out_of_range(tables: dict[str, pl.DataFrame]) -> list[Problem]:
    problems = []
    for source in MONEY_SOURCES:
        frame = tables[source]
        problems += _rows_too_large(frame)
        absolute = frame["belopp_ore"].cast(pl.Int128).abs().sum() if frame.height else 0
        if absolute > MAX_SOURCE_ORE:
            problems.append(error(None, None, source, f"beloppen summerar till "
                                  f"{format_sek(absolute)} kr i absoluta tal: väntade högst "
                                  f"{format_sek(MAX_SOURCE_ORE)} kr (kpb räknar exakt på öret "
                                  "inom det intervallet)"))
    return problems


def _rows_too_large(frame: pl.DataFrame) -> list[Problem]:
    per_file = (frame.lazy().filter(pl.col("belopp_ore").abs() > MAX_ROW_ORE)
                .group_by("kalla_fil")
                .agg(rader=pl.len(), kalla_rad=pl.col("kalla_rad").min(),
                     storst=pl.col("belopp_ore").abs().max())
                .sort("kalla_fil").collect())
    return [error(f["kalla_fil"], f["kalla_rad"], "belopp",
                  f"{f['rader']} rader med belopp över {format_sek(MAX_ROW_ORE)} kr (störst "
                  f"{format_sek(f['storst'])} kr): väntade ett belopp inom ±"
                  f"{format_sek(MAX_ROW_ORE)} kr per rad")
            for f in per_file.iter_rows(named=True)]
