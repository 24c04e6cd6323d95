"""CSV text -> numbered text rows: what a CSV read whole (csvfile.py) and a big CSV read a
piece at a time (csvpieces.py) share, so that both read a file the same way.

The contract between them (each name here is public; neither reader takes a private name
from the other):

- bytes: `line_ends` makes old Mac line ends (CR alone) line ends; `detect_encoding`,
  `as_utf8` and `detect_separator` decide and convert as kpb.toml's `auto` says
  (formats.md §2); `undefined_in`/`undefined_warning` count and name the bytes Windows-1252
  leaves undefined;
- `checked_text` says what the bytes decide before any parse (text after a closing quote,
  undefined bytes) and the newline count the line numbers need;
- `parsed_rows(text, ...)` parses a text (a whole file, or a piece with the header put before
  it) into a `ParsedText`: its numbered rows without short and blank lines, or the problems
  that refuse it; never raises for a text Polars refuses (`ragged` says that was why);
- `read_options` is the one set of read options (pl.read_csv of a text, pl.scan_csv of a big
  plain file); `line_numbers` numbers rows as a file's lines;
- short lines (fewer fields than the header): `may_have_short_lines` says whether a frame can
  hold any, `short_records` finds them in a text or a file on disk, `capped_shape_problems`
  turns a file's short lines into at most MAX_SHAPE_PROBLEMS errors and a summary, once per
  file (the reader of pieces collects the pieces' `ParsedText.short` first);
- `shape_problems` (of a text) and `shape_problems_in` (of a stream of lines, a big file read
  from disk) name the lines whose field count is wrong, for a text Polars refuses.
"""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pa_csv

from kpb.errors import Problem, error, warning
from kpb.load.columns import pattern_headers
from kpb.load.quotes import text_after_quote
from kpb.load.spellings import TEXT, spellings
from kpb.load.textfile import LINE, drop_blank_rows

# One thread hashes a file (0.6 s a GB) while Polars parses it, which leaves a core idle
# part of the time.
HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpb-sha256")
CANDIDATE_SEPARATORS = (";", ",", "\t", "|")
BOM = b"\xef\xbb\xbf"
MAX_SHAPE_PROBLEMS = 20
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
EMPTY = "filen är tom, väntade en rubrikrad och data"
# short lines: the line, the fields found and the fields the header has
SHAPE = {LINE: pl.Int64, "fann": pl.Int64, "vantade": pl.Int64}


def _no_short_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=SHAPE)


@dataclass(frozen=True)
class ParsedText:
    """What `parsed_rows` makes of a text: its rows, or the problems that refuse it.

    rows: numbered from line 2 (the header is line 1), without short and blank lines; None
    when the text is refused. refusal: why it is refused, else empty. short: the short lines
    found (LINE, fann, vantade), every one of them: the caller caps them once per file.
    ragged: refused because Polars found a line with more fields than the header; refusal is
    then empty and the caller names those lines: `shape_problems` of a whole file's text, or
    of the whole file streamed from disk for a piece (finding them reads the text line by
    line in Python, which a piece of a big file must not do in memory).
    """
    rows: pl.DataFrame | None
    refusal: list[Problem] = field(default_factory=list)
    short: pl.DataFrame = field(default_factory=_no_short_lines)
    ragged: bool = False


def line_ends(raw: bytes) -> bytes:
    """A text whose lines end in CR alone (old Mac programs, some exports) with LF line ends:
    Polars, pyarrow and the csv module would read it as one line. A file with any LF is left
    as it is (a lone CR there is text, or a ragged line the reader names)."""
    if b"\n" in raw or b"\r" not in raw:
        return raw
    return raw.replace(b"\r", b"\n")


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


def parsed_rows(text: bytes, separator: str, categorical: bool, newlines: int | None,
                file: str) -> ParsedText:
    """The text's rows, numbered from line 2, without short and blank lines; or the problems
    that refuse the text."""
    try:
        rows = _read_text(text, separator, categorical, newlines)
    except pl.exceptions.PolarsError:  # a line with more fields than the header
        return ParsedText(None, ragged=True)
    refused = pattern_headers(rows.columns, file)  # columns.py: "*" would select every column
    if refused:
        return ParsedText(None, refused)
    short = _short_lines(text, separator, rows)
    if short.height:  # reported: their padded fields would only add misleading errors
        rows = rows.filter(~pl.col(LINE).is_in(short[LINE].to_list()))
    return ParsedText(drop_blank_rows(rows), short=short)


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


def _read_text(text: bytes, separator: str, categorical: bool,
               newlines: int | None) -> pl.DataFrame:
    """Every column text. As Categorical its codes tell which rows share a spelling, so each
    distinct value is typed once (spellings.py); Polars reads an unquoted empty field of a
    Categorical column as null, a quoted one as "" (parse.py treats both as empty).
    Polars reads the bytes where they are (no copy: the peak is that of a read from disk)."""
    overrides = None
    if categorical:
        width = len(pl.read_csv(text, separator=separator, infer_schema=False,
                                has_header=True, n_rows=0).columns)
        overrides = [pl.Categorical] * width
    rows = numbered(pl.read_csv(text, **read_options(separator, overrides)), 0)
    return rows.with_columns(line_numbers(rows, newlines))


