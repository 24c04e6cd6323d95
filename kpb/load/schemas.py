"""The loaded tables' columns and types (docs/design.md, "Loaded tables").

The allocation engine and the writer read these tables; this file is the single place their
schema is spelt out in Python. sql/load/create_tables.sql says the same in DuckDB types.
"""

from __future__ import annotations

import polars as pl

PROVENANCE = {"ar": pl.Int32, "kalla_fil": pl.Utf8, "kalla_rad": pl.Int64}

LEDGER = PROVENANCE | {
    "period": pl.Int32, "konto": pl.Utf8, "ansvar": pl.Utf8, "verksamhet": pl.Utf8,
    "aktivitet": pl.Utf8, "projekt": pl.Utf8, "motpart": pl.Utf8, "belopp_ore": pl.Int64,
}
AKTIVITET = PROVENANCE | {
    "person_id": pl.Utf8, "insats": pl.Utf8, "from": pl.Date, "tom": pl.Date,
    "timmar_milli": pl.Int64, "antal_milli": pl.Int64, "utforare": pl.Utf8,
    "hushall": pl.Utf8, "flagga": pl.Utf8,
}
DIREKT = PROVENANCE | {
    "person_id": pl.Utf8, "insats": pl.Utf8, "period": pl.Int32, "belopp_ore": pl.Int64,
    "hushall": pl.Utf8, "utforare": pl.Utf8, "flagga": pl.Utf8,
}
UTFALL = PROVENANCE | {
    "person_id": pl.Utf8, "insats": pl.Utf8, "utforare": pl.Utf8, "start": pl.Date,
    "avslut": pl.Date, "avslutsorsak": pl.Utf8, "hushall": pl.Utf8, "flagga": pl.Utf8,
}
NYCKLAR = PROVENANCE | {"nyckel": pl.Utf8, "mottagare": pl.Utf8, "varde": pl.Utf8}
PERSON = {
    "ar": pl.Int32, "person_id": pl.Utf8, "kon": pl.Utf8, "fodelsear": pl.Int32,
    "alder": pl.Int32, "aldersgrupp": pl.Utf8, "flagga": pl.Utf8,
}
INLAST_FIL = {
    "ar": pl.Int32, "kalla": pl.Utf8, "kalla_fil": pl.Utf8, "sha256": pl.Utf8,
    "rader": pl.Int64, "kodning": pl.Utf8, "separator": pl.Utf8, "decimal": pl.Utf8,
}

# table name in kpb.duckdb -> schema, in the order they are written
TABLES = {
    "ledger": LEDGER, "aktivitet": AKTIVITET, "direkt": DIREKT, "nycklar": NYCKLAR,
    "person": PERSON, "inlast_fil": INLAST_FIL, "utfall": UTFALL,
}


def empty(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """Exactly the table's columns, in its order and types."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
