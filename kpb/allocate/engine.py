"""The allocation: checked inputs -> every KPB table, exact to the öre.

`AllocationFlow` is the dataflow as a list of named steps (in the manner of Hamilton). Each step is a
property named after the table it holds; the names it reads in its body are its inputs. A step
runs once, when first asked for, and is timed (the timings reach the manifest and the
benchmarks). Reading the class top to bottom follows a krona: ledger rows to pools, overhead,
pool cost onto insatser, insatser onto persons, then the output tables.

The check stage (kpb.check) has already computed the ledger rows' pools, the pool totals, the
key weights and the volumes, and refused the run if the data has errors; what can still fail
here are kpb's own invariants, raised as InternalError (a bug, never the user's data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import TYPE_CHECKING

import polars as pl

from kpb.allocate import person_costs as per
from kpb.allocate.invariants import check_all_rows_pooled, check_direct_rows_used_once
from kpb.flow.ledger_pool import ledger_pool_output
from kpb.flow.overhead import Overhead, overhead_flows
from kpb.allocate.reconcile import avstamning
from kpb.allocate.result_tables import brukare_table, insats_table, pool_table, with_insats_facts
from kpb.errors import Problem, raise_if_errors
from kpb.rules import Rules
from kpb.steps import Progress, Timer, silent

if TYPE_CHECKING:  # kpb.check builds on the allocation's steps; only its types are needed here
    from kpb.check import Checked
    from kpb.project import KontrollSettings

OUTPUT_TABLES = ("ledger_pool", "pool", "fordelning", "insats", "brukare_insats", "brukare",
                 "avstamning", "direkt_avstamning")


@dataclass(frozen=True)
class Allocation:
    """Every result table; money in öre (Int64), volumes in thousandths of the unit."""

    ledger_pool: pl.DataFrame
    pool: pl.DataFrame
    fordelning: pl.DataFrame
    insats: pl.DataFrame
    brukare_insats: pl.DataFrame
    brukare: pl.DataFrame
    avstamning: pl.DataFrame
    direkt_avstamning: pl.DataFrame
    hushall: pl.DataFrame | None = None         # kpb.analyse.households, set by api.compute
    hushall_insats: pl.DataFrame | None = None
    utfall_insats: pl.DataFrame | None = None     # kpb.analyse.outcomes, set by api.compute
    utfall_deltagare: pl.DataFrame | None = None
    kolada: pl.DataFrame | None = None            # kpb.analyse.kolada, set by api.compute
    warnings: list[Problem] = field(default_factory=list)  # the check's warnings
    timings: dict = field(default_factory=dict)


def allocate(tables: dict, rules: Rules, year: int, progress: Progress = silent,
             settings: "KontrollSettings | None" = None) -> Allocation:
    """Check the inputs, then allocate: for library use and tests (`kpb compute` runs the two
    stages itself, with storing in between). KpbError("kontroll") when the check finds errors."""
    from kpb.check import CheckSettings, check_inputs

    checked = check_inputs(tables, rules, year, settings or CheckSettings())
    raise_if_errors("kontroll", checked.problems)
    return allocate_checked(checked, rules, year, progress)


def allocate_checked(checked: "Checked", rules: Rules, year: int,
                     progress: Progress = silent) -> Allocation:
    flow = AllocationFlow(checked, rules, year, Timer(progress))
    tables = {name: getattr(flow, name) for name in OUTPUT_TABLES}
    return Allocation(**tables, warnings=checked.warnings, timings=flow.timer.as_dict())


def step(label: str):
    """A named, timed step of the flow that runs once (a cached property)."""
    def decorate(fn):
        @wraps(fn)
        def timed(self):
            return self.timer.run(fn.__name__, label, fn, self)
        return cached_property(timed)
    return decorate


class AllocationFlow:
    def __init__(self, checked: "Checked", rules: Rules, year: int, timer: Timer):
        self.checked, self.rules, self.year, self.timer = checked, rules, year, timer
        self.tables = checked.tables
        check_all_rows_pooled(checked.ledger_pool)

    # -- pools ----------------------------------------------------------------------------
    @step("Gemensamma kostnader")
    def overhead(self) -> Overhead:
        return overhead_flows(self.rules, self.checked.totals, self.checked.weights)

    @cached_property
    def att_fordela(self) -> dict[str, int]:
        """Each pool's cost after overhead: bokfört + received − distributed."""
        received, sent = self.overhead.received, self.overhead.sent
        return {n: t + received.get(n, 0) - sent.get(n, 0) for n, t in self.checked.totals.items()}

    @cached_property
    def amounts(self) -> pl.DataFrame:
        """pool × insats cost in öre (operating pools split by their insats shares)."""
        return per.insats_amounts(self.rules, self.att_fordela)

    # -- persons --------------------------------------------------------------------------
    @step("Direkta belopp")
    def direct_rows(self) -> pl.DataFrame:
        return per.direct_rows(self.tables["direkt"], self.rules)

    @cached_property
    def direct(self) -> pl.DataFrame:
        return per.direct_amounts(self.direct_rows)

    @cached_property
    def rests(self) -> pl.DataFrame:
        return per.direct_rest(self.direct, self.amounts, self.rules)

    @step("Kostnad per brukare")
    def person_rows(self) -> pl.DataFrame:
        volumes = self.checked.volume_rows.lazy()
        rows = pl.concat([per.volume_persons(self.amounts, volumes, self.rules).collect(),
                          self.direct, per.spread_rest(self.direct, self.rests).collect()])
        check_direct_rows_used_once(self.direct_rows, rows)
        return rows

    @cached_property
    def ofordelat(self) -> pl.DataFrame:
        volumes = self.checked.volume_rows.lazy()
        return pl.concat([per.no_volume(self.amounts, volumes, self.rules),
                          per.unspread_rest(self.direct, self.rests)])

    # -- outputs --------------------------------------------------------------------------
    @cached_property
    def ledger_pool(self) -> pl.DataFrame:
        return ledger_pool_output(self.checked.ledger_pool)

    @cached_property
    def fordelning(self) -> pl.DataFrame:
        return self.overhead.flows

    @step("Brukare och insatser")
    def brukare_insats(self) -> pl.DataFrame:
        return with_insats_facts(self.person_rows, self.rules)

    @step("Brukare")
    def brukare(self) -> pl.DataFrame:
        return brukare_table(self.brukare_insats, self.tables["person"])

    @step("Insatser och styckkostnader")
    def insats(self) -> pl.DataFrame:
        volume_rows = self.checked.volume_rows
        direct = self.brukare_insats.filter(pl.col("kalla") == "direkt").select(volume_rows.columns)
        return insats_table(self.amounts, pl.concat([volume_rows, direct]), self.rules)

    @cached_property
    def pool(self) -> pl.DataFrame:
        return pool_table(self.rules, self.checked.totals, self.overhead, self.brukare_insats,
                          self.ofordelat)

    @step("Avstämning")
    def avstamning(self) -> pl.DataFrame:
        return avstamning(self.rules, self.checked.totals, self.ofordelat, self.brukare_insats)

    @cached_property
    def direkt_avstamning(self) -> pl.DataFrame:
        return self.rests.rename({"kostnad_ore": "att_fordela_ore"}).sort("pool", "insats")