def numbered(rows: pl.DataFrame, before: int) -> pl.DataFrame:
    """The rows with their positions in the file (LINE, first, from `before`), which
    `line_numbers` turns into line numbers. The text columns stay in the reader's chunks
    (hundreds): spellings.py reads each once into one-chunk codes. The line numbers become a
    column of the typed rows, so they are made in one chunk, lined up with the rest. (The
    reader's row index came in its chunks: casting and rechunking 25M of them took 0.25 s at
    1M invånare; rechunking every column held two copies of the text.)"""
    rows.insert_column(0, pl.int_range(before, before + rows.height, dtype=pl.Int64,
                                       eager=True).alias(LINE))
    return rows


def read_options(separator: str, overrides) -> dict:
    """How the text is read, whole (pl.read_csv) or in batches from disk (pl.scan_csv)."""
    return {"separator": separator, "infer_schema": False, "has_header": True,
            "empty_string_is_null": False,
            "schema_overrides": overrides,
            "with_column_names": lambda names: [n.strip() for n in names]}


def _record_newlines(text: bytes) -> int | None:
    """The newlines before the file's last line when a quoted field could hold one, else None
    (no `"`: no count of a 1 GB file)."""
    return text.count(b"\n") - text.endswith(b"\n") if b'"' in text else None


def line_numbers(rows: pl.DataFrame, newlines: int | None) -> pl.Expr:
    """Header is line 1; a quoted field holding newlines pushes every later row down.
    `newlines`: checked_text's count, None when the text has no quote (one line a row)."""
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


def shape_problems(text: bytes, separator: str, file: str) -> list[Problem]:
    """Polars refused the text (ParsedText.ragged): the lines whose field count differs from
    the header's.

    Only runs for a broken file, so reading it line by line here costs nothing in normal use.
    """
    return shape_problems_in(io.StringIO(text.decode("utf-8", errors="replace")), separator,
                             file)


def shape_problems_in(lines, separator: str, file: str) -> list[Problem]:
    """The first MAX_SHAPE_PROBLEMS lines of a stream of lines (a text, or a big file
    streamed from disk) whose field count differs from the header's."""
    found = _ragged_records(lines, separator, MAX_SHAPE_PROBLEMS)
    return ([_field_count(file, *record) for record in found]
            or [error(file, None, None, "kunde inte läsas som CSV")])


def _ragged_records(lines, separator: str, limit: int | None = None
                    ) -> list[tuple[int, int, int]]:
    """(line, fields found, fields expected) of the records of `lines` (text, or an open text
    file) whose field count differs from the header's; stops after `limit` of them."""
    if isinstance(lines, bytes):
        lines = io.StringIO(lines.decode("utf-8", errors="replace"))
    reader = csv.reader(lines, delimiter=separator)
    expected = None
    found = []
    for record in reader:
        if expected is None:
            expected = len(record)
        elif record and len(record) != expected:
            found.append((reader.line_num, len(record), expected))
            if len(found) == limit:
                break
    return found


def _field_count(file: str, line: int | None, found: int, expected: int) -> Problem:
    return error(file, line, None, f"fann {found} fält, väntade {expected} som rubrikraden")


def _short_lines(text: bytes, separator: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Lines with fewer fields than the header: LINE, fann, vantade (SHAPE).

    Polars reads a short line as if its missing fields were "", so every short line ends in
    an empty last column: only a text with such rows is parsed again, by pyarrow, which hands
    over just the rows whose field count is wrong (record numbers map to rows[LINE]).
    """
    if not may_have_short_lines(rows):
        return _no_short_lines()
    try:
        short = short_records(text, separator)
    except pa.ArrowException:  # pyarrow disagrees about the file: the slow exact way
        return pl.DataFrame(_ragged_records(text, separator), schema=SHAPE, orient="row")
    found = pl.DataFrame(short, schema={"post": pl.Int64, "fann": pl.Int64,
                                        "vantade": pl.Int64}, orient="row")
    found = found.filter(pl.col("post").is_between(2, rows.height + 1))
    lines = rows[LINE].gather(found["post"] - 2)  # record 2 is the first data row
    return found.with_columns(lines).select(LINE, "fann", "vantade")


def may_have_short_lines(rows: pl.DataFrame) -> bool:
    """A short line reads as one whose last field is empty: without such a row, none."""
    last = rows.columns[-1]
    return last != LINE and rows.select(
        (pl.col(last).is_null() | (pl.col(last) == "")).any()).item()


def short_records(text: bytes | Path, separator: str) -> list[tuple[int, int, int]]:
    """(record number counting the header as 1, fields found, fields expected) per bad row,
    of a text or of a file streamed from disk (a big file read in pieces)."""
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


def capped_shape_problems(found: pl.DataFrame, file: str) -> list[Problem]:
    """found: LINE, fann, vantade per short line of a file; the first MAX_SHAPE_PROBLEMS and
    a summary."""
    found = found.sort(LINE)
    first = found.head(MAX_SHAPE_PROBLEMS).select(LINE, "fann", "vantade")
    problems = [_field_count(file, *row) for row in first.iter_rows()]
    if found.height > MAX_SHAPE_PROBLEMS:
        problems.append(error(file, found[MAX_SHAPE_PROBLEMS, LINE], None,
                              f"... och {found.height - MAX_SHAPE_PROBLEMS} fler rader med fel "
                              "antal fält"))
    return problems
