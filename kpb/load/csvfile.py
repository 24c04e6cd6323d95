"""CSV exports read as text with Polars: encoding and separator detected, lines numbered.

Encoding: UTF-8 (with or without BOM) when the bytes decode as UTF-8, else Windows-1252,
unless kpb.toml sets `kodning`. Separator: the most frequent of ; , tab | in the header line
(ties go to ;), unless set. Every value stays text here; parse.py turns it into numbers.

Nothing is coerced silently: a line with more or fewer fields than the header is an error
(Polars pads short lines with empty values, so those are found with a second, streaming parse), and
bytes Windows-1252 leaves undefined are a warning (they are read as U+FFFD).
"""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv

from kpb.errors import Problem, error, warning
from kpb.load.columns import pattern_headers
from kpb.load.encodings import readable
from kpb.load.quotes import text_after_quote
from kpb.load.spellings import TEXT, spellings
from kpb.load.textfile import LINE, TextTable, drop_blank_rows, sha256
from kpb.project import SourceSettings

# One thread hashes a file (0.6 s a GB) while Polars parses it, which leaves a core idle
# part of the time.
HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpb-sha256")
CANDIDATE_SEPARATORS = (";", ",", "\t", "|")
BOM = b"\xef\xbb\xbf"
MAX_SHAPE_PROBLEMS = 20
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
GLOB = re.compile(r"[*?\[\]{}]")  # Polars would read such a path as a pattern
EMPTY = "filen är tom, väntade en rubrikrad och data"


def read_csv(path: Path, file: str, settings: SourceSettings, categorical: bool = False
             ) -> tuple[TextTable | None, list[Problem]]:
    """`categorical`: columns as Categorical (the load types each distinct spelling once);
    otherwise Utf8, for readers that take the text as it is (kolada)."""
    original = path.read_bytes()
    raw, refused = readable(original, file, settings.kodning)  # encodings.py
    if refused:
        return None, refused
    digest = HASHING.submit(sha256, raw)  # beside the parse: hashlib lets go of the GIL
    encoding = settings.kodning if settings.kodning != "auto" else detect_encoding(raw)
    text = as_utf8(raw, encoding)
    if not text or text.isspace():  # not strip(): that would copy a 1 GB file
        return None, [error(file, None, None, EMPTY)]
    separator = settings.separator if settings.separator != "auto" else detect_separator(text)
    problems, newlines = checked_text(text, raw, file, encoding, separator)
    if problems and any(p.is_error for p in problems):
        return None, problems
    # A file whose bytes are the UTF-8 Polars reads is parsed from disk, so its bytes (1 GB
    # at 1M invånare) are not held beside the parse; they are read again only for a broken
    # file. Converted text (Windows-1252, a BOM, UTF-16) is parsed from memory.
    source = path if text is original and not GLOB.search(str(path)) else text
    del raw, original
    if source is path:
        text = None
    again = lambda: text if text is not None else as_utf8(path.read_bytes(), encoding)  # noqa: E731
    rows, found = parsed_rows(source, again, separator, categorical, newlines, file)
    if rows is None:
        return None, found
    table = TextTable(file, rows, digest.result(), encoding, separator, settings.decimal)
    return table, problems + found


def checked_text(text: bytes, raw: bytes, file: str, encoding: str, separator: str,
                 undefined: bool = True) -> tuple[list[Problem], int | None]:
    """What the bytes say before any parse: a field with text after its closing quote (an
    error), bytes Windows-1252 leaves undefined (a warning, unless `undefined` is False: a
    file read in pieces counts them over the whole file); and the newline count the line
    numbers need (`_record_newlines`)."""
    refused = text_after_quote(text, separator, file)  # quotes.py: "1"5 would read as 1
    if refused:
        return refused, None
    return (_undefined_bytes(raw, encoding, file) if undefined else []), _record_newlines(text)


def parsed_rows(source: bytes | Path, again, separator: str, categorical: bool,
                newlines: int | None, file: str, short_lines: list | None = None,
                raise_refused: bool = False) -> tuple[pl.DataFrame | None, list[Problem]]:
    """The text's rows, numbered from line 2, without short and blank lines; or None and the
    problems that refuse the text. `again()` gives the text when `source` is a path;
    `raise_refused`: a text Polars refuses raises the PolarsError. `short_lines`: a list
    that takes the short lines (LINE, fann, vantade) instead of their capped errors, for a
    file read in pieces to cap them once."""
    try:
        rows = _read_text(source, separator, categorical, newlines)
    except pl.exceptions.PolarsError:
        if raise_refused:
            raise
        return None, _shape_problems(again(), separator, file)
    refused = pattern_headers(rows.columns, file)  # columns.py: "*" would select every column
    if refused:
        return None, refused
    short, found = _short_lines(again, separator, rows, file, short_lines)
    if short:  # reported: their padded fields would only add misleading errors
        rows = rows.filter(~pl.col(LINE).is_in(short))
    return drop_blank_rows(rows), found


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(BOM):
        return "utf-8-sig"
    if raw.isascii():  # a fast scan, where decoding would build a 1 GB str
        return "utf-8"
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


