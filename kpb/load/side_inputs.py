"""The optional inputs beside a year's exports, read once per run: Kolada values of
comparison municipalities (`kolada/*.csv`) and the population by age
(`data/<year>/befolkning.csv`). Their problems are reported by the check stage with the rest."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kpb.errors import KpbError, Problem
from kpb.load.kolada_files import read_kolada
from kpb.load.population import read_population
from kpb.project import Project


@dataclass(frozen=True)
class SideInputs:
    kolada: pl.DataFrame
    befolkning: pl.DataFrame | None
    problems: list[Problem] = field(default_factory=list)

    def tables(self) -> dict:
        return {"kolada": self.kolada, "befolkning": self.befolkning}


def read_side_inputs(project: Project, year: int) -> SideInputs:
    kolada, problems = read_kolada(project.root, project.relative)
    problems = [p if p.kind else _kind(p, "kolada") for p in problems]
    try:
        befolkning = read_population(project, year)
    except KpbError as failure:
        befolkning = None
        problems += [_kind(p, "befolkning") for p in failure.problems]
    return SideInputs(kolada, befolkning, problems)


def _kind(problem: Problem, kind: str) -> Problem:
    from dataclasses import replace

    return replace(problem, kind=kind)
