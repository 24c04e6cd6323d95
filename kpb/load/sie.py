"""SIE 4 files -> ledger rows as text, with the line of each #TRANS / #PSALDO.

A SIE export holds tens of thousands of lines at most, so it is read line by line in Python;
the rows it yields then go through the same vectorised parsing as CSV (decimal point).

- `#FORMAT PC8` means code page 437 (also the default, kpb.toml `[sie] kodning`).
- `#TRANS konto {objektlista} belopp [transdat] ...` inside `#VER serie nr verdatum ... { }`
  becomes one row; its period comes from transdat, else from the verifikation's date.
  SIE 4 requires the object list, but real exports sometimes leave it out
  (`#TRANS 4010 1500.00 20240115`): when the third word is not `{...}` it is the amount.
  A #TRANS without an account and an amount is an error at its line, never dropped.
  `#RTRANS`/`#BTRANS` are ignored: SIE 4 writes every added row again as a plain `#TRANS`.
- `#PSALDO 0 period konto {objektlista} saldo` (year 0 only) is used only when the file has
  no `#TRANS` at all: both in one file describe the same money and would count it twice.
  Per period and account the rows with the same object types form one breakdown (the empty
  object list is the account total), and each describes the same money, so exactly one is
  used: the breakdown whose objects carry a dimension mapped in `[sie] dimensioner`, else the
  total; a breakdown on unmapped dimensions only is ignored in favour of the total, or, when
  there is no total, summed into one row at the line of its first row (the first such
  breakdown in file order). Two breakdowns carrying mapped dimensions (by dimension 1 and by
  dimension 20) cannot be combined: error.
- Objects `{1 "100" 20 "7310"}` map to dimensions through `[sie] dimensioner`; object types
  not named there are dropped (the amount itself is always kept).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import polars as pl

from kpb.errors import Problem, error
from kpb.load.textfile import LINE, TextTable, sha256
from kpb.project import DIMENSIONS, SieSettings

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\{([^}]*)\}|(\S+)')
COLUMNS = ("period", "konto", "belopp") + DIMENSIONS
# amounts that may be summed exactly in text: anything else is left to the parser to report
SUMMABLE = re.compile(r"^[+-]?[0-9]+(\.[0-9]{1,2})?$")


def read_sie(path: Path, file: str, settings: SieSettings, year: int
             ) -> tuple[TextTable | None, list[Problem]]:
    raw = path.read_bytes()
    encoding = "cp437" if re.search(rb"^#FORMAT\s+PC8", raw, re.M) else settings.kodning
    lines = raw.decode(encoding, errors="replace").splitlines()
    trans, saldo, problems = _records(lines, file, settings, year)
    if not trans:
        trans, more = _psaldo_rows(saldo, file)
        problems += more
    frame = pl.DataFrame(trans, schema={LINE: pl.Int64} | {c: pl.Utf8 for c in COLUMNS},
                         orient="row")
    return TextTable(file, frame, sha256(raw), encoding, "", ".", canonical_headers=True), problems


def tokens(line: str) -> list[str | tuple]:
    """Words and quoted strings as str, an object list as a tuple of its words."""
    found: list[str | tuple] = []
    for match in TOKEN.finditer(line):
        quoted, objects, word = match.groups()
        if objects is not None:
            found.append(tuple(tokens(objects)))
        elif quoted is not None:
            found.append(quoted.replace('\\"', '"'))
        else:
            found.append(word)
    return found


def _records(lines, file, settings, year):
    """Walk the file once: #TRANS rows (with their #VER date) and #PSALDO rows."""
    trans, saldo, problems = [], [], []
    ver_date = ""
    for number, line in enumerate(lines, start=1):
        words = tokens(line.strip())
        label = words[0] if words and isinstance(words[0], str) else ""
        if label == "#VER" and len(words) > 3:
            ver_date = words[3]
        elif label == "#TRANS":
            found = _trans_row(words, number, ver_date, settings)
            trans += [found] if found else []
            problems += [] if found else [_too_few(file, number, label)]
        elif label == "#PSALDO" and len(words) > 1 and words[1] == "0":
            found = _psaldo_row(words, number, settings)
            saldo += [found] if found else []
            problems += [] if found else [_too_few(file, number, label)]
        elif label == "#RAR" and len(words) > 3 and words[1] == "0":
            problems += _check_year(words, number, file, year)
    return trans, saldo, problems


