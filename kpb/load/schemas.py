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
# The activity table is the big one (25 rows per inhabitant): its text columns repeat a
# few values (or ~100 000 persons) over millions of rows, so they are Categorical, 4 bytes a
# row instead of a 16-byte string view (2 GB less at 1M invånare). Whatever is computed
# from them leaves as text: `text()` below, or a cast where a small frame meets them.
CODE = pl.Categorical
AKTIVITET = PROVENANCE | {
    "kalla_fil": CODE, "person_id": CODE, "insats": CODE, "from": pl.Date, "tom": pl.Date,
    "timmar_milli": pl.Int64, "antal_milli": pl.Int64, "utforare": CODE,
    "hushall": CODE, "flagga": CODE,
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


def text(frame):
    """The frame (eager or lazy) with its Categorical columns as plain text."""
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.Utf8))
