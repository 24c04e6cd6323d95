"""CSV exports read as text with Polars: encoding and separator detected, lines numbered.

Encoding: UTF-8 (with or without BOM) when the bytes decode as UTF-8, else Windows-1252,
unless kpb.toml sets `kodning`. Separator: the most frequent of ; , tab | in the header line
(ties go to ;), unless set. Every value stays text here; parse.py turns it into numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from kpb.errors import Problem, error
from kpb.load.textfile import LINE, TextTable, drop_blank_rows, sha256
from kpb.project import SourceSettings

CANDIDATE_SEPARATORS = (";", ",", "\t", "|")
BOM = b"\xef\xbb\xbf"
MAX_SHAPE_PROBLEMS = 20


def read_csv(path: Path, file: str, settings: SourceSettings
             ) -> tuple[TextTable | None, list[Problem]]:
    raw = path.read_bytes()
    encoding = settings.kodning if settings.kodning != "auto" else detect_encoding(raw)
    text = as_utf8(raw, encoding)
    if not text.strip():
        return None, [error(file, None, None, "filen är tom, väntade en rubrikrad och data")]
    separator = settings.separator if settings.separator != "auto" else detect_separator(text)
    try:
        rows = _read_text(text, separator)
    except pl.exceptions.PolarsError:
        return None, _shape_problems(text, separator, file)
    table = TextTable(file, drop_blank_rows(rows), sha256(raw), encoding, separator,
                      settings.decimal)
    return table, []


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(BOM):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def as_utf8(raw: bytes, encoding: str) -> bytes:
    """UTF-8 bytes without BOM, the only form Polars reads fast."""
    if encoding in ("utf-8", "utf-8-sig"):
        return raw.removeprefix(BOM)
    # cp1252 leaves five bytes undefined; latin-1 maps them rather than failing the file
    return raw.decode(encoding, errors="strict" if encoding != "cp1252" else "replace"
                      ).encode("utf-8")


def detect_separator(text: bytes) -> str:
    header = text.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {sep: header.count(sep) for sep in CANDIDATE_SEPARATORS}
    best = max(CANDIDATE_SEPARATORS, key=lambda sep: counts[sep])  # max keeps the first on ties
    return best if counts[best] else ";"


def _read_text(text: bytes, separator: str) -> pl.DataFrame:
    rows = pl.read_csv(text, separator=separator, infer_schema=False, has_header=True,
                       empty_string_is_null=False, row_index_name=LINE,
                       with_column_names=lambda names: [n.strip() for n in names])
    return rows.with_columns(_line_numbers(rows))


def _line_numbers(rows: pl.DataFrame) -> pl.Expr:
    """Header is line 1; a quoted field holding newlines pushes every later row down."""
    fields = [name for name in rows.columns if name != LINE]
    newlines = pl.sum_horizontal([pl.col(name).str.count_matches("\n", literal=True)
                                  .fill_null(0) for name in fields])
    earlier = newlines.cum_sum().shift(1, fill_value=0)
    return (pl.col(LINE).cast(pl.Int64) + 2 + earlier).alias(LINE)


def _shape_problems(text: bytes, separator: str, file: str) -> list[Problem]:
    """Polars refused the file: find the lines whose field count differs from the header's.

    Only runs for a broken file, so reading it line by line here costs nothing in normal use.
    """
    reader = csv.reader(io.StringIO(text.decode("utf-8", errors="replace")), delimiter=separator)
    expected = None
    problems = []
    for record in reader:
        if expected is None:
            expected = len(record)
        elif record and len(record) != expected:
            problems.append(error(file, reader.line_num, None,
                                  f"fann {len(record)} fält, väntade {expected} som rubrikraden"))
    if not problems:
        problems.append(error(file, None, None, "kunde inte läsas som CSV"))
    return problems[:MAX_SHAPE_PROBLEMS]
