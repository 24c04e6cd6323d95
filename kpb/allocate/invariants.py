"""The engine's own bookkeeping, checked. A failure here is a bug in kpb (or rules built in
code that skipped validation), never the user's data, and stops the run before anything is
written."""

from __future__ import annotations

import polars as pl

from kpb.errors import error, raise_if_errors


def check_direct_rows_used_once(direct_rows: pl.DataFrame, person_rows: pl.DataFrame, source: str) -> None:
    """Each direkt row feeds at most one direct pool, and the persons carry exactly the
    amounts of the rows that fed one: Σ kalla "direkt" == Σ belopp of the matched input rows.

    `direct_rows` holds one row per input row (`rad_nr`) and pool it feeds."""
    reused = int(direct_rows["rad_nr"].is_duplicated().sum())
    matched = int(direct_rows.unique("rad_nr")["belopp_ore"].sum())
    placed = int(person_rows.filter(pl.col("kalla") == "direkt")["kostnad_ore"].sum())
    raise_if_errors("fördelning", [] if not reused and matched == placed else [error(
        source, None, None, f"direktbeloppen går inte ihop: {reused} direktrader används i flera "
        f"pooler, {placed} öre till brukare mot {matched} öre i direktraderna "
        "(internt fel i kpb, rapportera det)")])
