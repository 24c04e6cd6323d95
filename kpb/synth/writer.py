"""Writing the project folder's files as the municipality's systems would export them.

The ledger is a Swedish spreadsheet export: UTF-8 with BOM, ';', decimal comma, capitalised
headers. Activity exports are plain ',' CSV with ISO dates and decimal point. Direct amounts
come from the case system with ';' and decimal comma.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

LEDGER_HEADERS = {"period": "Period", "konto": "Konto", "ansvar": "Ansvar",
                  "verksamhet": "Verksamhet", "aktivitet": "Aktivitet", "projekt": "Projekt",
                  "motpart": "Motpart", "belopp": "Utfall"}


def kronor_text(ore: str, decimal: str = ",") -> pl.Expr:
    """Öre as exact kronor text with two decimals ("-1234,50"); no float on the way."""
    size = pl.col(ore).abs()
    sign = pl.when(pl.col(ore) < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, (size // 100).cast(pl.String), pl.lit(decimal),
                          (size % 100).cast(pl.String).str.zfill(2)])


def write_ledger(rows: pl.DataFrame, path: Path) -> int:
    table = rows.with_columns(aktivitet=pl.lit(""), belopp=kronor_text("belopp_ore"))
    table = table.select(list(LEDGER_HEADERS)).rename(LEDGER_HEADERS)
    return _write(table, path, separator=";", include_bom=True)


def write_aktivitet(rows, path: Path) -> int:
    """A frame, or an export kept as slices (`frames()`): written one slice after the other,
    the header once, so the file is the same as the whole frame's."""
    if isinstance(rows, pl.DataFrame):
        return _write(rows, path, separator=",")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "wb") as file:
        for number, piece in enumerate(rows.frames()):
            written += _write(piece, file, separator=",", include_header=number == 0)
    return written


def write_direkt(rows: pl.DataFrame, path: Path) -> int:
    table = rows.with_columns(belopp=kronor_text("belopp_ore")).drop("belopp_ore")
    return _write(table, path, separator=";")


def write_nycklar(rows: pl.DataFrame, path: Path) -> int:
    return _write(rows, path, separator=";")


def _write(table: pl.DataFrame, path, **options) -> int:
    """Empty text is written as an empty cell (Polars would quote it as "")."""
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    table = table.with_columns(pl.col(pl.String).replace("", None))
    table.write_csv(path, date_format="%Y-%m-%d", **options)
    return table.height
