"""The allocation: checked inputs -> every KPB table, exact to the öre.

`AllocationFlow` is the dataflow as a list of named steps (in the manner of Hamilton). Each step is a
property named after the table it holds; the names it reads in its body are its inputs. A step
runs once, when first asked for, and is timed (the timings reach the manifest and the
benchmarks). Reading the class top to bottom follows a krona: ledger rows to pools, overhead,
pool cost onto insatser, insatser onto persons, then the output tables.

The flow continues from the check's `Facts` (kpb.flow): the ledger rows' pools, the pool totals,
the key weights, the volumes, the overhead and the pool amounts were computed there once, and
the check has refused the run if the data has errors; what can still fail here are kpb's own
invariants, raised as InternalError (a bug, never the user's data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from kpb.allocate import person_costs as per
from kpb.allocate.invariants import check_all_rows_pooled, check_direct_rows_used_once
from kpb.flow.ledger_pool import ledger_pool_output
from kpb.allocate.reconcile import avstamning
from kpb.allocate.report_volumes import report_volumes
from kpb.allocate.result_tables import brukare_table, insats_table, pool_table, with_insats_facts
from kpb.check import CheckSettings, Checked, check_inputs
from kpb.errors import Problem, raise_if_errors
from kpb.project import KontrollSettings
from kpb.rules import Rules
from kpb.steps import Progress, Timer, silent, step

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
             settings: CheckSettings | KontrollSettings | None = None) -> Allocation:
    """Check the inputs (the same list of checks as `kpb check`), then allocate: for library use
    and tests. KpbError("kontroll") when the check finds errors."""
    checked = check_inputs(tables, rules, year, settings)
    raise_if_errors("kontroll", checked.problems)
    return allocate_checked(checked, rules, year, progress)


def allocate_checked(checked: Checked, rules: Rules, year: int,
                     progress: Progress = silent) -> Allocation:
    flow = AllocationFlow(checked, rules, year, Timer(progress))
    tables = {name: getattr(flow, name) for name in OUTPUT_TABLES}
    timings = {**checked.facts.timer.as_dict(), **flow.timer.as_dict()}
    return Allocation(**tables, warnings=checked.warnings, timings=timings)


class AllocationFlow:
    def __init__(self, checked: Checked, rules: Rules, year: int, timer: Timer):
        self.checked, self.rules, self.year, self.timer = checked, rules, year, timer
        self.tables = checked.tables
        check_all_rows_pooled(checked.ledger_pool)

    # -- pools (computed once, in the check's facts) ---------------------------------------
    @property
    def overhead(self):
        return self.checked.facts.overhead

    @property
    def amounts(self) -> pl.DataFrame:
        """pool × insats cost in öre (operating pools split by their insats shares)."""
        return self.checked.facts.amounts

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
        report = report_volumes(self.tables["aktivitet"], self.rules, self.year)  # mapped codes
        return insats_table(self.amounts, pl.concat([volume_rows, direct]), self.rules, report)

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
