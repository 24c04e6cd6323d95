"""The library API: everything the CLI can do, as plain functions returning values.

Each function opens the project, runs its steps through a `Timer` (progress + timings) and
returns a result object; failures are `KpbError`s carrying every problem found. Nothing here
prints or imports click.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from kpb import __version__
from kpb.errors import Problem
from kpb.project import Project
from kpb.report import summary
from kpb.steps import Progress, StepTiming, Timer, silent


@dataclass(frozen=True)
class LoadResult:
    project: Project
    year: int
    loaded: object  # kpb.load.Loaded
    sections: list[summary.Section]
    timings: list[StepTiming]

    @property
    def warnings(self) -> list[Problem]:
        return self.loaded.warnings


@dataclass(frozen=True)
class RunResult:
    project: Project
    year: int
    output_dir: Path
    allocation: object  # kpb.allocate.Allocation
    sections: list[summary.Section]
    timings: list[StepTiming]
    warnings: list[Problem] = field(default_factory=list)


def load(project_dir: str | Path, year: int, progress: Progress = silent) -> LoadResult:
    """Read, validate and pseudonymise the year's exports and store them in kpb.duckdb."""
    project = Project.open(project_dir)
    timer = Timer(progress)
    loaded = _load_and_store(project, year, timer, progress)
    return LoadResult(project, year, loaded, summary.load_summary(loaded), timer.timings)


def check(project_dir: str | Path, year: int, progress: Progress = silent) -> LoadResult:
    """`load`, then check the rules of the year (when there are any) against the data."""
    from kpb.rules import read_rules

    project = Project.open(project_dir)
    timer = Timer(progress)
    rules = None
    if project.rules_file(year).is_file():  # the rules are checked before any data moves
        rules = timer.run("rules", "Läser regler", read_rules, project.rules_file(year), year,
                          _rules_name(project, year))
    loaded = _load_and_store(project, year, timer, progress)
    if rules is not None:
        loaded.warnings.extend(_validate(rules, loaded))
    return LoadResult(project, year, loaded, summary.load_summary(loaded), timer.timings)


def compute(project_dir: str | Path, year: int, progress: Progress = silent) -> RunResult:
    """Load → validate → allocate → write: the whole KPB run for one verksamhetsår."""
    from kpb.allocate import allocate
    from kpb.rules import read_rules
    started = time.perf_counter()
    project = Project.open(project_dir)
    timer = Timer(progress)
    rules = timer.run("rules", "Läser regler", read_rules, project.rules_file(year), year,
                      _rules_name(project, year))
    loaded = _load_and_store(project, year, timer, progress)

    rule_warnings = timer.run("validate", "Validerar mot reglerna", _validate, rules, loaded)
    # The frames just stored in kpb.duckdb are the same Arrow data a read-back would give;
    # reading 25M rows back would cost seconds and a second copy in memory.
    allocation = timer.run("allocate", "Fördelar kostnader", allocate, loaded.tables(), rules,
                           year, progress)
    warnings = [*loaded.warnings, *rule_warnings, *allocation.warnings]
    manifest = _manifest(project, year, loaded, allocation, timer, started)
    output_dir = project.output_dir(year)
    timer.run("write", "Skriver resultat", _write, project, year, allocation, manifest)
    return RunResult(project, year, output_dir, allocation,
                     summary.compute_summary(allocation), timer.timings, warnings)


def sql(project_dir: str | Path, query: str) -> pl.DataFrame:
    """Run a query against kpb.duckdb, with the output views refreshed first."""
    from kpb.write.views import refresh_views

    project = Project.open(project_dir)
    with duckdb.connect(str(project.database)) as con:
        refresh_views(con, project.root / "ut")
        return con.sql(query).pl()


def explain(project_dir: str | Path, year: int, person_id: str, insats: str | None = None):
    """The chain ledger rows → pool → overhead → styckkostnad → volume → cost for a person."""
    from kpb.report.explain import explain_person

    project = Project.open(project_dir)
    return explain_person(project, year, person_id, insats)


def synth(out: str | Path, invanare: int, year: int = 2024, seed: int = 1,
          progress: Progress = silent):
    """Generate a synthetic municipality project folder (see kpb.synth)."""
    from kpb.synth import generate

    return generate(Path(out), invanare, year, seed, progress)


@dataclass(frozen=True)
class ReportResult:
    project: Project
    year: int
    files: list[Path]


def rapport(project_dir: str | Path, year: int, progress: Progress = silent,
            publicera: bool = False) -> ReportResult:
    """The KPB report of a computed year: ut/<year>/kpb_<year>.xlsx and rapport.html, read
    from the year's Parquet outputs (run `compute` first). `publicera` writes the version for
    publication instead (kpb_<year>_publicerad.xlsx, rapport_publicerad.html), with cells
    that could identify a person withheld."""
    from kpb.report.build import write_report

    project = Project.open(project_dir)
    timer = Timer(progress)
    files = timer.run("report", "Skriver rapport", write_report, project, year, publicera)
    return ReportResult(project, year, files)


# -- steps ---------------------------------------------------------------------------

def _load_and_store(project: Project, year: int, timer: Timer, progress: Progress):
    from kpb.load import load_year
    from kpb.load.database import store

    def load_step():
        loaded = load_year(project, year, progress)
        store(project, year, loaded)
        return loaded

    return timer.run("load", "Läser in exporter", load_step,
                     rows_of=lambda l: l.ledger.height + l.aktivitet.height + l.direkt.height)


def _validate(rules, loaded) -> list[Problem]:
    """The rules checks that need data (key receivers, key weights); returns every rules
    warning, those found reading the file included."""
    from kpb.errors import raise_if_errors
    from kpb.rules import validate_against_data

    problems = validate_against_data(rules, loaded.nycklar, loaded.ledger)
    raise_if_errors("regler", problems)
    return [*rules.warnings, *problems]


def _write(project: Project, year: int, allocation, manifest: dict) -> None:
    from kpb.write.outputs import OUTPUTS, write_outputs
    from kpb.write.views import refresh_views

    frames = {name: getattr(allocation, name) for name in OUTPUTS}
    write_outputs(project.output_dir(year), year, frames, manifest)
    with duckdb.connect(str(project.database)) as con:
        refresh_views(con, project.root / "ut")


def _rules_name(project: Project, year: int) -> str:
    return project.relative(project.rules_file(year))


def _manifest(project, year, loaded, allocation, timer: Timer, started: float) -> dict:
    rules_bytes = project.rules_file(year).read_bytes()
    posts = allocation.avstamning
    return {
        "motor": {"namn": "kpb", "version": __version__},
        "kommun": project.kommun,
        "ar": year,
        "regler": {"fil": _rules_name(project, year),
                   "sha256": hashlib.sha256(rules_bytes).hexdigest()},
        "indata": loaded.files.sort("kalla_fil").to_dicts(),
        "avstamning_ore": posts.to_dicts(),
        "brukare": allocation.brukare.height,
        "tider": timer.as_dict(),
        "sekunder_fore_skrivning": round(time.perf_counter() - started, 3),
    }
