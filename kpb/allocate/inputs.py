"""The input frames allocate() reads, with the column schemas of docs/design.md "Loaded tables".

`input_tables(ledger=[...], aktivitet=[...], ...)` builds them from a few dicts, filling the
provenance and optional columns with their loaded defaults: for tests, examples and the
synthetic generator, never for real data (the loader produces these frames).
"""

from __future__ import annotations

import polars as pl

from kpb.load import schemas

# The loaded tables' schemas (kpb/load/schemas.py is the one place they are spelt out).
SCHEMAS = {name: schemas.TABLES[name] for name in ("ledger", "aktivitet", "direkt", "nycklar", "person")}
_TEXT_DEFAULT = ("konto", "ansvar", "verksamhet", "aktivitet", "projekt", "motpart", "utforare",
                 "hushall", "flagga", "kon")


def input_table(name: str, rows: list[dict], year: int = 2024) -> pl.DataFrame:
    schema = SCHEMAS[name]
    filled = [_defaults(name, row, i, year) for i, row in enumerate(rows, start=2)]
    return pl.DataFrame(filled, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _defaults(name: str, row: dict, line: int, year: int) -> tuple:
    base = {"ar": year, "kalla_fil": f"data/{year}/{name}/test.csv", "kalla_rad": line,
            "antal_milli": 1000, "aldersgrupp": "okänd"}
    base |= {c: "" for c in _TEXT_DEFAULT}
    return tuple({**base, **row}.get(column) for column in SCHEMAS[name])


def input_tables(year: int = 2024, **rows: list[dict]) -> dict[str, pl.DataFrame]:
    """All five input frames; tables not given are empty."""
    return {name: input_table(name, rows.get(name, []), year) for name in SCHEMAS}
