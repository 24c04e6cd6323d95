"""SIE 4 files -> ledger rows as text, with the line of each #TRANS / #PSALDO.

A SIE export holds tens of thousands of lines at most, so it is read line by line in Python;
the rows it yields then go through the same vectorised parsing as CSV (decimal point).

- `#FORMAT PC8` means code page 437 (also the default, kpb.toml `[sie] kodning`).
- `#TRANS konto {objektlista} belopp [transdat] ...` inside `#VER serie nr verdatum ... { }`
  becomes one row; its period comes from transdat, else from the verifikation's date.
  `#RTRANS`/`#BTRANS` are ignored: SIE 4 writes every added row again as a plain `#TRANS`.
- `#PSALDO 0 period konto {objektlista} saldo` (year 0 only) is used only when the file has
  no `#TRANS` at all: both in one file describe the same money and would count it twice.
  PSALDO rows with an empty object list are account totals, rows with objects break those
  totals down; per period and account the breakdown is used when it exists. Two different
  breakdowns of one account (by dimension 1 and by dimension 20) cannot be combined: error.
- Objects `{1 "100" 20 "7310"}` map to dimensions through `[sie] dimensioner`; object types
  not named there are dropped (the amount itself is always kept).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from kpb.errors import Problem, error
from kpb.load.textfile import LINE, TextTable, sha256
from kpb.project import DIMENSIONS, SieSettings

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\{([^}]*)\}|(\S+)')
COLUMNS = ("period", "konto", "belopp") + DIMENSIONS


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
        elif label == "#TRANS" and len(words) > 3:
            date = words[4] if len(words) > 4 and words[4] else ver_date
            trans.append(_row(number, date[:6], words[1], words[3], words[2], settings))
        elif label == "#PSALDO" and len(words) > 5 and words[1] == "0":
            saldo.append((_row(number, words[2], words[3], words[5], words[4], settings),
                          _dimension_set(words[4], settings)))
        elif label == "#RAR" and len(words) > 3 and words[1] == "0":
            problems += _check_year(words, number, file, year)
    return trans, saldo, problems


def _row(line: int, period: str, konto: str, belopp: str, objects, settings: SieSettings):
    dims = {settings.dimensioner.get(int(n)): obj for n, obj in _pairs(objects)
            if n.isdigit() and int(n) in settings.dimensioner}
    return (line, period, konto, belopp) + tuple(dims.get(d, "") for d in DIMENSIONS)


def _pairs(objects) -> list[tuple[str, str]]:
    items = list(objects) if isinstance(objects, tuple) else []
    return list(zip(items[0::2], items[1::2]))


def _dimension_set(objects, settings: SieSettings) -> tuple[int, ...]:
    return tuple(sorted(int(n) for n, _ in _pairs(objects)
                        if n.isdigit() and int(n) in settings.dimensioner))


def _check_year(words, line: int, file: str, year: int) -> list[Problem]:
    start, end = words[2][:4], words[3][:4]
    if str(year) in (start, end):
        return []
    return [error(file, line, "#RAR", f"fann räkenskapsåret {words[2]}-{words[3]}: "
                                      f"väntade ett år som omfattar {year}")]


def _psaldo_rows(saldo, file: str):
    """Per period and account: the breakdown by objects if there is one, else the total."""
    by_account: dict[tuple, dict[tuple, list]] = {}
    for row, dims in saldo:
        by_account.setdefault((row[1], row[2]), {}).setdefault(dims, []).append(row)
    rows, problems = [], []
    for (period, konto), breakdowns in by_account.items():
        detailed = [d for d in breakdowns if d]
        if len(detailed) > 1:
            line = breakdowns[detailed[1]][0][0]
            problems.append(error(file, line, "#PSALDO", f"konto {konto} period {period} är "
                                  "uppdelat på flera olika dimensioner: väntade en uppdelning"))
        rows += breakdowns[detailed[0]] if detailed else breakdowns[()]
    return sorted(rows), problems
