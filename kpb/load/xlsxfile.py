"""XLSX exports: the first sheet, first row as headers, every value turned into text.

Other sheets holding any value are named in a warning: they were not read.

openpyxl hands cells over one row at a time, so this reader loops in Python; XLSX exports
from ekonomisystem are bounded by Excel's own 1 048 576 rows, and CSV is the fast path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl

from kpb.errors import Problem, error, warning
from kpb.load.problems import quoted
from kpb.load.textfile import LINE, TextTable, drop_blank_rows, sha256


def read_xlsx(path: Path, file: str) -> tuple[TextTable | None, list[Problem]]:
    raw = path.read_bytes()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken archive
        return None, [error(file, None, None, f"kunde inte läsas som XLSX ({type(exc).__name__})")]
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        problems = _unread_sheets(workbook, file)
    finally:
        workbook.close()
    if not rows:
        return None, [error(file, None, None, "bladet är tomt, väntade en rubrikrad och data")]
    table = TextTable(file, drop_blank_rows(_as_frame(rows)), sha256(raw), "xlsx", "", ".")
    return table, problems


def _unread_sheets(workbook, file: str) -> list[Problem]:
    """A warning naming the sheets after the first that hold a value (empty ones say nothing)."""
    first, *others = workbook.worksheets
    unread = [quoted(sheet.title) for sheet in others if _holds_a_value(sheet)]
    if not unread:
        return []
    which = "bladet" if len(unread) == 1 else "bladen"
    return [warning(file, None, None, f"bara första bladet {quoted(first.title)} lästes: "
                                      f"{which} {', '.join(unread)} lästes inte")]


def _holds_a_value(sheet) -> bool:
    # stops at the first value: a filled sheet costs one row, an empty one next to nothing
    return any(value is not None and str(value).strip() != ""
               for row in sheet.iter_rows(values_only=True) for value in row)


def _as_frame(rows: list[tuple]) -> pl.DataFrame:
    headers = _unique([as_text(value).strip() for value in rows[0]])
    columns = {name: [as_text(row[i]) if i < len(row) else "" for row in rows[1:]]
               for i, name in enumerate(headers)}
    frame = pl.DataFrame(columns, schema={name: pl.Utf8 for name in headers})
    return frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


def as_text(value) -> str:
    """A cell as the user would have typed it: 1500.0 -> "1500", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)  # repr of a float is its shortest exact decimal: 1234.56 stays 1234.56


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in headers:
        name = name or "kolumn"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique
