"""A CSV export larger than `PIECE_BYTES`, read a piece at a time: memory that does not grow
with the file.

A big city's hemtjänst export is gigabytes (4.3 GB at 4 000 000 invånare). Read whole, its
bytes, its parse and its typed rows were all held at once. Here each piece is read, typed and
handed on before the next is read, by one of two paths:

- plain text (ASCII, or UTF-8 where `kodning` allows it; no byte order mark; no `"`, so one
  line is one row) is looked at a window at a time for those facts, then parsed by Polars
  from disk in batches: none of its bytes is copied into Python;
- anything else (Windows-1252, quoted fields) is cut into byte pieces, each ending at a line
  break outside any quoted field (an even number of `"` before it), and each piece, with the
  header line put before it, is read as a whole file would be (csvtext.parsed_rows, as
  csvfile.py reads a whole file).

What the user sees does not depend on the cut:

- line numbers are the file's; the SHA-256 is of the whole file;
- what the bytes of the whole file decide is decided before the first piece: the encoding
  (`kodning`, else UTF-8 when the whole file is, else Windows-1252), the encoding errors
  (encodings.readable's, the first in the file) and the count of bytes Windows-1252 leaves
  undefined;
- a file that reading whole would refuse (an encoding error, text after a quote, a line with
  too many fields, a header of patterns, an empty file) is refused with the same message,
  and nothing else of it is reported (`refusal`);
- short lines and value errors are capped over the whole file, not per piece (the caller
  merges the pieces' problems.Failures);
- a file whose first bytes are a byte order mark or UTF-16/32 is read whole (ReadWhole);
- a file whose lines end in CR alone (old Mac programs) is refused by name: read whole, its
  line ends are made LF in memory (csvtext.line_ends), which a file this size cannot afford.

The file is read from disk more than once, a window or a batch at a time: for the facts the
whole file decides (its SHA-256, whether it is blank, plain, UTF-8, its encoding errors), then
for its pieces. Held whole, its bytes alone would pass the memory bound; the passes read from
the page cache when the file fits there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import polars as pl

from kpb.errors import Problem, error
from kpb.load.columns import pattern_headers
from kpb.load.csvtext import (
    BOM,
    EMPTY,
    HASHING,
    SHAPE,
    as_utf8,
    capped_shape_problems,
    checked_text,
    detect_separator,
    line_numbers,
    numbered,
    may_have_short_lines,
    parsed_rows,
    read_options,
    shape_problems_in,
    short_records,
    undefined_in,
    undefined_warning,
)
from kpb.load.encodings import DOUBLE_ENCODED, SAMPLE, is_utf8, readable, wide_encoding
from kpb.load.textfile import LINE, TextTable, drop_blank_rows
from kpb.project import SourceSettings

# At most this many bytes a piece: the read's memory is about twice a piece, whatever the
# file's size (2.1-2.5 GiB for the 1.1 GB export of a city of 1M invånare, read whole).
PIECE_BYTES = 1280 * 2**20
WINDOW = 16 * 2**20  # bytes looked at a time before the pieces: small enough to stay cached


CR_ONLY = ("raderna slutar med enbart CR (radslut från äldre Mac-program), vilket kpb inte "
           "läser i en fil över 1,25 GiB: väntade radslut LF eller CRLF (spara om exporten "
           "med Windows- eller Unix-radslut)")


class ReadWhole(Exception):
    """The file cannot be cut (a byte order mark, UTF-16/32): read it whole instead."""


@dataclass
class PiecedCsv:
    """A big CSV file, read by `pieces()`. sha256, height, kodning and separator are known
    after; `refusal` holds the errors when the file is refused as a whole."""
    path: Path
    file: str
    settings: SourceSettings
    sha256: str = ""
    kodning: str = ""
    separator: str = ""
    height: int = 0
    refusal: list[Problem] | None = None
    decimal: str = field(init=False)

    def __post_init__(self) -> None:
        self.decimal = self.settings.decimal

    def pieces(self, categorical: bool = True
               ) -> Iterator[tuple[TextTable | None, list[Problem]]]:
        """Each piece's rows (or None) and problems, in file order; after a refusal nothing
        more. Raises ReadWhole before the first piece when the file must be read whole."""
        with self.path.open("rb") as handle:
            head = handle.read(2**16)
        if head.startswith(BOM) or wide_encoding(head[:SAMPLE]) is not None:
            raise ReadWhole
        if b"\n" not in head and b"\r" in head:
            yield self._refused([error(self.file, None, None, CR_ONLY)])
            return
        digest = HASHING.submit(_file_sha256, self.path)  # beside the read, whatever happens
        try:
            if _blank(self.path):
                yield self._refused([error(self.file, None, None, EMPTY)])
                return
            plain = _plain(self.path, self.settings, head)
            if plain is not None:
                yield from self._from_disk(*plain, categorical)
            else:
                yield from self._copied(categorical)
        finally:
            self.sha256 = digest.result()

    def _refused(self, problems: list[Problem]) -> tuple[None, list[Problem]]:
        self.refusal = problems
        return None, problems

    # -- plain text, parsed from disk --------------------------------------------------

    def _from_disk(self, separator: str, lines: int, categorical: bool):
        """Plain text (_plain) parsed by Polars from disk in batches that make pieces of
        about PIECE_BYTES."""
        kodning = self.settings.kodning
        self.kodning = kodning if kodning != "auto" else "utf-8"  # as detect_encoding says
        self.separator = separator
        short: list | None = None  # the file's short lines, found once when first needed
        try:
            scan = _scan(self.path, separator, categorical)
            refused = pattern_headers(scan.collect_schema().names(), self.file)
            if refused:
                yield self._refused(refused)
                return
            pieces = -(-self.path.stat().st_size // PIECE_BYTES)
            rows_per_piece = max(1, -(-lines // pieces))
            parts, count, before = [], 0, 0  # before: the file's rows in earlier pieces
            batches = scan.collect_batches(chunk_size=min(rows_per_piece, 2**20),
                                           maintain_order=True)
            for batch in batches:
                parts.append(batch)
                count += batch.height
                if count >= rows_per_piece:
                    table, short = self._disk_piece(parts, separator, short, before)
                    yield table, []
                    parts, before, count = [], before + count, 0
            if parts:
                table, short = self._disk_piece(parts, separator, short, before)
                yield table, []
        except pl.exceptions.PolarsError:  # a line with more fields than the header
            yield self._refused(_ragged_on_disk(self.path, separator, self.file, "utf-8"))
            return
        if short:
            yield None, capped_shape_problems(pl.DataFrame(short, schema=SHAPE, orient="row"),
                                               self.file)

    def _disk_piece(self, parts: list[pl.DataFrame], separator: str, short: list | None,
                    before: int) -> tuple[TextTable, list | None]:
        """Batches as one piece, numbered as the whole file's read (csvtext.parsed_rows: one
        line a row, since the file has no quotes), without short and blank lines. `before`:
        the file's rows in the pieces before this one."""
        rows = pl.concat(parts, rechunk=False)
        parts.clear()
        rows = numbered(rows, before)
        rows = rows.with_columns(line_numbers(rows, None))  # no quotes: one line a row
        if short is None and may_have_short_lines(rows):
            # a short line reads as one with an empty last field: the file's field counts are
            # taken once, by pyarrow streaming from disk (record numbers are line numbers here)
            short = short_records(self.path, separator)
        if short:
            rows = rows.filter(~pl.col(LINE).is_in([line for line, _, _ in short]))
        rows = drop_blank_rows(rows)
        self.height += rows.height
        return TextTable(self.file, rows, "", self.kodning, separator, self.decimal), short

    # -- anything else, in copied pieces -----------------------------------------------

    def _copied(self, categorical: bool):
        encoding, found = _whole_file_bytes(self.path, self.file, self.settings.kodning)
        if any(p.is_error for p in found):
            yield self._refused(found)
            return
        self.kodning = encoding
        if found:
            yield None, found  # the undefined bytes' warning, once for the file
        short_lines: list[pl.DataFrame] = []
        header = b""
        data_lines = 0  # line breaks of the rows before this piece
        with self.path.open("rb") as handle:
            for first, piece in _pieces_of(handle, piece_size(self.path.stat().st_size)):
                if first:
                    header = piece[:_first_record_end(piece)]
                    raw = piece
                else:
                    raw = b"".join((header, piece))
                del piece
                offset = 0 if first else data_lines
                data_lines += raw.count(b"\n") - header.count(b"\n")
                table, problems = self._piece(raw, encoding, categorical, offset, short_lines)
                del raw
                if self.refusal is not None:
                    yield None, problems
                    return
                yield table, problems
        if short_lines:
            yield None, capped_shape_problems(pl.concat(short_lines), self.file)

    def _piece(self, raw: bytes, encoding: str, categorical: bool,
               offset: int, short_lines: list) -> tuple[TextTable | None, list[Problem]]:
        """One piece read as a whole file would be, its lines moved down by `offset`."""
        text = as_utf8(raw, encoding)  # its bytes were checked with the whole file's
        if not self.separator:
            self.separator = (self.settings.separator if self.settings.separator != "auto"
                              else detect_separator(text))
        problems, newlines = checked_text(text, raw, self.file, encoding, self.separator,
                                          undefined=False)
        if any(p.is_error for p in problems):
            return self._refused(_moved(problems, offset))
        parsed = parsed_rows(text, self.separator, categorical, newlines, self.file)
        if parsed.ragged:  # a line with more fields than the header: named in the whole file
            return self._refused(_ragged_on_disk(self.path, self.separator, self.file,
                                                 encoding))
        if parsed.rows is None:  # a header of patterns: only the first piece has it on line 1
            return self._refused(parsed.refusal)
        rows = parsed.rows
        if offset:
            rows = rows.with_columns(pl.col(LINE) + offset)
        short_lines.append(parsed.short.with_columns(pl.col(LINE) + offset))
        self.height += rows.height
        return TextTable(self.file, rows, "", encoding, self.separator, self.decimal), []