def _undefined_bytes(raw: bytes, encoding: str, file: str) -> list[Problem]:
    """A warning at the first byte that Windows-1252 leaves undefined (as_utf8 replaced it)."""
    count, line = undefined_in(raw) if encoding == "cp1252" else (0, None)
    return undefined_warning(file, count, line)


def undefined_in(raw: bytes) -> tuple[int, int | None]:
    """(bytes Windows-1252 leaves undefined, the line of the first) in `raw`."""
    found = CP1252_UNDEFINED.search(raw)
    if found is None:
        return 0, None
    return len(CP1252_UNDEFINED.findall(raw)), raw.count(b"\n", 0, found.start()) + 1


def undefined_warning(file: str, count: int, line: int | None) -> list[Problem]:
    if not count:
        return []
    return [warning(file, line, None,
                    f"{count} byte saknar tecken i Windows-1252 och ersattes med \ufffd")]


def detect_separator(text: bytes) -> str:
    end = text.find(b"\n")  # not split(): that would copy the whole (1 GB) rest of the file
    header = text[:end if end >= 0 else len(text)].decode("utf-8", errors="replace")
    counts = {sep: header.count(sep) for sep in CANDIDATE_SEPARATORS}
    best = max(CANDIDATE_SEPARATORS, key=lambda sep: counts[sep])  # max keeps the first on ties
    return best if counts[best] else ";"


def _read_text(source: bytes | Path, separator: str, categorical: bool,
               newlines: int | None) -> pl.DataFrame:
    """Every column text. As Categorical its codes tell which rows share a spelling, so each
    distinct value is typed once (spellings.py); Polars reads an unquoted empty field of a
    Categorical column as null, a quoted one as "" (parse.py treats both as empty)."""
    overrides = None
    if categorical:
        width = len(pl.read_csv(source, separator=separator, infer_schema=False,
                                has_header=True, n_rows=0).columns)
        overrides = [pl.Categorical] * width
    rows = pl.read_csv(source, **read_options(separator, overrides))
    # The text columns stay in the reader's chunks (hundreds): spellings.py reads each once
    # into one-chunk codes. The line numbers become a column of the typed rows, so they are
    # one chunk too, lined up with the rest. (Rechunking it all held two copies of the text.)
    rows = rows.with_columns(_line_numbers(rows, newlines))
    return rows.with_columns(rows.get_column(LINE).rechunk())


def read_options(separator: str, overrides) -> dict:
    """How the text is read, whole (pl.read_csv) or in batches from disk (pl.scan_csv)."""
    return dict(separator=separator, infer_schema=False, has_header=True,
                empty_string_is_null=False, row_index_name=LINE, schema_overrides=overrides,
                with_column_names=lambda names: [n.strip() for n in names])


def _record_newlines(text: bytes) -> int | None:
    """The newlines before the file's last line when a quoted field could hold one, else None
    (no `"`: no count of a 1 GB file)."""
    return text.count(b"\n") - text.endswith(b"\n") if b'"' in text else None


def _line_numbers(rows: pl.DataFrame, newlines: int | None) -> pl.Expr:
    """Header is line 1; a quoted field holding newlines pushes every later row down."""
    first = pl.col(LINE).cast(pl.Int64) + 2
    if newlines is None or newlines == rows.height:  # one line a row: no field holds one
        return first.alias(LINE)
    fields = [name for name in rows.columns if name != LINE]
    newlines_in = pl.sum_horizontal([_newlines(rows[name]) for name in fields])
    earlier = newlines_in.cum_sum().shift(1, fill_value=0)
    return (first + earlier).alias(LINE)


def _newlines(column: pl.Series) -> pl.Series:
    """Newlines inside each row's value, counted once per distinct spelling."""
    spelt = spellings(column)
    counts = spelt.distinct.select(pl.col(TEXT).str.count_matches("\n", literal=True)
                                   .fill_null(0).cast(pl.Int64))
    return spelt.spread(counts).to_series()


def _shape_problems(text: bytes, separator: str, file: str) -> list[Problem]:
    """Polars refused the file: find the lines whose field count differs from the header's.

    Only runs for a broken file, so reading it line by line here costs nothing in normal use.
    """
    return shape_problems_in(io.StringIO(text.decode("utf-8", errors="replace")), separator,
                             file)


