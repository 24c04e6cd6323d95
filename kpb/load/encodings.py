"""A CSV file's bytes before they are read: UTF-16 and UTF-32 recognised, mixed and broken
encodings named with their line.

- UTF-16 and UTF-32 (a byte order mark, or without one the NUL bytes every ASCII character
  then carries) are decoded and handed on as UTF-8, whatever `kodning` says: such a file read
  byte by byte would be every other character NUL. A byte sequence that is not valid in them
  is an error with its line.
- `kodning = "utf-8"`, or a UTF-8 byte order mark: a byte that is not UTF-8 is an error with
  its line and the fix (never handed on: Polars would keep it inside a string).
- A file read as a one-byte encoding (Windows-1252, detected or set; cp437; latin-1) that
  holds UTF-8 sequences (`Ã¤` where `ä` was meant) is "blandad teckenkodning", an error at the
  first such line: those rows would otherwise carry `HemtjÃ¤nst` and match no rule.
- A UTF-8 file that holds the same mojibake already decoded (`Ã¤` saved as UTF-8: a file
  converted twice) is the same error.

A file of plain ASCII, the common case, is passed on after one fast check.
"""

from __future__ import annotations

import re

from kpb.errors import Problem, error

UTF8_BOM = b"\xef\xbb\xbf"
# a UTF-32 BOM starts like a UTF-16 one: the longer ones first
WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
             (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
SAMPLE = 4096
# UTF-8 of U+0080-U+00FF (å ä ö é ...) and of the dashes, quotes and € (U+2000-U+20FF)
UTF8_SEQUENCE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")
# the same characters encoded twice: "Ã" followed by another of them, all as UTF-8
DOUBLE_ENCODED = re.compile(rb"\xc3\x83(?:\xc2[\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf])")
ONE_BYTE = {"cp1252": "Windows-1252", "cp437": "cp437 (PC8)", "latin-1": "latin-1"}


def readable(raw: bytes, file: str, kodning: str) -> tuple[bytes, list[Problem]]:
    """The bytes the CSV reader should read (UTF-8 for a wide encoding), or errors."""
    wide = wide_encoding(raw)
    if wide is not None:
        return _from_wide(raw, file, wide)
    if raw.isascii():
        return raw, []
    if kodning in ("utf-8", "utf-8-sig") or raw.startswith(UTF8_BOM):  # the BOM says UTF-8
        said = "kodning i kpb.toml" if kodning != "auto" else "filens BOM (byte order mark)"
        return raw, _invalid_utf8(raw, file, said) + _double_encoded(raw, file)
    if kodning == "auto" and is_utf8(raw):
        return raw, _double_encoded(raw, file)
    return raw, _mixed(raw, file, ONE_BYTE.get(kodning, "Windows-1252"))


def wide_encoding(raw: bytes) -> str | None:
    """The Python codec of a UTF-16 or UTF-32 file, or None."""
    if raw.startswith(UTF8_BOM):
        return None
    for bom, codec in WIDE_BOMS:
        if raw.startswith(bom):
            return codec
    sample = raw[:SAMPLE - SAMPLE % 4]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    nul = [sample[offset::4].count(0) / (len(sample) // 4) for offset in range(4)]
    if min(nul[1:]) > 0.9:
        return "utf-32-le"
    if min(nul[:3]) > 0.9:
        return "utf-32-be"
    if min(nul[1], nul[3]) > 0.7 and max(nul[0], nul[2]) < 0.3:
        return "utf-16-le"
    if min(nul[0], nul[2]) > 0.7 and max(nul[1], nul[3]) < 0.3:
        return "utf-16-be"
    return None


def _from_wide(raw: bytes, file: str, codec: str) -> tuple[bytes, list[Problem]]:
    try:
        return raw.decode(codec).encode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[:exc.start - exc.start % (4 if "32" in codec else 2)]
        line = before.decode(codec, errors="replace").count("\n") + 1
        name = codec.split("-")[0].upper() + "-" + codec.split("-")[1]
        return raw, [error(file, line, None, f"ogiltig {name}-kodning ({exc.reason}): väntade "
                           f"en hel {name}-fil (spara om exporten som UTF-8)")]


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _invalid_utf8(raw: bytes, file: str, said: str) -> list[Problem]:
    try:
        raw.decode("utf-8")
        return []
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return [error(file, _line(raw, exc.start), None,
                      f"byten 0x{byte:02X} är inte UTF-8: väntade UTF-8 som {said} säger "
                      "(spara om filen som UTF-8, eller ändra kodning i kpb.toml, t.ex. till "
                      '"cp1252")')]


def _mixed(raw: bytes, file: str, encoding: str) -> list[Problem]:
    found = _first_utf8_sequence(raw)
    if found is None:
        return []
    shown = raw[found.start():found.end()].decode("utf-8")
    as_read = raw[found.start():found.end()].decode("cp1252", errors="replace")
    return [error(file, _line(raw, found.start()), None,
                  f"blandad teckenkodning: filen läses som {encoding} men raden har UTF-8 "
                  f"({as_read!r} där det står {shown!r} i UTF-8): väntade en kodning i hela "
                  "filen (spara om exporten som UTF-8 eller som Windows-1252)")]


def _first_utf8_sequence(raw: bytes) -> re.Match | None:
    """UTF8_SEQUENCE's first match. A regex that starts with a class scans a 100 MB file in
    0.7 s; the lead bytes (Â Ã â in Windows-1252, rare in real text) are found at C speed."""
    found = []
    for lead in (b"\xc2", b"\xc3", b"\xe2"):
        position = raw.find(lead)
        while position >= 0:
            match = UTF8_SEQUENCE.match(raw, position)
            if match:
                found.append(match)
                break
            position = raw.find(lead, position + 1)
    return min(found, key=lambda match: match.start(), default=None)


def _double_encoded(raw: bytes, file: str) -> list[Problem]:
    found = DOUBLE_ENCODED.search(raw)
    if found is None:
        return []
    shown = raw[found.start():found.end()].decode("utf-8")
    return [error(file, _line(raw, found.start()), None,
                  f"blandad teckenkodning: {shown!r} är ett tecken som kodats två gånger "
                  f"(UTF-8 läst som Windows-1252 och sparat igen): väntade "
                  f"{shown.encode('cp1252', errors='replace').decode('utf-8', errors='replace')!r} (spara om "
                  "exporten direkt från källsystemet)")]


def _line(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1