def _moved(problems: list[Problem], offset: int) -> list[Problem]:
    """A piece's problems at the file's line numbers."""
    if not offset:
        return problems
    return [replace(p, line=p.line + offset) if p.line is not None else p for p in problems]


def _first_record_end(piece: bytes) -> int:
    """The offset after the header record's line break (a quoted header name may hold one)."""
    end = piece.find(b"\n")
    while end >= 0 and piece.count(b'"', 0, end) % 2:
        end = piece.find(b"\n", end + 1)
    return end + 1 if end >= 0 else len(piece)


def _pieces_of(handle, size: int, cut=None) -> Iterator[tuple[bool, bytes]]:
    """(first?, bytes) pieces of about `size` bytes, each ending where `cut` says (by default
    after a line break outside quotes; the last piece at the end of the file)."""
    cut = cut or _cut
    carry = b""
    first = True
    while True:
        block = handle.read(size)
        if not block:
            if carry or first:
                yield first, carry
            return
        end = cut(block, carry.count(b'"') % 2)
        if end is None:  # no place to cut yet: the piece grows
            carry = b"".join((carry, block))
            continue
        piece = b"".join((carry, memoryview(block)[:end])) if carry else block[:end]
        carry = block[end:]
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


# -- the whole file's bytes, a window at a time ---------------------------------------


