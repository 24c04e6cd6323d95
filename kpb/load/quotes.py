"""Text after a field's closing quote, `"1"5;...`, or a quote never closed (`"12` at the end
of the file): an error at its line, never a lost digit.

Polars' reader for Categorical columns (the load reads CSV that way, csvtext.parsed_rows)
keeps `"1"5` as "1" without a word (1,00 kr where the file says 15), and cuts `"0,68"Á`
inside the character, leaving bytes that are not UTF-8. Its Utf8 reader refuses such a field,
as a CSV reader should. So a file whose bytes hold a quote between two other characters
(`x"5`: neither a separator, a line break nor another quote) is read once more with the Utf8
reader: if that refuses it, the first such place is an error. The same reader decides for a
file whose quotes do not pair up: the Categorical reader reads a last field `"12` as "1". A
quote inside an unquoted field (`Rum "Norr" 2`) reads the same both ways and passes.

Only files with a quote are searched, byte by byte in numpy, 1 MB at a time (0.12 s per
100 MB of a fully quoted file; Python's regex takes 1 s): a file without quotes costs one
memchr.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import polars as pl

from kpb.errors import Problem, error

PIECE = 2**20  # pieces that stay in the cache: 8x faster than 64 MB ones
QUOTE, LF, CR = ord('"'), ord("\n"), ord("\r")


def text_after_quote(text: bytes, separator: str, file: str) -> list[Problem]:
    """An error at the first field with text after its closing quote, or at a quote that is
    never closed; nothing for a file the Utf8 reader reads."""
    if b'"' not in text:
        return []
    found = _first_quote_between_characters(text, ord(separator))
    unbalanced = text.count(b'"') % 2 == 1
    if (found is None and not unbalanced) or _utf8_reader_accepts(text, separator):
        return []
    if found is not None:
        return [error(file, text.count(b"\n", 0, found) + 1, None,
                      "ett fält har tecken efter sitt avslutande citattecken "
                      f'("1"5): väntade avgränsaren {separator!r} eller radslut direkt efter '
                      'citattecknet (ett citattecken inuti ett fält skrivs dubbelt: "")')]
    return [error(file, _unclosed_line(text, separator), None,
                  'ett citattecken stängs aldrig ("12 utan avslutande "): väntade ett " i slutet '
                  'av fältet (ett citattecken inuti ett fält skrivs dubbelt: "")')]


def _unclosed_line(text: bytes, separator: str) -> int | None:
    """The line where the csv module finds the file ending inside a quoted field."""
    reader = csv.reader(io.StringIO(text.decode("utf-8", errors="replace"), newline=""),
                        delimiter=separator, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error:
        return reader.line_num
    return None


def _first_quote_between_characters(text: bytes, separator: int) -> int | None:
    """The offset of the first quote with neither a separator, a line break nor a quote on
    either side (a CR not followed by LF counts as text: the Categorical reader trips on it). Compared byte by byte in numpy, a piece at a time (pieces overlap by two)."""
    for start in range(0, len(text), PIECE):
        chunk = text[start:start + PIECE + 3]  # a copy of one piece, never of the whole file
        if start + PIECE + 3 >= len(text):
            chunk += b"\n\n"  # after the end of the file: every quote has two bytes after it
        piece = np.frombuffer(chunk, np.uint8)
        quotes = np.flatnonzero(piece[1:-2] == QUOTE) + 1  # then only their neighbours
        before, after, second = piece[quotes - 1], piece[quotes + 1], piece[quotes + 2]
        ends_line = (after == LF) | ((after == CR) & (second == LF))  # a lone CR is no end
        inside = ((before != separator) & (before != LF) & (before != QUOTE)
                  & (after != separator) & ~ends_line & (after != QUOTE))
        hits = quotes[inside]
        if hits.size:
            return start + int(hits[0])
    return None


def _utf8_reader_accepts(text: bytes, separator: str) -> bool:
    try:
        pl.read_csv(text, separator=separator, infer_schema=False, has_header=True)
        return True
    except pl.exceptions.PolarsError:
        return False
