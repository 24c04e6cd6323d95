"""How `kpb sql` hands a result over: Swedish CSV that Excel opens, a one-sheet workbook, and a
terminal table with Swedish numbers (space between thousands, decimal comma)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.report.tables import Column, Table
from kpb.report.workbook import write_workbook

BOM = "\ufeff"
# Codes and years shown as written (2024, 202401), not as amounts (2 024, 202 401)
YEAR_COLUMNS = ("ar", "år", "verksamhetsar", "period", "manad", "kalla_rad", "fodelsear", "fran", "till")


def swedish_csv(frame: pl.DataFrame) -> str:
    """`;`-separated, decimal comma, UTF-8 with BOM: what Swedish Excel opens as it is."""
    return BOM + _displayable(frame).write_csv(separator=";", decimal_comma=True)


def plain_csv(frame: pl.DataFrame) -> str:
    """`,`-separated, decimal point, no BOM: for other programs."""
    return _displayable(frame).write_csv()


def terminal_table(frame: pl.DataFrame, max_rows: int) -> str:
    """The result as a table without shape or type rows, numbers in Swedish."""
    with pl.Config(tbl_rows=max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True,
                   thousands_separator=" ", decimal_separator=",",
                   tbl_cell_numeric_alignment="RIGHT"):
        text = str(_years_as_text(frame))
    if frame.height > max_rows:
        text += f"\n{frame.height} rader, de första och sista visas (--rader {frame.height} visar alla)"
    return text


def write_xlsx(frame: pl.DataFrame, path: Path, query: str) -> Path:
    """One sheet with the result, Swedish number formats, frozen header and a filter."""
    frame = _displayable(frame)
    columns = tuple(Column(name, name, _kind(name, dtype)) for name, dtype in frame.schema.items())
    table = Table("resultat", "Resultat", "kpb sql", frame, columns, (f"Fråga: {query}",))
    return write_workbook(path, [table], "kpb sql")


def _kind(name: str, dtype: pl.DataType) -> str:
    if name in YEAR_COLUMNS and dtype.is_integer():
        return "heltal"
    if dtype.is_integer():
        return "antal"
    if isinstance(dtype, pl.Decimal):
        return {0: "antal", 1: "tal", 2: "tal", 3: "volym"}.get(dtype.scale, "tal4")
    if dtype.is_float():
        return "tal4"
    return "text"


def _displayable(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested and other non-scalar columns as text, so every writer can take them."""
    simple = (pl.Utf8, pl.Boolean)
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype.is_numeric() or dtype in simple or dtype.is_temporal():
            exprs.append(pl.col(name))
        else:
            exprs.append(pl.col(name).cast(pl.Utf8, strict=False)
                         if dtype == pl.Categorical else
                         pl.col(name).map_elements(str, return_dtype=pl.Utf8))
    return frame.select(exprs) if exprs else frame


def _years_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).cast(pl.Utf8) for c, t in frame.schema.items()
                               if c in YEAR_COLUMNS and t.is_integer()])
