"""The facts the check and the allocation share, as one dataflow of named steps.

`Facts` is read like a table of contents of the data's first stretch (in the manner of
Hamilton): each property is named after what it holds and reads only the properties above it.
A step runs once, when first asked for, and is timed. The check stage asks it for what it
checks; the allocation continues from the same object, so ledger rows are matched to pools,
overhead is stepped down and pool amounts are split once per run.
"""

from __future__ import annotations

from functools import cached_property

import polars as pl

from kpb.errors import KpbError, Problem
from kpb.flow.codes import with_catalogue_codes
from kpb.flow.ledger_pool import ledger_pool, pool_totals
from kpb.flow.overhead import Overhead, overhead_flows
from kpb.flow.pool_amounts import insats_amounts
from kpb.flow.volumes import volumes
from kpb.load.summaries import PERSON_SUMS
from kpb.rules import Rules, key_weights
from kpb.steps import Timer, silent, step


class Facts:
    def __init__(self, tables: dict, rules: Rules, year: int, timer: Timer | None = None):
        self.raw_tables, self.rules, self.year = tables, rules, year
        self.timer = timer or Timer(silent)

    @cached_property
    def tables(self) -> dict:
        """The inputs with insats codes mapped onto the rules' catalogue (`koder`)."""
        return with_catalogue_codes(self.raw_tables, self.rules)

    @step("Huvudboksrader till pooler")
    def ledger_pool(self) -> pl.DataFrame:
        """Ledger rows with `pool` (null: no pool matched) and `regel`."""
        return ledger_pool(self.tables["ledger"], self.rules)

    @cached_property
    def totals(self) -> dict[str, int]:
        """Bokfört per pool, öre."""
        return pool_totals(self.ledger_pool, self.rules)

    @cached_property
    def keyed(self) -> tuple[dict, list[Problem]]:
        return key_weights(self.rules, self.tables["nycklar"], self.ledger_pool)

    @property
    def weights(self) -> dict:
        """Gemensam pool -> its receivers' key weights."""
        return self.keyed[0]

    @property
    def key_problems(self) -> list[Problem]:
        return self.keyed[1]

    @step("Volymer")
    def volume_rows(self) -> pl.DataFrame:
        """pool, insats, person_id, volym_milli."""
        return volumes(self.tables["aktivitet"], self.tables["direkt"], self.rules,
                       self.year, self.tables.get(PERSON_SUMS)).collect()

    @step("Gemensamma kostnader")
    def overhead(self) -> Overhead:
        """Overhead flows between pools (raises KpbError when the keys leave no solution)."""
        return overhead_flows(self.rules, self.totals, self.weights)

    @cached_property
    def att_fordela(self) -> dict[str, int]:
        """Each pool's cost after overhead: bokfört + received − distributed."""
        received, sent = self.overhead.received, self.overhead.sent
        return {n: t + received.get(n, 0) - sent.get(n, 0) for n, t in self.totals.items()}

    @cached_property
    def amounts(self) -> pl.DataFrame:
        """pool × insats cost in öre (operating pools split by their insats shares)."""
        return insats_amounts(self.rules, self.att_fordela)

    @cached_property
    def amounts_or_problems(self) -> tuple[pl.DataFrame | None, list[Problem]]:
        """The pool amounts when the keys allow them, else None and why (for the check)."""
        if any(p.is_error for p in self.key_problems):
            return None, []
        try:
            return self.amounts, []
        except KpbError as failure:  # e.g. a reciprocal system without a solution
            return None, failure.problems

    def table(self, name: str) -> pl.DataFrame | None:
        """An optional input (utfall, kolada, befolkning): None when the run has none."""
        return self.tables.get(name)
