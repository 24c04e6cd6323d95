"""Step 7: the reconciliation. Ledger total = Σ brukare + ej_brukar + ofördelat + exkluderat,
to the öre; the "Differens" line must be 0 and the run fails if it is not."""

from __future__ import annotations

import polars as pl

from kpb.errors import InternalError
from kpb.rules import Rules

SCHEMA = {"post": pl.Utf8, "pool": pl.Utf8, "orsak": pl.Utf8, "belopp_ore": pl.Int64}


def avstamning(rules: Rules, totals: dict[str, int], ofordelat: pl.DataFrame,
               brukare_insats: pl.DataFrame) -> pl.DataFrame:
    ledger_total = sum(totals.values())
    lines = [("Huvudbok totalt", None, None, ledger_total)]
    lines += [("Ej brukarrelaterat", p.namn, None, totals[p.namn]) for p in rules.of_type("ej_brukar")]
    lines += [("Ofördelat", p, o, b) for p, o, b in ofordelat.sort("pool", "orsak").iter_rows()]
    lines += [("Exkluderat", p.namn, p.orsak, totals[p.namn]) for p in rules.of_type("exkludera")]
    lines.append(("Till brukare", None, None, int(brukare_insats["kostnad_ore"].sum())))
    accounted = sum(b for _, _, _, b in lines[1:])
    lines.append(("Differens", None, None, ledger_total - accounted))
    if ledger_total != accounted:
        raise InternalError("avstämning", f"avstämningen går inte ihop: differens "
                            f"{ledger_total - accounted} öre")
    return pl.DataFrame(lines, schema=SCHEMA, orient="row")