def _windows(path: Path) -> Iterator[bytes]:
    """The file's bytes, about WINDOW at a time, each ending after a line break (a UTF-8
    character is never cut). Read, not mapped: the pages of a mapped file would count in the
    process's memory until it is unmapped, the whole 4 GB of it."""
    with path.open("rb") as handle:
        for _, window in _pieces_of(handle, WINDOW, _after_line_break):
            if window:
                yield window


def _after_line_break(block: bytes, _quotes: int) -> int | None:
    return block.rfind(b"\n") + 1 or None


def _blank(path: Path) -> bool:
    """Only white space (read_csv's "filen är tom"); stops at the first window with text."""
    return all(window.isspace() for window in _windows(path))


def _plain(path: Path, settings: SourceSettings, head: bytes) -> tuple[str, int] | None:
    """(separator, lines) when Polars can parse the file from disk as it stands: no quote
    (then every line is one row), and ASCII, or UTF-8 without mojibake where kodning allows
    UTF-8. Else None. Stops at the first reason."""
    utf8 = settings.kodning in ("auto", "utf-8", "utf-8-sig")
    end = head.find(b"\n")
    if end < 0:
        return None
    separator = (settings.separator if settings.separator != "auto"
                 else detect_separator(head[:end + 1]))
    lines = 0
    for window in _windows(path):
        if b'"' in window:
            return None
        if not window.isascii():
            if not utf8 or not is_utf8(window) or DOUBLE_ENCODED.search(window):
                return None
        lines += window.count(b"\n")
    return separator, lines


def _whole_file_bytes(path: Path, file: str, kodning: str) -> tuple[str, list[Problem]]:
    """(encoding, problems) for the whole file, as read_csv decides them: the encoding from `kodning` or from whether the whole
    file is UTF-8; the first encoding error in the file; one warning for the bytes
    Windows-1252 leaves undefined."""
    if kodning == "auto":
        utf8 = all(window.isascii() or is_utf8(window) for window in _windows(path))
        encoding, checked_as = ("utf-8", "auto") if utf8 else ("cp1252", "cp1252")
    else:
        encoding = checked_as = kodning
    lines, undefined, first_undefined = 0, 0, None
    for window in _windows(path):
        _, refused = readable(window, file, checked_as)
        if refused:
            return encoding, _moved(refused, lines)
        if encoding == "cp1252":
            count, line = undefined_in(window)
            if count and first_undefined is None:
                first_undefined = lines + line
            undefined += count
        lines += window.count(b"\n")
    return encoding, undefined_warning(file, undefined, first_undefined)


def _scan(path: Path, separator: str, categorical: bool) -> pl.LazyFrame:
    """The lazy twin of csvtext.parsed_rows' read (glob=False: the name is a name)."""
    width = len(pl.scan_csv(path, separator=separator, infer_schema=False, glob=False
                            ).collect_schema())
    return pl.scan_csv(path, glob=False, **read_options(
        separator, [pl.Categorical] * width if categorical else None))


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _ragged_on_disk(path: Path, separator: str, file: str, encoding: str) -> list[Problem]:
    """csvtext.parsed_rows' refusal of the whole file, streamed from disk (only a broken file
    gets here)."""
    codec = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    with path.open(encoding=codec, errors="replace", newline="") as handle:
        return shape_problems_in(handle, separator, file)
