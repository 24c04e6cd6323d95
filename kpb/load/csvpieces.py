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

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import polars as pl

from kpb.errors import Problem
from kpb.load.csvfile import (
    BOM,
    HASHING,
    as_utf8,
    checked_text,
    detect_encoding,
    detect_separator,
    parsed_rows,
)
from kpb.load.encodings import _is_utf8, _wide_encoding, readable
from kpb.load.textfile import LINE, TextTable
from kpb.project import SourceSettings

# At most this many bytes a piece: the read's memory is about twice a piece, whatever the
# file's size (2.1-2.5 GiB for the 1.1 GB export of a city of 1M invånare, read whole).
PIECE_BYTES = 1280 * 2**20


class ReadWhole(Exception):
    """The file cannot be cut (a byte order mark, UTF-16/32): read it whole instead."""


class _NotUtf8(Exception):
    """A later piece is not UTF-8 although the first was: the file is Windows-1252."""


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
        kodning = self.settings.kodning
        while True:
            try:
                yield from self._pieces(kodning, categorical)
                return
            except _NotUtf8:
                kodning = "cp1252"  # as detect_encoding decides for the whole file

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
                    encoding = kodning if kodning != "auto" else detect_encoding(piece)
                    header = piece[:piece.find(b"\n") + 1]
                    raw = piece
                elif kodning == "auto" and encoding == "utf-8" and not (
                        piece.isascii() or _is_utf8(piece)):
                    raise _NotUtf8
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