def _split_objects(words: list, at: int) -> tuple[tuple, list] | None:
    """The object list at position `at` (`()` when left out) and the words after it.

    None when a word before it or the one after it is missing, or is itself `{...}`.
    """
    head = words[1:at]
    objects, rest = ((words[at], words[at + 1:]) if len(words) > at
                     and isinstance(words[at], tuple) else ((), words[at:]))
    if len(head) < at - 1 or not rest or not all(isinstance(w, str) for w in head + rest[:1]):
        return None
    return objects, rest


def _trans_row(words, line: int, ver_date: str, settings: SieSettings):
    split = _split_objects(words, 2)
    if split is None:
        return None
    objects, rest = split
    date = rest[1] if len(rest) > 1 and isinstance(rest[1], str) and rest[1] else ver_date
    return _row(line, date[:6], words[1], rest[0], objects, settings)


def _psaldo_row(words, line: int, settings: SieSettings):
    """(row, the row's object types, whether one of them is a mapped dimension), or None."""
    split = _split_objects(words, 4)
    if split is None:
        return None
    objects, rest = split
    types = tuple(sorted({n for n, _ in _pairs(objects)}))
    mapped = any(n.isdigit() and int(n) in settings.dimensioner for n in types)
    return _row(line, words[2], words[3], rest[0], objects, settings), types, mapped


EXPECTED = {"#TRANS": "#TRANS konto {objektlista} belopp [transdat]",
            "#PSALDO": "#PSALDO 0 period konto {objektlista} saldo"}


def _too_few(file: str, line: int, label: str) -> Problem:
    return error(file, line, label, f"fann för få fält: väntade {EXPECTED[label]}")


def _row(line: int, period: str, konto: str, belopp: str, objects, settings: SieSettings):
    dims = {settings.dimensioner.get(int(n)): obj for n, obj in _pairs(objects)
            if n.isdigit() and int(n) in settings.dimensioner}
    return (line, period, konto, belopp) + tuple(dims.get(d, "") for d in DIMENSIONS)


def _pairs(objects) -> list[tuple[str, str]]:
    items = list(objects) if isinstance(objects, tuple) else []
    return list(zip(items[0::2], items[1::2]))


def _check_year(words, line: int, file: str, year: int) -> list[Problem]:
    start, end = words[2][:4], words[3][:4]
    if str(year) in (start, end):
        return []
    return [error(file, line, "#RAR", f"fann räkenskapsåret {words[2]}-{words[3]}: "
                                      f"väntade ett år som omfattar {year}")]


def _psaldo_rows(saldo, file: str):
    """Per period and account the one breakdown (or total) that holds its money once."""
    by_account: dict[tuple, dict[tuple, tuple[bool, list]]] = {}
    for row, types, mapped in saldo:
        breakdowns = by_account.setdefault((row[1], row[2]), {})
        breakdowns.setdefault(types, (mapped, []))[1].append(row)
    rows, problems = [], []
    for (period, konto), breakdowns in by_account.items():
        mapped = [found for found in breakdowns.values() if found[0]]
        if len(mapped) > 1:
            problems.append(error(file, mapped[1][1][0][0], "#PSALDO", f"konto {konto} "
                                  f"period {period} är uppdelat på flera olika dimensioner: "
                                  "väntade en uppdelning"))
        rows += _money_once(breakdowns, mapped)
    return sorted(rows), problems


def _money_once(breakdowns: dict, mapped: list) -> list[tuple]:
    """The mapped breakdown, else the total, else the first unmapped breakdown summed."""
    if mapped:
        return mapped[0][1]
    if () in breakdowns:
        return breakdowns[()][1]
    return _summed(next(iter(breakdowns.values()))[1])


def _summed(rows: list[tuple]) -> list[tuple]:
    """One row with the exact sum, at the first row's line; its dimensions are all unmapped.

    An amount that is not a plain number is left in its own row for the parser to report.
    """
    if not all(SUMMABLE.match(row[3]) for row in rows):
        return rows
    total = sum((Decimal(row[3]) for row in rows), Decimal(0))
    return [rows[0][:3] + (format(total, "f"),) + rows[0][4:]]
