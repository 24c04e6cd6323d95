"""Text after a field's closing quote, `"1"5;...`: an error at its line, never a lost digit.

Polars' reader for Categorical columns (the load reads CSV that way, csvfile._read_text)
keeps `"1"5` as "1" without a word (1,00 kr where the file says 15), and cuts `"0,68"Á`
inside the character, leaving bytes that are not UTF-8. Its Utf8 reader refuses such a field,
as a CSV reader should. So a file whose bytes hold a quote between two other characters
(`x"5`: neither a separator, a line break nor another quote) is read once more with the Utf8
reader: if that refuses it, the first such place is an error. A quote inside an unquoted
field (`5" skärm`, `ab"c"d`) reads the same both ways and passes.

Only files with a quote are searched, byte by byte in numpy (0.1 s per 100 MB; Python's regex
takes 1 s): a file without quotes costs one memchr.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from kpb.errors import Problem, error

PIECE = 64 * 2**20
QUOTE, LF, CR = ord('"'), ord("\n"), ord("\r")


def text_after_quote(text: bytes, separator: str, file: str) -> list[Problem]:
    """An error at the first field with text after its closing quote, or nothing."""
    if b'"' not in text:
        return []
    found = _first_quote_between_characters(text, ord(separator))
    if found is None or _utf8_reader_accepts(text, separator):
        return []
    line = text.count(b"\n", 0, found) + 1
    return [error(file, line, None, "ett fält har tecken efter sitt avslutande citattecken "
                                    f'("1"5): väntade avgränsaren {separator!r} eller radslut '
                                    'direkt efter citattecknet (ett citattecken inuti ett fält '
                                    'skrivs dubbelt: "")')]


def _first_quote_between_characters(text: bytes, separator: int) -> int | None:
    """The offset of the first quote with neither a separator, a line break nor a quote on
    either side. Compared byte by byte in numpy, a piece at a time (pieces overlap by two)."""
    for start in range(0, len(text), PIECE):
        piece = np.frombuffer(text, np.uint8, min(PIECE + 2, len(text) - start), start)
        quotes = np.flatnonzero(piece[1:-1] == QUOTE) + 1  # then only their neighbours
        before, after = piece[quotes - 1], piece[quotes + 1]
        inside = ((before != separator) & (before != LF) & (before != QUOTE)
                  & (after != separator) & (after != LF) & (after != CR) & (after != QUOTE))
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
