"""The inputs that only kpb's effect tables read, checked with the rest in the check stage:
utfall rows (kpb.analyse.outcomes), kolada files (kpb.analyse.kolada), the population file
(kpb.analyse.population) and bistånd paid outside any household (kpb.analyse.households). `kpb check` and `kpb compute` report the same."""

from __future__ import annotations

from kpb.analyse.households import payments_without_household, settings_for
from kpb.flow.codes import code_map
from kpb.check.stage import tagged
from kpb.errors import KpbError, Problem
from kpb.analyse.outcomes import utfall_problems
from kpb.analyse.kolada import kolada_problems
from kpb.load.population import read_population


def effect_problems(project, tables: dict, rules, year: int) -> list[Problem]:
    bistand = settings_for(project.hushall, rules).bistand
    return [*tagged("utfall", utfall_problems(tables["utfall"], project.utfall.avslutsorsak,
                                              set(rules.insatser), code_map(rules))),
            *tagged("kolada", kolada_problems(project.root, project.relative,
                                              project.kolada.nyckeltal, year)),
            *tagged("hushåll", payments_without_household(tables["aktivitet"], tables["direkt"],
                                                          bistand)),
            *tagged("befolkning", population_problems(project, year))]


def population_problems(project, year: int) -> list[Problem]:
    """The problems of data/<year>/befolkning.csv, which only the report reads: found here so
    that `check` refuses what would make `compute` stop after writing, at the report."""
    try:
        read_population(project, year)
    except KpbError as failure:
        return failure.problems
    return []
