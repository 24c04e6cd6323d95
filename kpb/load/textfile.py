"""An input file read as text: every column Utf8, every row with its line number.

Each reader (CSV, XLSX, SIE) produces a `TextTable`; parsing, validation and pseudonyms then
run the same way whatever the file format was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from kpb.load.spellings import TEXT, spellings

LINE = "kalla_rad"


@dataclass(frozen=True)
class TextTable:
    file: str            # path relative to the project, as messages show it
    rows: pl.DataFrame   # Utf8 columns named by the file's headers, plus kalla_rad Int64
    sha256: str          # of the raw bytes
    kodning: str
    separator: str = ""
    decimal: str = "auto"  # the project's setting; "." for XLSX and SIE
    canonical_headers: bool = False  # SIE: columns already carry kpb's names

    @property
    def height(self) -> int:
        return self.rows.height

    @property
    def headers(self) -> list[str]:
        return [name for name in self.rows.columns if name != LINE]


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def drop_blank_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Blank lines (every field empty) carry nothing: they are not data rows.

    Categorical columns (CSV) are checked once per distinct spelling; only when the first
    column has blank rows at all are the others looked at.
    """
    fields = [name for name in rows.columns if name != LINE]
    if not fields or not _any_blank(rows[fields[0]]):
        return rows
    blank = _blank(rows[fields[0]])
    if not blank.any():
        return rows
    for name in fields[1:]:
        blank = blank & _blank(rows[name])
    return rows.filter(~blank)


def _any_blank(column: pl.Series) -> bool:
    """Whether any row of the column is empty: a Categorical column (every CSV) is asked of
    its distinct spellings only, without mapping 25M rows to them (0.3 s at 1M invånare)."""
    if column.dtype != pl.Categorical:
        return True  # _blank answers as fast
    return column.null_count() > 0 or column.unique().cast(pl.Utf8).str.strip_chars().eq(
        "").any()


def _blank(column: pl.Series) -> pl.Series:
    if column.dtype != pl.Categorical:
        return column.fill_null("").str.strip_chars() == ""
    spelt = spellings(column)
    return spelt.rows_where(spelt.distinct[TEXT].fill_null("").str.strip_chars() == "")
