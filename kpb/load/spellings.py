"""Work done once per distinct spelling of a column, then spread to every row by a gather.

A 25M-row export holds a few hundred dates, a few hundred hour values, a handful of insats
codes and about 100 000 persons: parsing, checking and pseudonymising those instead of every
row is most of the load's speed. CSV columns are read as Categorical (csvtext.py), whose codes
already name each row's spelling; any other text column is made Categorical here.

`Spellings.codes` holds, per row, the position of its spelling in `Spellings.distinct`, so a
table of results computed over `distinct` (same order) reaches every row with `spread`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

TEXT = "text"


@dataclass(frozen=True)
class Spellings:
    codes: pl.Series         # UInt32 per row: a row of `distinct`
    distinct: pl.DataFrame   # TEXT: each spelling once (null for a missing value)

    def spread(self, results: pl.DataFrame) -> pl.DataFrame:
        """Per-spelling results (rows in `distinct` order) -> one row per input row."""
        return results.select(pl.all().gather(self.codes))

    def rows_where(self, failing: pl.Series) -> pl.Series:
        """Per row: is its spelling one of those where `failing` (per spelling) is true?"""
        where = pl.arg_where(failing, eager=True).cast(pl.UInt32)
        return self.codes.is_in(where.implode())


def spellings(column: pl.Series) -> Spellings:
    """The distinct spellings of a text column and, per row, which one it has."""
    categorical = (column if column.dtype == pl.Categorical
                   else column.cast(pl.Utf8).cast(pl.Categorical))
    physical = categorical.to_physical()
    values = categorical.unique()
    ids = values.to_physical()
    known = ids.is_not_null()
    # physical ids are global and sparse: map them to 0..n-1, and a missing value to its row
    size = int(ids.max() or 0) + 2
    position = pl.zeros(size, dtype=pl.UInt32, eager=True).scatter(
        ids.filter(known), pl.arg_where(known, eager=True).cast(pl.UInt32))
    null_row = pl.arg_where(~known, eager=True)
    if len(null_row):
        position = position.scatter(size - 1, null_row[0])
    codes = position.gather(physical.fill_null(size - 1)).rename("_code")
    distinct = pl.DataFrame({TEXT: values.cast(pl.Utf8)})
    return Spellings(codes, distinct)


def constant(text: str, height: int) -> Spellings:
    """Every row spelt the same (a column the file does not have reads as "")."""
    return Spellings(pl.zeros(height, dtype=pl.UInt32, eager=True).rename("_code"),
                     pl.DataFrame({TEXT: [text]}, schema={TEXT: pl.Utf8}))
