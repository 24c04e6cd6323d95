"""The checks as one ordered list (as beancount runs its validations).

Every check has one signature, `check(facts, settings) -> list[Problem]`: it reads what it
needs from the shared dataflow (`kpb.flow.Facts`, computed once and continued by the
allocation) and the project's settings. The runner tags each problem with the check's kind
(what the summaries count) and keeps going, so the user sees every problem of every kind in
one run. `kpb check`, `kpb compute` and the library's `allocate` run this same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import polars as pl

from kpb.check import activity, costs, effect_inputs, plausible
from kpb.check.amounts import amounts_out_of_range
from kpb.check.unmatched import unmatched_ledger
from kpb.errors import Problem
from kpb.flow.codes import code_map
from kpb.flow.facts import Facts
from kpb.flow.settings import settings_for
from kpb.load.summaries import LONG_DAYS
from kpb.project import HushallSettings, KontrollSettings
from kpb.rules import Rules
from kpb.rules.kolada import kolada_mapping_problems
from kpb.steps import Progress, Timer, silent


@dataclass(frozen=True)
class CheckSettings:
    """What the checks read of kpb.toml (defaults: a project without those sections)."""

    utanfor_aret: str = "varning"  # [kontroll]: rows outside the year, "varning" | "fel"
    avslutsorsak: dict[str, str] = field(default_factory=dict)  # [utfall]
    hushall: HushallSettings = HushallSettings()  # [hushall]
    kolada_nyckeltal: dict[str, str] = field(default_factory=dict)  # [kolada]

    @classmethod
    def of(cls, project) -> "CheckSettings":
        return cls(project.kontroll.utanfor_aret, project.utfall.avslutsorsak, project.hushall,
                   project.kolada.nyckeltal)


def _settings(settings) -> CheckSettings:
    if isinstance(settings, KontrollSettings):  # [kontroll] alone, as library callers give it
        return CheckSettings(utanfor_aret=settings.utanfor_aret)
    return settings or CheckSettings()


Check = Callable[[Facts, CheckSettings], list[Problem]]


def _amounts(facts: Facts) -> pl.DataFrame | None:
    return facts.amounts_or_problems[0]


def _cost_checks(check) -> Check:
    """A check of the pools' amounts, which exist only when the keys allow them."""
    def run(facts: Facts, settings: CheckSettings) -> list[Problem]:
        amounts = _amounts(facts)
        return [] if amounts is None else check(facts, amounts)
    return run


CHECKS: tuple[tuple[str, Check], ...] = (
    ("belopp utanför intervallet", lambda f, s: amounts_out_of_range(f.tables)),
    ("regler", lambda f, s: list(f.rules.warnings)),
    ("huvudboksrader utan pool", lambda f, s: unmatched_ledger(f.ledger_pool, f.rules)),
    ("nycklar", lambda f, s: f.key_problems),
    ("rader utanför verksamhetsåret",
     lambda f, s: activity.outside_year(f.tables["aktivitet"], f.rules, f.year, s.utanfor_aret)),
    ("saknade timmar", lambda f, s: activity.without_hours(f.tables["aktivitet"], f.rules)),
    ("okända insatskoder", lambda f, s: activity.unknown_codes(f.tables, f.rules)),
    ("rader som ingen pool använder", lambda f, s: activity.unused(f.tables, f.rules)),
    ("brukare utan uppgifter", lambda f, s: plausible.persons_without_attributes(f.tables["person"])),
    ("orimliga värden", lambda f, s: plausible.implausible_ages(f.tables["person"], f.year)),
    ("orimliga värden", lambda f, s: plausible.implausible_volumes(
        f.tables["aktivitet"], f.volume_rows, f.rules, f.year, f.tables.get(LONG_DAYS))),
    ("nycklar", lambda f, s: f.amounts_or_problems[1]),
    ("kostnad utan volym", _cost_checks(
        lambda f, a: costs.cost_without_volume(a, f.volume_rows, f.rules))),
    ("kostnad utan volym", _cost_checks(
        lambda f, a: costs.direct_pool_without_rows(a, f.tables["direkt"], f.rules))),
    ("volym utan kostnad", _cost_checks(
        lambda f, a: costs.volume_without_cost(a, f.volume_rows, f.rules))),
    ("utfall", lambda f, s: effect_inputs.utfall_problems(
        f.table("utfall"), s.avslutsorsak, set(f.rules.insatser), code_map(f.rules))
     if f.table("utfall") is not None else []),
    ("hushåll", lambda f, s: effect_inputs.payments_without_household(
        f.tables["aktivitet"], f.tables["direkt"], settings_for(s.hushall, f.rules).bistand)),
    ("kolada", lambda f, s: effect_inputs.kolada_unmapped(f.table("kolada"), s.kolada_nyckeltal,
                                                          f.year)),
    ("kolada", lambda f, s: kolada_mapping_problems(s.kolada_nyckeltal, f.rules)),
    ("personnummer", lambda f, s: effect_inputs.numbers_in_rules(f.rules, f.year)),
    ("personnummer", lambda f, s: effect_inputs.numbers_in_kolada(f.table("kolada"), f.year)),
)


@dataclass(frozen=True)
class Checked:
    """The check's verdict and the facts the allocation continues from."""

    facts: Facts
    problems: list[Problem] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pl.DataFrame]:  # the inputs, insats codes mapped
        return self.facts.tables

    @property
    def ledger_pool(self) -> pl.DataFrame:
        return self.facts.ledger_pool

    @property
    def totals(self) -> dict[str, int]:
        return self.facts.totals

    @property
    def weights(self) -> dict:
        return self.facts.weights

    @property
    def volume_rows(self) -> pl.DataFrame:
        return self.facts.volume_rows

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_inputs(tables: dict[str, pl.DataFrame], rules: Rules, year: int,
                 settings: CheckSettings | KontrollSettings | None = None,
                 progress: Progress = silent, read_problems: list[Problem] = (),
                 timer: Timer | None = None) -> Checked:
    """Run every check of CHECKS over the facts of `tables` (the loaded inputs, plus the
    optional `kolada` and `befolkning`); `read_problems` are those found reading the optional
    inputs, reported with the rest."""
    settings = _settings(settings)
    facts = Facts(tables, rules, year, timer)
    problems = list(read_problems)
    for kind, check in CHECKS:
        problems += tagged(kind, check(facts, settings))
    progress(f"kontrollen fann {sum(p.is_error for p in problems)} fel och "
             f"{sum(not p.is_error for p in problems)} varningar")
    return Checked(facts, sorted(problems, key=str))


def tagged(kind: str, problems) -> list[Problem]:
    return [replace(p, kind=p.kind or kind) for p in problems]
