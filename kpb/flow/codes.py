"""Case-system insats codes onto the rules' catalogue.

A catalogue insats may list the codes the case system writes for it (`koder = ["SÄBO",
"Korttid SÄBO"]` in `[insatser]`): rows carrying such a code count as that insats from here on,
in volumes, outputs and messages alike. Codes that are catalogue keys themselves stay as they
are.
"""

from __future__ import annotations

import polars as pl

from kpb.rules import Rules

PERSON_SOURCES = ("aktivitet", "direkt")


def code_map(rules: Rules) -> dict[str, str]:
    """Case-system code -> catalogue insats, for the codes the catalogue lists."""
    return {kod: insats.kod for insats in rules.insatser.values() for kod in insats.koder}


def with_catalogue_codes(tables: dict[str, pl.DataFrame], rules: Rules) -> dict[str, pl.DataFrame]:
    mapping = code_map(rules)
    if not mapping:
        return tables
    mapped = {name: tables[name].with_columns(pl.col("insats").replace(mapping))
              for name in PERSON_SOURCES}
    return {**tables, **mapped}
