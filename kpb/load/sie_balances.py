"""SIE #PSALDO: one account's period balance and its object breakdowns -> rows holding the
money once (SIE 4B: `{}` is the account's total, rows with objects a breakdown of it).

Split from sie.py, which reads the file and hands over the #PSALDO rows as
(row, object types); `_account_rows` says how a total and its breakdowns become rows.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kpb.errors import Problem, warning
from kpb.money import swedish_decimal
from kpb.project import DIMENSIONS, SieSettings

# amounts that may be summed exactly in text: anything else is left to the parser to report
SUMMABLE = re.compile(r"^[+-]?[0-9]+(\.[0-9]{1,2})?$")


def kronor(amount: Decimal) -> str:
    return swedish_decimal(amount, max(0, -amount.as_tuple().exponent), thousands="") + " kr"


def psaldo_rows(saldo, file: str, settings: SieSettings):
    """Per period and account the rows that hold its money exactly once."""
    by_account: dict[tuple, dict[tuple, list]] = {}
    for row, types in saldo:
        by_account.setdefault((row[1], row[2]), {}).setdefault(types, []).append(row)
    rows, exceeds, unused = [], [], []
    for (period, konto), groups in by_account.items():
        found, larger, left_out = _account_rows(period, konto, groups, settings)
        rows += found
        exceeds += larger
        unused += left_out
    return sorted(rows), _exceeds_warning(file, exceeds) + _unused_warnings(file, unused)


def _account_rows(period, konto, groups: dict, settings: SieSettings):
    """SIE 4B: `{}` is the account's total; rows with the same object types are one breakdown
    of it (SIE 3 writes one breakdown per dimension, often covering only part of the total).

    - Breakdowns on mapped dimensions: the one with most mapped dimensions is used (ties:
      kpb's column order, ansvar first); its rows load as they are and the rest of the total
      (total − breakdown) loads without objects. A breakdown larger than the total is a
      warning; another breakdown on a dimension the chosen one lacks cannot be combined with
      it (the file does not say how they overlap) and is named in a warning.
    - Only unmapped breakdowns: the total, or without one the first breakdown summed.
    - No `{}` total: the chosen breakdown is the whole account.
    """
    total = groups.get(())
    mapped = {types: rows for types, rows in groups.items() if _mapped(types, settings)}
    if not mapped:
        return (total, [], []) if total else (_summed(next(iter(groups.values()))), [], [])
    chosen = min(mapped, key=lambda types: _preference(types, settings))
    used = _mapped(chosen, settings)
    unused = [(rows[0][0], konto, period, ", ".join(sorted(_mapped(types, settings) - used)),
               ", ".join(sorted(used)))
              for types, rows in mapped.items() if not _mapped(types, settings) <= used]
    if total is None:
        return mapped[chosen], [], unused
    rest, exceeds = _rest(konto, period, total, mapped[chosen])
    return mapped[chosen] + rest, exceeds, unused


def _mapped(types: tuple, settings: SieSettings) -> set[str]:
    """The kpb dimensions an object list's types map to."""
    return {settings.dimensioner[int(n)] for n in types
            if n.isdigit() and int(n) in settings.dimensioner}


def _preference(types: tuple, settings: SieSettings) -> tuple:
    dims = _mapped(types, settings)
    return (-len(dims), min(DIMENSIONS.index(d) for d in dims), types)


def _unused_warnings(file: str, unused: list[tuple]) -> list[Problem]:
    """One warning per pair of unused and used dimensions, at its first line, with a count."""
    first: dict[tuple, tuple] = {}
    counts: dict[tuple, int] = {}
    for line, konto, period, left_out, used in sorted(unused):
        first.setdefault((left_out, used), (line, konto, period))
        counts[(left_out, used)] = counts.get((left_out, used), 0) + 1
    problems = []
    for (left_out, used), (line, konto, period) in first.items():
        more = counts[(left_out, used)] - 1
        also = f" (och {more} konton och perioder till)" if more else ""
        problems.append(warning(file, line, "#PSALDO", f"konto {konto} period {period}{also}: "
                        f"uppdelningen på {left_out} används inte, bara den på {used}: filen "
                        "delar upp kontot på varje dimension för sig och säger inte hur de "
                        "överlappar (väntade objektlistor som kombinerar dimensionerna, t.ex. "
                        "från en SIE 4-export)"))
    return problems


def _rest(konto, period, total: list, breakdown: list) -> tuple[list, list[tuple]]:
    """The part of the total no object row covers, as one row without objects; and the
    breakdown when it is larger than the total (line, konto, period, breakdown, total)."""
    if not all(SUMMABLE.match(row[3]) for row in total + breakdown):
        return total, []  # the parser reports the amount that is not a number: load fails
    whole = sum((Decimal(row[3]) for row in total), Decimal(0))
    covered = sum((Decimal(row[3]) for row in breakdown), Decimal(0))
    exceeds = [(total[0][0], konto, period, covered, whole)] if abs(covered) > abs(whole) else []
    if whole == covered:
        return [], exceeds
    return [total[0][:3] + (format(whole - covered, "f"),) + total[0][4:]], exceeds


def _exceeds_warning(file: str, exceeds: list[tuple]) -> list[Problem]:
    """One warning per file for object rows that sum to more than their account's total."""
    if not exceeds:
        return []
    line, konto, period, covered, whole = min(exceeds)
    also = f" (och {len(exceeds) - 1} konton och perioder till)" if len(exceeds) > 1 else ""
    return [warning(file, line, "#PSALDO", f"konto {konto} period {period}{also}: objektraderna "
                    f"summerar till {kronor(covered)}, mer än kontots total {kronor(whole)}: "
                    f"väntade högst totalen (skillnaden {kronor(whole - covered)} läses utan "
                    "objekt, så kontots total stämmer)")]


def _summed(rows: list[tuple]) -> list[tuple]:
    """One row with the exact sum, at the first row's line; its dimensions are all unmapped.

    An amount that is not a plain number is left in its own row for the parser to report.
    """
    if not all(SUMMABLE.match(row[3]) for row in rows):
        return rows
    total = sum((Decimal(row[3]) for row in rows), Decimal(0))
    return [rows[0][:3] + (format(total, "f"),) + rows[0][4:]]
