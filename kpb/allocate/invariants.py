"""The engine's own bookkeeping, checked. A failure here is a bug in kpb (or rules built in
code that skipped validation), never the user's data: the check stage has refused every input
that could cause it. It stops the run before anything is written, as an InternalError."""

from __future__ import annotations

import polars as pl

from kpb.errors import InternalError


def check_all_rows_pooled(ledger_pool: pl.DataFrame) -> None:
    unpooled = ledger_pool["pool"].null_count()
    if unpooled:
        raise InternalError("fördelning", f"{unpooled} huvudboksrader saknar pool efter kontrollen")


def check_direct_rows_used_once(direct_rows: pl.DataFrame, person_rows: pl.DataFrame) -> None:
    """Each direkt row feeds at most one direct pool, and the persons carry exactly the
    amounts of the rows that fed one: Σ kalla "direkt" == Σ belopp of the matched input rows.

    `direct_rows` holds one row per input row (`rad_nr`) and pool it feeds."""
    reused = int(direct_rows["rad_nr"].is_duplicated().sum())
    matched = int(direct_rows.unique("rad_nr")["belopp_ore"].sum())
    placed = int(person_rows.filter(pl.col("kalla") == "direkt")["kostnad_ore"].sum())
    if reused or matched != placed:
        raise InternalError("fördelning", f"direktbeloppen går inte ihop: {reused} direktrader "
                            f"används i flera pooler, {placed} öre till brukare mot {matched} öre "
                            "i direktraderna")
