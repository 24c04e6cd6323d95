"""Fuzz: random CSV shapes, damaged CSV files and random bytes as a project's ledger.

Whatever the file holds, the load either fails with errors that name the file (and the line
where the problem is in a row), or succeeds with a ledger whose total equals an independent
sum of the file: the amounts the test wrote, or, for damaged files, Python's csv module and
Decimal over the file as kpb says it read it (encoding and separator from inlast_fil).
Lines end in LF, CRLF or CR alone.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpb.errors import KpbError
from kpb.load import load_year
from kpb.project import Project

FILE = "data/2024/ledger/hb.csv"
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
KONTON = ["3010", "4010", "5010", "5611"]
TEXT = "abcxyzåäöÅÄÖé –;,|\t\"' 0123"
WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252") + WIDE


def project(tmp_path: Path, content: bytes, toml: str = "") -> Project:
    (tmp_path / "kpb.toml").write_text('kommun = "Fuzzby"\n' + toml, encoding="utf-8")
    folder = tmp_path / "data" / "2024" / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hb.csv").write_bytes(content)
    return Project.open(tmp_path)


def load(tmp_path: Path, content: bytes, toml: str = ""):
    """(loaded, None) or (None, errors)."""
    try:
        return load_year(project(tmp_path, content, toml), 2024), None
    except KpbError as failure:
        return None, failure.errors


def assert_located(errors) -> None:
    assert errors, "a failed load names at least one error"
    assert all(error.file == FILE for error in errors), [str(e) for e in errors]
    # a problem with a value in a row (it names a column other than the header's) has a line
    assert all(error.line is not None for error in errors if error.column), [
        str(e) for e in errors]


@st.composite
def amounts(draw, decimal: str, wide: bool):
    """(text as an export writes it, öre)."""
    ore = draw(st.integers(-10**13, 10**13))
    whole, cents = divmod(abs(ore), 100)
    digits = f"{whole:,}".replace(",", draw(st.sampled_from(["", " ", "\u00a0"])))
    mark = "," if decimal == "," else "."
    tail = draw(st.sampled_from(["full", "short"])) if cents % 10 == 0 else "full"
    fraction = ("" if cents == 0 and tail == "short" else
                f"{mark}{cents // 10}" if tail == "short" else f"{mark}{cents:02}")
    minus = draw(st.sampled_from(["-", "\u2212"] if wide else ["-"]))
    return f"{minus if ore < 0 else ''}{digits}{fraction}", ore


@st.composite
def csv_files(draw):
    """(bytes, kpb.toml, öre total, the line of a row with the wrong field count or None,
    the encoding)."""
    encoding = draw(st.sampled_from(ENCODINGS))
    separator = draw(st.sampled_from([";", ",", "\t", "|"]))
    decimal = draw(st.sampled_from([",", "."]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))  # \r alone: old Mac exports
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, quoting=quoting, lineterminator=newline)
    writer.writerow(["period", "konto", "ansvar", "belopp"])
    line, total, ragged = 1, 0, None
    for _ in range(draw(st.integers(1, 8))):
        while draw(st.integers(0, 4)) == 4:  # blank lines, sometimes
            out.write(newline)
            line += 1
        text, ore = draw(amounts(decimal, encoding in WIDE))
        ansvar = draw(st.text(TEXT, max_size=12))
        row = [f"2024{draw(st.integers(1, 12)):02}", draw(st.sampled_from(KONTON)), ansvar, text]
        shape = draw(st.sampled_from(["ok"] * 12 + ["short", "long"]))
        if shape != "ok" and ragged is None:
            row = row[:-1] if shape == "short" else row + ["extra"]
            ragged = line + 1
        writer.writerow(row)
        line += 1
        total += ore
    toml = f'[kalla.ledger]\ndecimal = "{decimal}"\n' if draw(st.booleans()) else ""
    return out.getvalue().encode(encoding), toml, total, ragged, encoding


@FUZZ
@given(case=csv_files())
def test_random_csv_shapes_load_their_exact_total_or_fail_at_the_ragged_line(tmp_path, case):
    content, toml, total, ragged, _ = case
    loaded, errors = load(tmp_path, content, toml)
    if ragged is not None:
        assert errors is not None, "a row with the wrong number of fields must not load"
        assert_located(errors)
        assert ragged in {error.line for error in errors}, [str(e) for e in errors]
        return
    if errors is not None:  # only an ansvar that happens to be a personnummer may fail
        assert all("personnummer" in error.message for error in errors), [
            str(e) for e in errors]
        assert_located(errors)
        return
    assert loaded.ledger["belopp_ore"].sum() == total


def independent_total(content: bytes, files, written: str | None = None) -> int:
    """The file's belopp summed by csv and Decimal, read as kpb says it read it (UTF-16 and
    UTF-32 files are recorded as the UTF-8 kpb made of them: read in the encoding the test
    wrote, little-endian when the damage took the byte order mark)."""
    kodning, separator = files["kodning"][0], files["separator"][0]
    if written in WIDE:
        kept_bom = content.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
        kodning = written if written.endswith(("le", "be")) or kept_bom else written + "-le"
    text = content.decode("utf-8-sig" if kodning.startswith("utf-8") else kodning,
                          errors="strict" if written in WIDE else "replace")
    # a text without \n has lines that end in \r alone (csvtext.line_ends); otherwise the
    # reader ends records at \n (or \r\n) only: a lone \r is part of a field, where the
    # csv module would end the record; \x0b is as inert to csv and as strippable as \r
    text = text.replace("\r", "\n") if "\n" not in text else re.sub("\r(?!\n)", "\x0b", text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    header = [name.strip().casefold() for name in rows[0]]
    column = header.index("belopp")
    total = Decimal(0)
    for row in rows[1:]:
        if any(field.strip() for field in row):
            number = re.sub("[ \u00a0\u202f]", "", row[column].strip()).replace("\u2212", "-")
            total += Decimal(number.replace(",", "."))
    return int(total * 100)


@FUZZ
@given(case=csv_files(), changes=st.lists(st.tuples(st.integers(0, 10**6), st.binary(
    min_size=0, max_size=3)), min_size=1, max_size=3))
def test_a_damaged_csv_file_loads_what_it_says_or_fails_at_a_place(tmp_path, case, changes):
    content, toml, _, _, written = case
    for position, replacement in changes:  # bytes replaced, removed or inserted
        at = position % (len(content) + 1)
        content = content[:at] + replacement + content[at + 1:]
    loaded, errors = load(tmp_path, content, toml)
    if errors is not None:
        assert_located(errors)
    else:
        assert loaded.ledger["belopp_ore"].sum() == independent_total(content, loaded.files,
                                                                      written)


@FUZZ
@given(content=st.binary(max_size=2000))
def test_random_bytes_as_a_csv_ledger_are_a_located_error(tmp_path, content):
    loaded, errors = load(tmp_path, content)
    if errors is None:  # only bytes that happen to form a ledger header and rows can load
        assert loaded.ledger["belopp_ore"].sum() == independent_total(content, loaded.files)
    else:
        assert_located(errors)
