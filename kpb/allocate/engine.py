"""allocate(): the loaded frames and the rules -> every KPB table, exact to the öre.

The steps run in the order a krona travels (docs/design.md "Allocation"): ledger rows to
pools, pool totals, overhead, pool cost onto insatser, volumes, persons, direct pools,
summaries, reconciliation. Each step is timed through kpb.steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from kpb.allocate import persons as per
from kpb.allocate.activity import activity_problems
from kpb.allocate.invariants import check_direct_rows_used_once
from kpb.allocate.ledger_pool import ledger_pool, ledger_pool_output, pool_totals
from kpb.allocate.overhead import overhead_flows
from kpb.allocate.reconcile import avstamning
from kpb.allocate.summary import brukare_table, insats_table, pool_table, with_insats_facts
from kpb.allocate.volumes import volumes
from kpb.allocate.warnings import unused_rows, volume_without_cost
from kpb.errors import Problem, raise_if_errors
from kpb.rules import Rules, key_weights
from kpb.steps import Progress, Timer, silent


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
    warnings: list[Problem] = field(default_factory=list)
    timings: dict = field(default_factory=dict)


def allocate(tables: dict, rules: Rules, year: int, progress: Progress = silent) -> Allocation:
    timer = Timer(progress)
    ledger = timer.run("ledger_pool", "Huvudbokens rader till pooler", ledger_pool, tables["ledger"], rules)
    totals = pool_totals(ledger, rules)
    overhead = timer.run("overhead", "Gemensamma kostnader", _overhead, rules, totals,
                         tables["nycklar"], ledger)
    att_fordela = {n: totals[n] + overhead.received.get(n, 0) - overhead.sent.get(n, 0) for n in totals}
    amounts = per.insats_amounts(rules, att_fordela)
    volume_rows, volume_warnings = timer.run("volumes", "Volymer", _volumes, tables, rules, year)
    persons, ofordelat, rests = timer.run("persons", "Kostnad per brukare", _persons,
                                          tables["direkt"], amounts, volume_rows, rules)
    result = timer.run("summaries", "Sammanställning och avstämning", _tables, tables, rules, ledger,
                       totals, overhead, amounts, volume_rows, persons, ofordelat, rests)
    return replace(result, warnings=[*result.warnings, *volume_warnings], timings=timer.as_dict())


def _overhead(rules: Rules, totals, nycklar, ledger):
    weights, problems = key_weights(rules, nycklar, ledger)
    raise_if_errors("fördelning", problems)
    return overhead_flows(rules, totals, weights)


def _volumes(tables, rules: Rules, year: int):
    """Volume rows, and the warnings about activity rows (errors stop the run here)."""
    problems = activity_problems(tables["aktivitet"], rules, year)
    raise_if_errors("fördelning", problems)
    return volumes(tables["aktivitet"], tables["direkt"], rules, year).collect(), problems


def _persons(direkt, amounts, volume_rows, rules: Rules):
    """Person rows (fordelad and direkt), ofördelat lines, and the direct pools' rests."""
    direct_rows = per.direct_rows(direkt, rules)
    direct = per.direct_amounts(direct_rows)
    rests = per.direct_rest(direct, amounts, rules)
    volume_lazy = volume_rows.lazy()
    person_rows = pl.concat([per.volume_persons(amounts, volume_lazy, rules).collect(), direct,
                             per.spread_rest(direct, rests).collect()])
    check_direct_rows_used_once(direct_rows, person_rows, rules.source)
    ofordelat = pl.concat([per.no_volume(amounts, volume_lazy, rules), per.unspread_rest(direct, rests)])
    return with_insats_facts(person_rows, rules), ofordelat, rests


def _tables(tables, rules, ledger, totals, overhead, amounts, volume_rows, persons, ofordelat, rests):
    insats = insats_table(amounts, pl.concat([volume_rows, persons.filter(pl.col("kalla") == "direkt")
                                              .select(volume_rows.columns)]), rules)
    warnings = [*rules.warnings, *volume_without_cost(insats, rules),
                *unused_rows(tables["aktivitet"].filter(~pl.col("insats").is_in(
                    [p.rapportvolym.aktivitet for p in rules.pools if p.rapportvolym])),
                    rules, ("verksamhet",), "aktivitets"),  # reporting volumes: read by the report
                *unused_rows(tables["direkt"], rules, ("verksamhet", "direkt"), "direkt")]
    return Allocation(
        ledger_pool=ledger_pool_output(ledger),
        pool=pool_table(rules, totals, overhead, persons, ofordelat),
        fordelning=overhead.flows, insats=insats, brukare_insats=persons,
        brukare=brukare_table(persons, tables["person"]),
        avstamning=avstamning(rules, totals, ofordelat, persons),
        direkt_avstamning=rests.rename({"kostnad_ore": "att_fordela_ore"}).sort("pool", "insats"),
        warnings=warnings)
