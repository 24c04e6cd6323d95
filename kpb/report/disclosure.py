"""Disclosure control for the published report (`kpb rapport --publicera`).

A table that describes persons declares a `Disclosure`: which column counts the persons of a
row, which columns describe them (hidden together when the row is protected), and, for the
dominance rule, the row's cost and its largest single person's cost. Rules:

- primary: a row describing 1 or 2 persons is protected (rows of 0 persons are published);
  so is a row where one person carries more than half of the row's cost (dominance);
- secondary: when the rows (all but the last) partition the last row, the total, a protected
  row must not be recomputable from the total and the published rows. With S the protected
  rows and R = total − Σ published (= Σ over S), every protected count can still take two
  values when |S| ≥ 2 and R ≥ |S| + 1 (each is at least 1, as rows of 0 persons are never
  protected); the cost of a protected row is unknown when |S| ≥ 2. Until both hold, the
  published row with the fewest persons (at least one) is protected too; when none is left,
  the total is protected as well.

Protected cells are shown as `..` with a note; the internal report stays complete.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

MIN_PERSONS = 3
DOMINANCE = 0.5  # one person carrying more than this share of a row's cost
PROTECTED = "skyddad"  # the boolean column marking protected rows
NOTE = ("..: uppgiften visas inte (färre än 3 personer, en person bär mer än hälften av "
        "kostnaden, eller sekundärt skydd så att den inte kan räknas fram ur summan).")


@dataclass(frozen=True)
class Disclosure:
    count: str  # persons per row
    hide: tuple[str, ...]  # columns hidden in a protected row (the count included)
    cost: str | None = None  # the row's cost, for dominance
    largest: str | None = None  # the row's largest single person's cost, for dominance
    total_row: bool = False  # the last row is the total of the rows above it


def protected_rows(counts: list[int], costs: list | None = None,
                   largest: list | None = None, total_row: bool = False) -> list[bool]:
    """Which rows to protect (see the module text); a handful of rows per table."""
    n = len(counts)
    protect = [1 <= c < MIN_PERSONS for c in counts]
    if costs is not None and largest is not None:
        protect = [p or (cost is not None and big is not None and float(cost) > 0
                         and float(big) > DOMINANCE * float(cost))
                   for p, cost, big in zip(protect, costs, largest)]
    if not total_row or n == 0:
        return protect
    body = list(range(n - 1))
    if protect[-1]:  # the whole table describes fewer than 3 persons
        return [True] * n
    protect[-1] = False
    while not _safe([i for i in body if protect[i]], counts):
        published = [i for i in body if not protect[i] and counts[i] > 0]
        if not published:
            return [True] * n
        protect[min(published, key=lambda i: (counts[i], i))] = True
    return protect


def _safe(protected: list[int], counts: list[int]) -> bool:
    if not protected:
        return True
    residual = sum(counts[i] for i in protected)
    return len(protected) >= 2 and residual >= len(protected) + 1


INTERNAL_NOTE = ("Visas bara i den interna rapporten: en rad här är en person. Den publicerade "
                 "versionen har inga rader.")


def publish(table):
    """The table as published: protected rows' person columns nulled, marked in PROTECTED;
    a table of single persons (Table.internal) without rows."""
    if getattr(table, "internal", False):
        return replace(table, frame=table.frame.head(0), notes=(INTERNAL_NOTE,), chart=None)
    spec = table.disclosure
    if spec is None:
        return table
    frame = table.frame
    protect = protected_rows(
        frame[spec.count].fill_null(0).to_list(),
        frame[spec.cost].to_list() if spec.cost else None,
        frame[spec.largest].to_list() if spec.largest else None,
        spec.total_row)
    mask = pl.Series(PROTECTED, protect, dtype=pl.Boolean)
    frame = frame.with_columns(mask).with_columns(
        [pl.when(pl.col(PROTECTED)).then(None).otherwise(pl.col(c)).alias(c) for c in spec.hide])
    if spec.largest:
        frame = frame.drop(spec.largest)
    return replace(table, frame=frame, notes=(*table.notes, NOTE))
