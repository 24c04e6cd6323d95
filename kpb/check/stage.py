"""The checks as one ordered list of named steps (as beancount's loader runs its stages).

Each check is a function of the facts computed so far returning problems; the runner tags
every problem with the check's kind (what the summaries count) and keeps going, so the user
sees every problem of every kind in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from kpb.flow.ledger_pool import ledger_pool, pool_totals
from kpb.flow.overhead import overhead_flows
from kpb.allocate.person_costs import insats_amounts
from kpb.flow.volumes import volumes
from kpb.check import activity, costs, plausible
from kpb.check.amounts import amounts_out_of_range
from kpb.flow.codes import with_catalogue_codes
from kpb.check.unmatched import unmatched_ledger
from kpb.errors import KpbError, Problem
from kpb.project import KontrollSettings
from kpb.rules import Rules, key_weights
from kpb.steps import Progress, silent

# kpb.toml [kontroll]: how strict the check is.
CheckSettings = KontrollSettings


@dataclass(frozen=True)
class Checked:
    """The check's verdict and the facts the allocation continues from."""

    tables: dict[str, pl.DataFrame]  # the inputs, insats codes mapped onto the catalogue
    ledger_pool: pl.DataFrame  # ledger rows with `pool` (null: no pool matched) and `regel`
    totals: dict[str, int]  # bokfört per pool, öre
    weights: dict  # gemensam pool -> its receivers' key weights
    volume_rows: pl.DataFrame  # pool, insats, person_id, volym_milli
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_inputs(tables: dict[str, pl.DataFrame], rules: Rules, year: int,
                 settings: CheckSettings = CheckSettings(), progress: Progress = silent) -> Checked:
    tables = with_catalogue_codes(tables, rules)
    ledger = ledger_pool(tables["ledger"], rules)
    totals = pool_totals(ledger, rules)
    weights, key_problems = key_weights(rules, tables["nycklar"], ledger)
    volume_rows = volumes(tables["aktivitet"], tables["direkt"], rules, year).collect()
    problems = [
        *tagged("belopp utanför intervallet", amounts_out_of_range(tables)),
        *tagged("regler", rules.warnings),
        *tagged("huvudboksrader utan pool", unmatched_ledger(ledger, rules)),
        *tagged("nycklar", key_problems),
        *tagged("rader utanför verksamhetsåret",
                activity.outside_year(tables["aktivitet"], rules, year, settings.utanfor_aret)),
        *tagged("saknade timmar", activity.without_hours(tables["aktivitet"], rules)),
        *tagged("okända insatskoder", activity.unknown_codes(tables, rules)),
        *tagged("rader som ingen pool använder", activity.unused(tables, rules)),
        *tagged("brukare utan uppgifter", plausible.persons_without_attributes(tables["person"])),
        *tagged("orimliga värden", plausible.implausible_ages(tables["person"], year)),
        *tagged("orimliga värden", plausible.implausible_volumes(tables["aktivitet"], volume_rows,
                                                                 rules, year)),
    ]
    att_fordela = None
    if not any(p.is_error for p in key_problems):  # the pools' costs need usable keys
        try:
            att_fordela = _att_fordela(rules, totals, weights)
        except KpbError as failure:  # e.g. a reciprocal system without a solution
            problems += tagged("nycklar", failure.problems)
    if att_fordela is not None:
        amounts = insats_amounts(rules, att_fordela)
        problems += tagged("kostnad utan volym", costs.cost_without_volume(amounts, volume_rows, rules))
        problems += tagged("kostnad utan volym",
                           costs.direct_pool_without_rows(amounts, tables["direkt"], rules))
        problems += tagged("volym utan kostnad", costs.volume_without_cost(amounts, volume_rows, rules))
    progress(f"kontrollen fann {sum(p.is_error for p in problems)} fel och "
             f"{sum(not p.is_error for p in problems)} varningar")
    return Checked(tables, ledger, totals, weights, volume_rows, sorted(problems, key=str))


def _att_fordela(rules: Rules, totals: dict[str, int], weights) -> dict[str, int]:
    overhead = overhead_flows(rules, totals, weights)
    return {n: totals[n] + overhead.received.get(n, 0) - overhead.sent.get(n, 0) for n in totals}


def tagged(kind: str, problems) -> list[Problem]:
    return [replace(p, kind=p.kind or kind) for p in problems]
