"""The input frames allocate() reads, with the column schemas of docs/design.md "Loaded tables".

`input_tables(ledger=[...], aktivitet=[...], ...)` builds them from a few dicts, filling the
provenance and optional columns with their loaded defaults: for tests, examples and the
synthetic generator, never for real data (the loader produces these frames).
"""

from __future__ import annotations

import polars as pl

SCHEMAS = {
    "ledger": {"ar": pl.Int32, "kalla_fil": pl.Utf8, "kalla_rad": pl.Int64, "period": pl.Int32,
               "konto": pl.Utf8, "ansvar": pl.Utf8, "verksamhet": pl.Utf8, "aktivitet": pl.Utf8,
               "projekt": pl.Utf8, "motpart": pl.Utf8, "belopp_ore": pl.Int64},
    "aktivitet": {"ar": pl.Int32, "kalla_fil": pl.Utf8, "kalla_rad": pl.Int64, "person_id": pl.Utf8,
                  "insats": pl.Utf8, "from": pl.Date, "tom": pl.Date, "timmar_milli": pl.Int64,
                  "antal_milli": pl.Int64, "utforare": pl.Utf8, "hushall": pl.Utf8, "flagga": pl.Utf8},
    "direkt": {"ar": pl.Int32, "kalla_fil": pl.Utf8, "kalla_rad": pl.Int64, "person_id": pl.Utf8,
               "insats": pl.Utf8, "period": pl.Int32, "belopp_ore": pl.Int64, "hushall": pl.Utf8,
               "utforare": pl.Utf8, "flagga": pl.Utf8},
    "nycklar": {"ar": pl.Int32, "kalla_fil": pl.Utf8, "kalla_rad": pl.Int64, "nyckel": pl.Utf8,
                "mottagare": pl.Utf8, "varde": pl.Utf8},
    "person": {"ar": pl.Int32, "person_id": pl.Utf8, "kon": pl.Utf8, "fodelsear": pl.Int32,
               "alder": pl.Int32, "aldersgrupp": pl.Utf8, "flagga": pl.Utf8},
}
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
