"""The inputs that only kpb's effect tables read, checked with the rest in the check stage:
utfall rows (kpb.report.effect), kolada files (kpb.report.kolada) and bistånd paid outside
any household (kpb.allocate.households). `kpb check` and `kpb compute` report the same."""

from __future__ import annotations

from kpb.allocate.households import payments_without_household, settings_for
from kpb.check.codes import code_map
from kpb.check.stage import tagged
from kpb.errors import Problem
from kpb.report.effect import utfall_problems
from kpb.report.kolada import kolada_problems


def effect_problems(project, tables: dict, rules, year: int) -> list[Problem]:
    bistand = settings_for(project.hushall, rules).bistand
    return [*tagged("utfall", utfall_problems(tables["utfall"], project.utfall.avslutsorsak,
                                              set(rules.insatser), code_map(rules))),
            *tagged("kolada", kolada_problems(project.root, project.relative,
                                              project.kolada.nyckeltal, year)),
            *tagged("hushåll", payments_without_household(tables["aktivitet"], tables["direkt"],
                                                          bistand))]
