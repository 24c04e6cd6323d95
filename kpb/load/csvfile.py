"""CSV exports read as text with Polars: encoding and separator detected, lines numbered.

Encoding: UTF-8 (with or without BOM) when the bytes decode as UTF-8, else Windows-1252,
unless kpb.toml sets `kodning`. Separator: the most frequent of ; , tab | in the header line
(ties go to ;), unless set. Lines end in LF, CRLF, or CR alone (old Mac exports). Every value
stays text here; parse.py turns it into numbers.

Nothing is coerced silently: a line with more or fewer fields than the header is an error
(Polars pads short lines with empty values, so those are found with a second, streaming parse), and
bytes Windows-1252 leaves undefined are a warning (they are read as U+FFFD).

The file is read from disk once: its bytes are hashed, checked and parsed where they are.
(A file larger than one piece is read by csvpieces.py; what both readers share, csvtext.py.)
"""

from __future__ import annotations

from pathlib import Path

from kpb.errors import Problem, error
from kpb.load.csvtext import (
    EMPTY,
    HASHING,
    as_utf8,
    capped_shape_problems,
    checked_text,
    detect_encoding,
    detect_separator,
    line_ends,
    parsed_rows,
    shape_problems,
)
from kpb.load.encodings import readable, wide_encoding
from kpb.load.textfile import TextTable, sha256
from kpb.project import SourceSettings


def read_csv(path: Path, file: str, settings: SourceSettings, categorical: bool = False
             ) -> tuple[TextTable | None, list[Problem]]:
    """`categorical`: columns as Categorical (the load types each distinct spelling once);
    otherwise Utf8, for readers that take the text as it is (kolada)."""
    original = path.read_bytes()  # the one read of the file
    # CR line ends become LF before the encoding checks, so their messages name the line;
    # a UTF-16/32 file's only once it is UTF-8 (a CR byte may be half of its characters)
    wide = wide_encoding(original) is not None
    raw, refused = readable(original if wide else line_ends(original), file,
                            settings.kodning)  # encodings.py
    if refused:
        return None, refused
    # the file's bytes; a UTF-16/32 file's as the UTF-8 it was converted to (formats.md §2).
    # Hashed beside the parse: hashlib lets go of the GIL
    digest = HASHING.submit(sha256, raw if wide else original)
    raw = line_ends(raw)
    encoding = settings.kodning if settings.kodning != "auto" else detect_encoding(raw)
    text = as_utf8(raw, encoding)
    if not text or text.isspace():  # not strip(): that would copy a 1 GB file
        return None, [error(file, None, None, EMPTY)]
    separator = settings.separator if settings.separator != "auto" else detect_separator(text)
    problems, newlines = checked_text(text, raw, file, encoding, separator)
    if problems and any(p.is_error for p in problems):
        return None, problems
    del raw, original  # the text is kept (the same bytes when they were UTF-8 already)
    parsed = parsed_rows(text, separator, categorical, newlines, file)
    if parsed.ragged:
        return None, shape_problems(text, separator, file)
    if parsed.rows is None:
        return None, parsed.refusal
    table = TextTable(file, parsed.rows, digest.result(), encoding, separator,
                      settings.decimal)
    return table, problems + capped_shape_problems(parsed.short, file)
