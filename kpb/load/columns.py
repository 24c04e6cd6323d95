"""File headers -> canonical column names (formats.md §2).

kpb.toml may name the header of each canonical column (`kolumner = { belopp = "Utfall" }`);
otherwise the canonical name itself is looked for, ignoring case. A missing required column is
reported with the columns the file has and the mapping that was tried.

A column kpb reads must be in the file once: two headers that name it (the same text, or the
same after case-folding and trimming) are an error naming both positions, never one kept
silently. The readers give a repeated header a suffix (`ansvar_duplicated_0`, as Polars does);
it is taken off again here to compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from kpb.errors import Problem, error
from kpb.load.textfile import LINE, TextTable
from kpb.project import SourceSettings

DUPLICATE_SUFFIX = re.compile(r"_duplicated_[0-9]+$")


@dataclass(frozen=True)
class Columns:
    rows: pl.DataFrame       # canonical names, raw text; absent columns as ""
    headers: dict[str, str]  # canonical name -> header as written in the file
    present: frozenset[str]  # canonical names the file has


def map_columns(table: TextTable, wanted: tuple[str, ...], required: tuple[str, ...],
                settings: SourceSettings) -> tuple[Columns, list[Problem]]:
    patterns = pattern_headers(table.headers, table.file)  # XLSX: CSV stops in read_csv
    if patterns:
        return Columns(table.rows.select(LINE), {}, frozenset()), patterns
    headers = {name: found for name in wanted
               if (found := _find_header(table.headers, settings.kolumner.get(name, name)))}
    problems = [_missing(table, name, settings) for name in required if name not in headers]
    problems += [problem for name in wanted
                 if (problem := _repeated(table, settings.kolumner.get(name, name)))]
    selected = [pl.col(headers[name]).alias(name) if name in headers else pl.lit("").alias(name)
                for name in wanted]
    rows = table.rows.select(pl.col(LINE), *selected)
    shown = {name: headers.get(name, settings.kolumner.get(name, name)) for name in wanted}
    return Columns(rows, shown, frozenset(headers)), problems


def pattern_headers(headers: list[str], file: str) -> list[Problem]:
    """Headers Polars would take for a pattern (`*` is every column, `^...$` a regex), an
    error each: kpb selects columns by their header, and such a name would select others."""
    return [error(file, 1, None, f"rubriken {header!r} kan inte användas (den läses som ett "
                                 "mönster över alla kolumner): väntade ett kolumnnamn, döp om "
                                 "kolumnen i exporten")
            for header in headers if header == "*" or (header.startswith("^")
                                                       and header.endswith("$"))]


def _find_header(headers: list[str], expected: str) -> str | None:
    if expected in headers:
        return expected
    folded = {header.casefold(): header for header in headers}
    return folded.get(expected.strip().casefold())


def _missing(table: TextTable, name: str, settings: SourceSettings) -> Problem:
    mapped = settings.kolumner.get(name)
    tried = (f"rubriken {mapped!r} enligt kolumner i kpb.toml" if mapped
             else f"rubriken {name!r} (ingen mappning i kpb.toml)")
    found = ", ".join(repr(h) for h in table.headers) or "inga"
    hint = (" (en helårsexport utan period läses som helår med period = \"helar\" under "
            "[kalla.ledger] i kpb.toml)" if name == "period" else "")
    return error(table.file, 1, name, f"kolumnen saknas: letade efter {tried}, fann {found}{hint}")


def _repeated(table: TextTable, expected: str) -> Problem | None:
    """An error when more than one of the file's columns answers to `expected`."""
    wanted = expected.strip().casefold()
    found = [(position, original) for position, header in enumerate(table.headers, start=1)
             if (original := DUPLICATE_SUFFIX.sub("", header)).strip().casefold() == wanted]
    if len(found) < 2:
        return None
    positions = ", ".join(str(position) for position, _ in found[:-1]) + f" och {found[-1][0]}"
    written = ", ".join(repr(original) for _, original in found)
    return error(table.file, 1, expected, f"rubriken finns i kolumn {positions} ({written}): "
                                          "väntade varje kolumn en gång (ta bort eller döp om "
                                          "den ena)")
