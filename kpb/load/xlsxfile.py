"""XLSX exports: every sheet holding a value, first row as headers, every value as text.

- A workbook whose data is spread over several sheets (one per month, "Blad2" for the rows
  that did not fit) is read whole: every sheet with a value must carry the first data sheet's
  headers, else it is an error naming it (never half a ledger, silently). With several data
  sheets each sheet's rows are named `file[sheet]` in messages and provenance.
- Numbers become text with the decimal mark kpb.toml declares for the source (`,` or `.`;
  with `auto` both a number cell and a text cell like "1 234,50" are read).
- A formula cell without a saved value (the file was written by a program that does not
  calculate) and merged cells would become empty values: both are errors naming the cell.

openpyxl hands cells over one row at a time, so this reader loops in Python; XLSX exports
from ekonomisystem are bounded by Excel's own 1 048 576 rows, and CSV is the fast path.
The checks for formulas and merged cells scan the sheet's XML first and open the sheet a
second time only when the XML holds a formula.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import polars as pl

from kpb.errors import Problem, error
from kpb.load.problems import quoted
from kpb.load.textfile import LINE, TextTable, drop_blank_rows, sha256
from kpb.project import SourceSettings

MERGED = re.compile(rb'<mergeCell [^>]*ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
FORMULA = re.compile(rb"<f[ >/]")
CHUNK = 1 << 20


def read_xlsx(path: Path, file: str, settings: SourceSettings = SourceSettings()
              ) -> tuple[list[TextTable], list[Problem]]:
    """One TextTable per sheet that holds data, and every problem found."""
    raw = path.read_bytes()
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken archive
        return [], [error(file, None, None, f"kunde inte läsas som XLSX ({type(exc).__name__})")]
    try:
        # iter_rows starts at row 1 and column A (missing rows and cells come as None)
        sheets = [(sheet.title, sheet._worksheet_path, 1, list(sheet.iter_rows(values_only=True)))
                  for sheet in values.worksheets]
    finally:
        values.close()
    filled = [(title, where, first, rows) for title, where, first, rows in sheets
              if _holds_a_value(rows)]
    if not filled:
        return [], [error(file, None, None, "arbetsboken är tom, väntade en rubrikrad och data")]
    problems = _other_headers(file, filled) + _cells_without_values(path, file, filled)
    if problems:
        return [], problems
    decimal = settings.decimal
    named = len(filled) > 1
    tables = [TextTable(f"{file}[{title}]" if named else file,
                        drop_blank_rows(_as_frame(rows, first, decimal)), sha256(raw), "xlsx",
                        "", decimal)
              for title, _, first, rows in filled]
    return tables, []


def _holds_a_value(rows: list[tuple]) -> bool:
    return any(value is not None and str(value).strip() != "" for row in rows for value in row)


def _headers(rows: list[tuple]) -> list[str]:
    return [as_text(value).strip() for value in rows[0]] if rows else []


def _other_headers(file: str, filled: list) -> list[Problem]:
    """Every data sheet carries the first one's headers, or it is named in an error."""
    first_title, _, _, first_rows = filled[0]
    expected = [h for h in _headers(first_rows) if h]
    return [error(file, None, None, f"bladet {quoted(title)} har andra rubriker än "
                  f"{quoted(first_title)} (fann {', '.join(found) or 'inga'}, väntade "
                  f"{', '.join(expected)}): kpb läser alla blad med data, ge bladet samma "
                  "rubriker eller flytta det till en egen fil")
            for title, _, _, rows in filled[1:]
            if (found := [h for h in _headers(rows) if h]) != expected]


def _cells_without_values(path: Path, file: str, filled: list) -> list[Problem]:
    problems = []
    for title, where, first, rows in filled:
        merged, has_formula = _scan(path, where)
        where_named = f"bladet {quoted(title)}: " if len(filled) > 1 else ""
        problems += [error(file, _first_row(ref), None, f"{where_named}cellerna {ref} är "
                           "sammanfogade: väntade ett värde i varje cell (dela upp "
                           "sammanfogningen och fyll i värdet i varje rad)")
                     for ref in merged]
        if has_formula:
            problems += _unsaved_formulas(path, file, title, first, rows, where_named)
    return problems


def _scan(path: Path, member: str) -> tuple[list[str], bool]:
    """The merged ranges of a sheet and whether it holds a formula, read in chunks."""
    merged, has_formula, tail = [], False, b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as xml:
        while chunk := xml.read(CHUNK):
            text = tail + chunk
            has_formula = has_formula or bool(FORMULA.search(text))
            cut = max(0, len(text) - 200)  # a tag split between chunks is seen in the next one
            merged += [m.group(1).decode() for m in MERGED.finditer(text) if m.start() < cut]
            tail = text[cut:]
    merged += [m.group(1).decode() for m in MERGED.finditer(tail)]
    return merged, has_formula


def _unsaved_formulas(path, file, title, first, rows, where_named) -> list[Problem]:
    """Formula cells whose saved value is missing: the values pass read them as empty."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [(cell.row, cell.column, cell.coordinate, cell.value)
                    for row in workbook[title].iter_rows() for cell in row
                    if getattr(cell, "data_type", None) == "f"]
    finally:
        workbook.close()
    headers = _headers(rows)
    return [error(file, line, headers[column - 1] if column <= len(headers) else None,
                  f"{where_named}cellen {coordinate} är formeln {quoted(str(formula))} utan "
                  "sparat värde: väntade ett värde (öppna filen i Excel och spara den, eller "
                  "exportera värden)")
            for line, column, coordinate, formula in formulas
            if _value_at(rows, line - first, column - 1) is None]


def _value_at(rows: list[tuple], index: int, column: int):
    if 0 <= index < len(rows) and column < len(rows[index]):
        return rows[index][column]
    return None


def _first_row(ref: str) -> int:
    return int(re.search(r"[0-9]+", ref).group())


def _as_frame(rows: list[tuple], first: int, decimal: str) -> pl.DataFrame:
    mark = "," if decimal == "," else "."
    headers = _unique(_headers(rows))
    columns = {name: [as_text(row[i], mark) if i < len(row) else "" for row in rows[1:]]
               for i, name in enumerate(headers)}
    frame = pl.DataFrame(columns, schema={name: pl.Utf8 for name in headers})
    return frame.with_row_index(LINE, offset=first + 1).with_columns(pl.col(LINE).cast(pl.Int64))


def as_text(value, mark: str = ".") -> str:
    """A cell as the user would have typed it: 1500.0 -> "1500", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):  # repr of a float is its shortest exact decimal: 1234.56
        return str(value).replace(".", mark)
    return str(value)


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in headers:
        name = name or "kolumn"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique
