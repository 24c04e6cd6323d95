"""A CSV export larger than `PIECE_BYTES`, read a piece at a time: memory that does not grow
with the file.

A big city's hemtjänst export is gigabytes (4.3 GB at 4 000 000 invånare). Read whole, its
bytes, its parse and its typed rows were all held at once. Here the file is cut into pieces of
about `PIECE_BYTES`, each ending at a line break outside any quoted field (an even number of
`"` before it), and each piece is read exactly as a whole file would be (csvfile.py: byte
checks, parse, short and blank lines) with the header line put before it, then handed on to
be typed while the next is read. What the user sees does not depend on the cut:

- line numbers are the file's: each piece's are moved down by the line breaks before it;
- the SHA-256 is of the whole file, hashed piece by piece beside the parse;
- the encoding is decided once for the file, as for a whole read: `kodning`, else the first
  piece decides between UTF-8 and Windows-1252, and should a later piece not be UTF-8 the
  file is read again from the start as Windows-1252 (what reading it whole would have done);
- a file whose first piece starts with a byte order mark or is UTF-16/32 is read whole.

The pieces' value errors are merged into one capped list per column by the caller
(problems.Failures), so a big file reports as a small one does.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import polars as pl

from kpb.errors import Problem, error
from kpb.load.columns import pattern_headers
from kpb.load.csvfile import (
    MAX_SHAPE_PROBLEMS,
    BOM,
    HASHING,
    as_utf8,
    _capped_shape_problems,
    _field_count,
    _short_records,
    checked_text,
    detect_encoding,
    detect_separator,
    parsed_rows,
)
from kpb.load.encodings import DOUBLE_ENCODED, SAMPLE, _is_utf8, _wide_encoding, readable
from kpb.load.textfile import LINE, TextTable, drop_blank_rows
from kpb.project import SourceSettings

# At most this many bytes a piece: the read's memory is about twice a piece, whatever the
# file's size (2.1-2.5 GiB for the 1.1 GB export of a city of 1M invånare, read whole).
PIECE_BYTES = 1280 * 2**20


class ReadWhole(Exception):
    """The file cannot be cut (a byte order mark, UTF-16/32): read it whole instead."""


@dataclass
class PiecedCsv:
    """A big CSV file, read by `pieces()`; sha256, height and kodning are known after."""
    path: Path
    file: str
    settings: SourceSettings
    sha256: str = ""
    kodning: str = ""
    separator: str = ""
    height: int = 0
    decimal: str = field(init=False)

    def __post_init__(self) -> None:
        self.decimal = self.settings.decimal

    def pieces(self, categorical: bool = True
               ) -> Iterator[tuple[TextTable | None, list[Problem]]]:
        """Each piece's rows (or None) and problems, in file order. Raises ReadWhole before
        the first piece when the file must be read whole."""
        plain = _plain(self.path, self.settings)
        if plain is not None:
            yield from self._from_disk(*plain, categorical)
            return
        kodning = self.settings.kodning
        if kodning == "auto" and not _utf8(self.path):
            kodning = "cp1252"  # as detect_encoding decides for the whole file
        yield from self._pieces(kodning, categorical)

    def _from_disk(self, separator: str, lines: int, categorical: bool):
        """Plain text (_plain) parsed by Polars from disk in batches: no byte of the file is
        copied into Python, and the batches make pieces of about PIECE_BYTES."""
        kodning = self.settings.kodning
        self.kodning = kodning if kodning != "auto" else "utf-8"  # as detect_encoding says
        self.separator = separator
        digest = HASHING.submit(_file_sha256, self.path)
        scan = _scan(self.path, separator, categorical)
        columns = scan.collect_schema().names()
        refused = pattern_headers(columns, self.file)
        if refused:
            digest.result()
            yield None, refused
            return
        pieces = -(-self.path.stat().st_size // PIECE_BYTES)
        rows_per_piece = max(1, -(-lines // pieces))
        self.height, self._short = 0, None
        parts, count = [], 0
        try:
            for batch in scan.collect_batches(maintain_order=True):
                parts.append(batch)
                count += batch.height
                if count >= rows_per_piece:
                    yield self._disk_piece(parts, separator), []
                    parts, count = [], 0
            if parts:
                yield self._disk_piece(parts, separator), []
        except pl.exceptions.PolarsError:  # a line with more fields than the header
            yield None, _ragged_on_disk(self.path, separator, self.file)
        if self._short:
            found = pl.DataFrame(self._short, schema={LINE: pl.Int64, "fann": pl.Int64,
                                                      "vantade": pl.Int64}, orient="row")
            yield None, _capped_shape_problems(found, self.file)
        self.sha256 = digest.result()

    def _disk_piece(self, parts: list[pl.DataFrame], separator: str) -> TextTable:
        """Batches as one piece, numbered as the whole file's read (csvfile._read_text: one
        line a row, since the file has no quotes), without short and blank lines."""
        rows = pl.concat(parts, rechunk=False)
        parts.clear()
        rows = rows.with_columns((rows.get_column(LINE).cast(pl.Int64) + 2).rechunk())
        last = rows.columns[-1]
        if self._short is None and last != LINE and rows.select(
                (pl.col(last).is_null() | (pl.col(last) == "")).any()).item():
            # a short line reads as one with an empty last field: the file's field counts are
            # taken once, by pyarrow streaming from disk (record numbers are line numbers here)
            self._short = _short_records(self.path, separator)
        if self._short:
            rows = rows.filter(~pl.col(LINE).is_in([line for line, _, _ in self._short]))
        rows = drop_blank_rows(rows)
        self.height += rows.height
        return TextTable(self.file, rows, "", self.kodning, separator, self.decimal)

    def _pieces(self, kodning: str, categorical: bool):
        hasher = hashlib.sha256()
        hashed = []
        self.height = 0
        header = b""
        lines_before = 0
        encoding = separator = None
        with self.path.open("rb") as handle:
            for first, piece in _pieces_of(handle, piece_size(self.path.stat().st_size)):
                if first:
                    if piece.startswith(BOM) or _wide_encoding(piece) is not None:
                        raise ReadWhole
                    encoding = kodning if kodning != "auto" else "utf-8"  # _utf8 decided
                    header = piece[:piece.find(b"\n") + 1]
                    raw = piece
                else:
                    raw = b"".join((header, piece))
                hashed.append(HASHING.submit(hasher.update, piece))
                del piece
                table, problems = self._piece(raw, encoding, separator, kodning, categorical,
                                              lines_before - (0 if first else 1))
                lines_before += raw.count(b"\n") - (0 if first else header.count(b"\n"))
                separator = self.separator
                del raw
                if table is not None:
                    self.height += table.rows.height
                yield table, problems
        for done in hashed:
            done.result()
        self.sha256, self.kodning = hasher.hexdigest(), encoding

    def _piece(self, raw: bytes, encoding: str, separator: str | None, kodning: str,
               categorical: bool, offset: int) -> tuple[TextTable | None, list[Problem]]:
        """One piece read as a whole file would be, its lines moved down by `offset`."""
        raw, refused = readable(raw, self.file, kodning)
        if refused:
            return None, _moved(refused, offset)
        text = as_utf8(raw, encoding)
        if separator is None:
            separator = (self.settings.separator if self.settings.separator != "auto"
                         else detect_separator(text))
            self.separator = separator
        problems, newlines = checked_text(text, raw, self.file, encoding, separator)
        if any(p.is_error for p in problems):
            return None, _moved(problems, offset)
        rows, found = parsed_rows(text, lambda: text, separator, categorical, newlines,
                                  self.file)
        if rows is None:
            return None, _moved(found, offset)
        if offset:
            rows = rows.with_columns(pl.col(LINE) + offset)
        table = TextTable(self.file, rows, "", encoding, separator, self.decimal)
        return table, _moved(problems + found, offset)


WINDOW = 16 * 2**20  # bytes looked at a time by _plain: small enough to stay in the cache


def _plain(path: Path, settings: SourceSettings) -> tuple[str, int] | None:
    """(separator, lines) when Polars can parse the file from disk as it stands, so nothing
    need be copied: no byte order mark, no quote (then every line is one row), and ASCII, or
    UTF-8 without mojibake where kodning allows UTF-8. Else None: read by copied pieces,
    which report whatever stands in the way. Looks at the file a window at a time and stops
    at the first reason."""
    utf8 = settings.kodning in ("auto", "utf-8", "utf-8-sig")
    with path.open("rb") as handle:
        head = handle.read(max(SAMPLE, 2**16))
    end = head.find(b"\n")
    if head.startswith(BOM) or _wide_encoding(head[:SAMPLE]) is not None or end < 0:
        return None
    separator = (settings.separator if settings.separator != "auto"
                 else detect_separator(head[:end + 1]))
    lines = 0
    for window in _windows(path):
        if b'"' in window:
            return None
        if not window.isascii():
            if not utf8 or not _is_utf8(window) or DOUBLE_ENCODED.search(window):
                return None
        lines += window.count(b"\n")
    return separator, lines


def _utf8(path: Path) -> bool:
    """Is the whole file UTF-8 (detect_encoding's test), a window of whole lines at a time."""
    for window in _windows(path):
        if not window.isascii() and not _is_utf8(window):
            return False
    return True


def _windows(path: Path) -> Iterator[bytes]:
    """The file's bytes, about WINDOW at a time, each ending after a line break (a UTF-8
    character is never cut). Read, not mapped: the pages of a mapped file would count in the
    process's memory until it is unmapped, the whole 4 GB of it."""
    carry = b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(WINDOW)
            if not block:
                if carry:
                    yield carry
                return
            cut = block.rfind(b"\n") + 1
            if not cut:
                carry = b"".join((carry, block))
                continue
            yield b"".join((carry, memoryview(block)[:cut])) if carry else block[:cut]
            carry = block[cut:]


def _scan(path: Path, separator: str, categorical: bool) -> pl.LazyFrame:
    """The lazy twin of csvfile._read_text's read (glob=False: the name is a name)."""
    width = len(pl.scan_csv(path, separator=separator, infer_schema=False, glob=False
                            ).collect_schema())
    return pl.scan_csv(path, separator=separator, infer_schema=False, has_header=True,
                       empty_string_is_null=False, row_index_name=LINE, glob=False,
                       schema_overrides=[pl.Categorical] * width if categorical else None,
                       with_column_names=lambda names: [n.strip() for n in names])


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _ragged_on_disk(path: Path, separator: str, file: str) -> list[Problem]:
    """Lines whose field count differs from the header's, streamed (csvfile._ragged_records
    holds the text; only a broken file gets here)."""
    problems: list[Problem] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        expected = None
        for record in reader:
            if expected is None:
                expected = len(record)
            elif record and len(record) != expected:
                problems.append(_field_count(file, reader.line_num, len(record), expected))
                if len(problems) == MAX_SHAPE_PROBLEMS:
                    break
    return problems or [error(file, None, None, "kunde inte läsas som CSV")]


def _moved(problems: list[Problem], offset: int) -> list[Problem]:
    """A piece's problems at the file's line numbers."""
    if not offset:
        return problems
    return [replace(p, line=p.line + offset) if p.line is not None else p for p in problems]


def _pieces_of(handle, size: int) -> Iterator[tuple[bool, bytes]]:
    """(first?, bytes) pieces of about `size` bytes, each ending after a line break outside
    quotes (the last at the end of the file)."""
    carry = b""
    first = True
    while True:
        block = handle.read(size)
        if not block:
            if carry or first:
                yield first, carry
            return
        cut = _cut(block, carry.count(b'"') % 2)
        if cut is None:  # no line break outside quotes yet: the piece grows
            carry = b"".join((carry, block))
            continue
        piece = b"".join((carry, memoryview(block)[:cut]))
        carry = block[cut:]
        del block
        yield first, piece
        first = False


def _cut(block: bytes, open_quotes: int) -> int | None:
    """The offset just after the last line break in `block` with an even number of quotes
    before it (counting `open_quotes` carried in), or None."""
    end = block.rfind(b"\n")
    if b'"' not in block:
        return end + 1 if end >= 0 and not open_quotes else None
    after = 0  # quotes from `end` to the end of the block
    total = block.count(b'"') + open_quotes
    stop = len(block)
    while end >= 0:
        after += block.count(b'"', end, stop)
        if (total - after) % 2 == 0:
            return end + 1
        stop = end
        end = block.rfind(b"\n", 0, end)
    return None


def piece_size(size: int) -> int:
    """Pieces of even size, none above PIECE_BYTES (4.3 GB: four of 1.08 GB, not three of
    1.34 GB and a small one)."""
    pieces = -(-size // PIECE_BYTES)
    return -(-size // pieces)


def too_big(path: Path) -> bool:
    """Read in pieces: a file larger than one piece."""
    try:
        return path.stat().st_size > PIECE_BYTES
    except OSError:
        return False


