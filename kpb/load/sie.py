"""SIE files (types 2, 3 and 4) -> ledger rows as text, with the line of each #TRANS / #PSALDO.

A SIE export holds tens of thousands of lines at most, so it is read line by line in Python;
the rows it yields then go through the same vectorised parsing as CSV (decimal point).

- Encoding by content: UTF-8 when the bytes decode as UTF-8 (several programs write UTF-8
  under `#FORMAT PC8`), else code page 437 (PC8, what the standard prescribes). `[sie]
  kodning` in kpb.toml, when set, wins over both.
- Labels are read whatever their case (`#trans`, `#Trans` are `#TRANS`).
- `#TRANS konto {objektlista} belopp [transdat] ...` inside `#VER serie nr verdatum ... { }`
  becomes one row; its period comes from transdat, else from the verifikation's date. A
  transdat that is not ÅÅÅÅMMDD (or `""`) is an error naming it. An amount written with
  spaces and without quotes (`1 000.00`) splits into fields: it is an error about the
  amount, in #TRANS and #PSALDO alike, never read as `1` (a quoted "1 000.00" is read).
  SIE 4 requires the object list, but real exports sometimes leave it out
  (`#TRANS 4010 1500.00 20240115`): when the third word is not `{...}` it is the amount.
  A #TRANS without an account and an amount, a #TRANS outside a verifikation, a #VER
  without a date (ÅÅÅÅMMDD: never the previous voucher's) and a #VER that never closes are
  errors at their line; verifikationer whose #TRANS do not sum to zero are one warning (at
  the first of them, with their count).
  `#RTRANS`/`#BTRANS` are ignored: SIE 4 writes every added row again as a plain `#TRANS`.
- `#PSALDO 0 period konto {objektlista} saldo` (year 0 only) is used only when the file has
  no `#TRANS` at all: both in one file describe the same money and would count it twice.
  `#PBUDGET` is budget, not outcome, and is never read. See `_account_rows` for how object
  lists become rows (SIE 4B: `{}` is the account total, object rows a breakdown of it).
- Objects `{1 "100" 20 "7310"}` map to dimensions through `[sie] dimensioner`; object types
  not named there are dropped (the amount itself is always kept).
- SIE 5 (XML), SIE type 1 (yearly balances only) and files that hold no #TRANS and no
  #PSALDO (an HTML page saved as .se) are refused by name.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import polars as pl

from kpb.errors import Problem, error, warning
from kpb.load.sie_balances import SUMMABLE, kronor, psaldo_rows
from kpb.load.textfile import LINE, TextTable, sha256
from kpb.project import DIMENSIONS, SieSettings

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\{([^}]*)\}|(\S+)')
COLUMNS = ("period", "konto", "belopp") + DIMENSIONS
DATE = re.compile(r"^[0-9]{8}$")
GROUP_HEAD = re.compile(r"[+-]?[0-9]{1,3}")  # the first group of an amount split by spaces
GROUP = re.compile(r"[0-9]{3}(?:\.[0-9]*)?")  # a later group, the last with the decimals
UTF8_BOM = b"\xef\xbb\xbf"


def read_sie(path: Path, file: str, settings: SieSettings, year: int
             ) -> tuple[TextTable | None, list[Problem]]:
    raw = path.read_bytes()
    refused = _refused_format(raw, file)
    if refused:
        return None, [refused]
    encoding = _encoding(raw, settings)
    lines = raw.decode(encoding, errors="replace").splitlines()
    trans, saldo, problems = _records(lines, file, settings, year)
    if not trans and not saldo and not any(p.is_error for p in problems):
        problems.append(error(file, None, None, "filen innehåller inga #TRANS- eller "
                              "#PSALDO-rader: väntade en SIE-fil av typ 4 (verifikationer) "
                              "eller typ 2/3 (periodsaldon)"))
    if not trans:
        trans, more = psaldo_rows(saldo, file, settings)
        problems += more
    frame = pl.DataFrame(trans, schema={LINE: pl.Int64} | {c: pl.Utf8 for c in COLUMNS},
                         orient="row")
    return TextTable(file, frame, sha256(raw), encoding, "", ".", canonical_headers=True), problems


def _refused_format(raw: bytes, file: str) -> Problem | None:
    """SIE 5 is XML and SIE 1 holds yearly balances only: both named, neither guessed at."""
    head = raw[:4096].removeprefix(UTF8_BOM).lstrip()
    if head.startswith(b"<"):
        if re.search(rb"<Sie[\s>]|sie\.se/sie-5", head):
            return error(file, None, None, "är SIE 5 (XML), som kpb inte läser: väntade SIE 4 "
                                           "(exportera typ 4E) eller SIE 3")
        return error(file, None, None, "är ingen SIE-fil (den börjar med '<', som HTML eller "
                                       "XML): väntade rader som #FLAGGA, #VER och #TRANS")
    found = re.search(rb"^[ \t]*#SIETYP[ \t]+1\b", raw, re.M | re.I)
    if found:
        line = raw[:found.start()].count(b"\n") + 1
        return error(file, line, "#SIETYP", "SIE typ 1 har bara årssaldon: väntade SIE 4 "
                                            "(verifikationer) eller typ 2/3 (periodsaldon)")
    return None


def _encoding(raw: bytes, settings: SieSettings) -> str:
    if settings.kodning != "auto":
        return settings.kodning
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp437"
    return "utf-8-sig" if raw.startswith(UTF8_BOM) else "utf-8"


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


class _Voucher:
    """The #VER being read: its line, date, whether `{` opened it, its #TRANS amounts."""

    def __init__(self, line: int, date: str, is_open: bool):
        self.line, self.date, self.is_open, self.amounts = line, date, is_open, []


