"""Step 7: the reconciliation. Ledger total = Σ brukare + ej_brukar + ofördelat + exkluderat,
to the öre; the "Differens" line must be 0 and the run fails if it is not."""

from __future__ import annotations

from enum import StrEnum

import polars as pl

from kpb.errors import InternalError
from kpb.rules import Rules
from kpb.rules.model import PoolType


class Post(StrEnum):
    """The lines of the reconciliation, in the order they are shown."""

    HUVUDBOK = "Huvudbok totalt"
    EJ_BRUKAR = "Ej brukarrelaterat"
    OFORDELAT = "Ofördelat"
    EXKLUDERAT = "Exkluderat"
    TILL_BRUKARE = "Till brukare"
    DIFFERENS = "Differens"


SCHEMA = {"post": pl.Utf8, "pool": pl.Utf8, "orsak": pl.Utf8, "belopp_ore": pl.Int64}


def avstamning(rules: Rules, totals: dict[str, int], ofordelat: pl.DataFrame,
               brukare_insats: pl.DataFrame) -> pl.DataFrame:
    ledger_total = sum(totals.values())
    lines = [(Post.HUVUDBOK, None, None, ledger_total)]
    lines += [(Post.EJ_BRUKAR, p.namn, None, totals[p.namn]) for p in rules.of_type(PoolType.EJ_BRUKAR)]
    lines += [(Post.OFORDELAT, p, o, b) for p, o, b in ofordelat.sort("pool", "orsak").iter_rows()]
    lines += [(Post.EXKLUDERAT, p.namn, p.orsak, totals[p.namn]) for p in rules.of_type(PoolType.EXKLUDERA)]
    lines.append((Post.TILL_BRUKARE, None, None, int(brukare_insats["kostnad_ore"].sum())))
    accounted = sum(b for _, _, _, b in lines[1:])
    lines.append((Post.DIFFERENS, None, None, ledger_total - accounted))
    if ledger_total != accounted:
        raise InternalError("avstämning", f"avstämningen går inte ihop: differens "
                            f"{ledger_total - accounted} öre")
    return pl.DataFrame(lines, schema=SCHEMA, orient="row")