def shape_problems_in(lines, separator: str, file: str) -> list[Problem]:
    """_shape_problems of a stream of lines (a file read in pieces streams it from disk):
    the first MAX_SHAPE_PROBLEMS lines whose field count is wrong."""
    problems = _ragged_records(lines, separator, file, MAX_SHAPE_PROBLEMS)
    return problems or [error(file, None, None, "kunde inte läsas som CSV")]


def _ragged_records(lines, separator: str, file: str, limit: int | None = None
                    ) -> list[Problem]:
    """The records of `lines` (text, or an open text file) whose field count differs from
    the header's; stops after `limit` of them."""
    if isinstance(lines, bytes):
        lines = io.StringIO(lines.decode("utf-8", errors="replace"))
    reader = csv.reader(lines, delimiter=separator)
    expected = None
    problems = []
    for record in reader:
        if expected is None:
            expected = len(record)
        elif record and len(record) != expected:
            problems.append(_field_count(file, reader.line_num, len(record), expected))
            if len(problems) == limit:
                break
    return problems


def _field_count(file: str, line: int | None, found: int, expected: int) -> Problem:
    return error(file, line, None, f"fann {found} fält, väntade {expected} som rubrikraden")


def _short_lines(text_again, separator: str, rows: pl.DataFrame, file: str,
                 short_lines: list | None = None) -> tuple[list[int], list[Problem]]:
    """Lines with fewer fields than the header: their lines, and capped errors for them.

    Polars reads a short line as if its missing fields were "", so every short line ends in
    an empty last column: only a file with such rows is parsed again, by pyarrow, which hands
    over just the rows whose field count is wrong (record numbers map to rows[LINE]).
    `text_again()` gives the file's text (read again when it was parsed from disk).
    """
    if not may_have_short_lines(rows):
        return [], []
    text = text_again()
    try:
        short = _short_records(text, separator)
    except pa.ArrowException:  # pyarrow disagrees about the file: the slow exact way
        problems = _ragged_records(text, separator, file)
        return [p.line for p in problems], problems[:MAX_SHAPE_PROBLEMS]
    found = pl.DataFrame(short, schema={"post": pl.Int64, "fann": pl.Int64,
                                        "vantade": pl.Int64}, orient="row")
    found = found.filter(pl.col("post").is_between(2, rows.height + 1))
    lines = rows[LINE].gather(found["post"] - 2)  # record 2 is the first data row
    found = found.with_columns(lines).select(LINE, "fann", "vantade")
    if short_lines is not None:
        short_lines.append(found)
        return lines.to_list(), []
    return lines.to_list(), _capped_shape_problems(found, file)


def may_have_short_lines(rows: pl.DataFrame) -> bool:
    """A short line reads as one whose last field is empty: without such a row, none."""
    last = rows.columns[-1]
    return last != LINE and rows.select(
        (pl.col(last).is_null() | (pl.col(last) == "")).any()).item()


def _short_records(text: bytes | Path, separator: str) -> list[tuple[int, int, int]]:
    """(record number counting the header as 1, fields found, fields expected) per bad row."""
    found = []

    def keep(row) -> str:  # called only for rows whose field count is wrong
        if row.text.strip(separator + ' \t"\r'):  # blank lines are not data rows
            found.append((row.number, row.actual_columns, row.expected_columns))
        return "skip"

    source = io.BytesIO(text) if isinstance(text, bytes) else str(text)  # or a path
    batches = pa_csv.open_csv(source, read_options=pa_csv.ReadOptions(
        use_threads=False, autogenerate_column_names=True),  # one thread numbers the rows
        parse_options=pa_csv.ParseOptions(delimiter=separator, newlines_in_values=True,
                                          ignore_empty_lines=False, invalid_row_handler=keep),
        convert_options=pa_csv.ConvertOptions(include_columns=["f0"],
                                              column_types={"f0": pa.string()}))
    for _ in batches:  # streamed and let go: only the handler's findings are kept
        pass
    return found


def _capped_shape_problems(found: pl.DataFrame, file: str) -> list[Problem]:
    """found: LINE, fann, vantade per short line; the first MAX_SHAPE_PROBLEMS and a summary."""
    first = found.head(MAX_SHAPE_PROBLEMS).select(LINE, "fann", "vantade")
    problems = [_field_count(file, *row) for row in first.iter_rows()]
    if found.height > MAX_SHAPE_PROBLEMS:
        problems.append(error(file, found[MAX_SHAPE_PROBLEMS, LINE], None,
                              f"... och {found.height - MAX_SHAPE_PROBLEMS} fler rader med fel "
                              "antal fält"))
    return problems