def _records(lines, file, settings, year):
    """Walk the file once: #TRANS rows (with their #VER date) and #PSALDO rows."""
    trans, saldo, problems, unbalanced = [], [], [], []
    voucher: _Voucher | None = None
    for number, line in enumerate(lines, start=1):
        words = tokens(line.strip())
        # labels are read whatever their case: `#trans` and `#Trans` are `#TRANS`
        label = words[0].upper() if words and isinstance(words[0], str) else ""
        if label == "#VER":
            problems += _unclosed(voucher, file)
            voucher, found = _voucher(words, number, file)
            problems += found
        elif label == "{" and voucher is not None:
            voucher.is_open = True
        elif label == "}" and voucher is not None:
            unbalanced += [found] if (found := _unbalanced(voucher)) else []
            voucher = None
        elif label == "#TRANS":
            problems += _trans(words, number, voucher, file, settings, trans)
        elif label == "#PSALDO" and len(words) > 1 and words[1] == "0":
            found = _psaldo_row(words, number, settings)
            if isinstance(found, Problem):
                problems.append(replace(found, file=file))
            else:
                saldo += [found] if found else []
                problems += [] if found else [_too_few(file, number, label)]
        elif label == "#RAR" and len(words) > 3 and words[1] == "0":
            problems += _check_year(words, number, file, year)
    problems += _unclosed(voucher, file) + _unbalanced_warning(file, unbalanced)
    return trans, saldo, problems


def _voucher(words, line: int, file: str) -> tuple[_Voucher, list[Problem]]:
    date = words[3] if len(words) > 3 and isinstance(words[3], str) else ""
    voucher = _Voucher(line, date if _is_date(date) else "", words[-1] == "{")
    if _is_date(date):
        return voucher, []
    found = f"fann {date!r}" if date else "fann inget datum"
    return voucher, [error(file, line, "#VER", f"{found}: väntade #VER serie nr verdatum "
                                               "med datumet som ÅÅÅÅMMDD")]


def _is_date(text: str) -> bool:
    """ÅÅÅÅMMDD, and a day the calendar has (20241301 is no date)."""
    if not DATE.match(text):
        return False
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def _trans(words, line: int, voucher: _Voucher | None, file, settings, trans) -> list[Problem]:
    if voucher is None or not voucher.is_open:
        return [error(file, line, "#TRANS", "står utanför en verifikation: väntade raden "
                                            "inom { } efter en #VER")]
    found = _trans_row(words, line, voucher.date, settings)
    if not found:
        return [_too_few(file, line, "#TRANS")]
    if isinstance(found, Problem):
        return [replace(found, file=file)]
    trans.append(found)
    voucher.amounts.append(found[3])
    return []


def _unclosed(voucher: _Voucher | None, file: str) -> list[Problem]:
    if voucher is None:
        return []
    return [error(file, voucher.line, "#VER", "verifikationen avslutas aldrig med }: väntade "
                                              "{ #TRANS ... } efter #VER (är filen avkortad?)")]


def _unbalanced(voucher: _Voucher) -> tuple[int, Decimal] | None:
    """(line, sum) of a verifikation whose #TRANS do not sum to zero."""
    if not all(SUMMABLE.match(amount) for amount in voucher.amounts):
        return None  # the parser reports the amount that is not a number
    total = sum((Decimal(amount) for amount in voucher.amounts), Decimal(0))
    return (voucher.line, total) if total != 0 else None


def _unbalanced_warning(file: str, unbalanced: list) -> list[Problem]:
    """One warning per file: an export of result accounts only unbalances every voucher."""
    if not unbalanced:
        return []
    line, total = unbalanced[0]
    more = f" (och {len(unbalanced) - 1} verifikationer till)" if len(unbalanced) > 1 else ""
    return [warning(file, line, "#VER", f"verifikationen är obalanserad: #TRANS summerar till "
                    f"{kronor(total)}{more}, väntade 0 (saknas konton i exporten?)")]


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
    """The row; None when fields are missing; a Problem (without its file) when the amount
    is split by spaces or the transaction date is not ÅÅÅÅMMDD."""
    split = _split_objects(words, 2)
    if split is None:
        return None
    objects, rest = split
    if spaced := _spaced_amount(rest):
        return _spaced_amount_error(line, "#TRANS", spaced)
    date = rest[1] if len(rest) > 1 and isinstance(rest[1], str) and rest[1] else ver_date
    if date and not _is_date(date):
        return error(None, line, "#TRANS", f"fann transaktionsdatumet {date!r}: väntade "
                     'ÅÅÅÅMMDD (eller "" när raden saknar eget datum)')
    return _row(line, date[:6], words[1], rest[0], objects, settings)


def _spaced_amount(rest: list) -> list[str] | None:
    """`1 000.00` written without quotes: the amount's groups of three read as more fields.

    The field after an amount is a date (ÅÅÅÅMMDD) in #TRANS and a quantity in #PSALDO,
    never three digits, so the groups are the amount's and the row is refused, not read as 1."""
    if not (len(rest) > 1 and isinstance(rest[0], str) and GROUP_HEAD.fullmatch(rest[0])):
        return None
    groups = [rest[0]]
    for word in rest[1:]:
        if not (isinstance(word, str) and GROUP.fullmatch(word)):
            break
        groups.append(word)
        if not word.isdigit():
            break  # the decimals end the amount
    return groups if len(groups) > 1 else None


def _spaced_amount_error(line: int, label: str, groups: list[str]) -> Problem:
    return error(None, line, label, f"fann beloppet {' '.join(groups)!r} delat av mellanslag: "
                 f"väntade beloppet som ett fält utan mellanslag ({''.join(groups)}), eller "
                 "inom citattecken")


def _psaldo_row(words, line: int, settings: SieSettings):
    """(row, the row's object types), None, or a Problem (without its file)."""
    split = _split_objects(words, 4)
    if split is None:
        return None
    objects, rest = split
    if spaced := _spaced_amount(rest):
        return _spaced_amount_error(line, "#PSALDO", spaced)
    types = tuple(sorted({n for n, _ in _pairs(objects)}))
    return _row(line, words[2], words[3], rest[0], objects, settings), types


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
