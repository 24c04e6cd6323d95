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
    allocation = timer.run("households", "Hushåll", _with_households, project, loaded, rules,
                           allocation)
    warnings = [*loaded.warnings, *rule_warnings, *allocation.warnings]
    manifest = _manifest(project, year, loaded, allocation, timer, started)
    output_dir = project.output_dir(year)
    timer.run("write", "Skriver resultat", _write, project, year, allocation, manifest)
    return RunResult(project, year, output_dir, allocation,
                     summary.compute_summary(allocation), timer.timings, warnings)


def jamfor(project_dir: str | Path, fran: int, till: int, progress: Progress = silent):
    """One KPB against the last: the two years' outputs side by side in ut/jamfor_FRAN_TILL/
    (kpb.report.compare). Both years must have been computed with the same key."""
    from dataclasses import replace

    from kpb.errors import error, raise_if_errors
    from kpb.report import compare

    project = Project.open(project_dir)
    index = project.jamfor.index
    missing = [y for y in (fran, till) if index and y not in index]
    raise_if_errors("jämförelse", [error("kpb.toml", None, "jamfor.index", (
        f"saknar ett värde för {y}: ange båda årens indextal")) for y in missing]
        + ([error(None, None, None, f"jämför ett tidigare år med ett senare: fann {fran} och "
                  f"{till}")] if fran >= till else [])
        + compare.missing_outputs(project.root / "ut", (fran, till), project.relative))
    timer = Timer(progress)
    years = [timer.run(f"read_{y}", f"Läser resultaten för {y}", compare.read_year,
                       project.root / "ut", y) for y in (fran, till)]
    result = timer.run("compare", "Jämför", compare.compare, *years, index,
                       project.jamfor.prisindex)
    target = project.root / "ut" / f"jamfor_{fran}_{till}"
    manifest = {"motor": {"namn": "kpb", "version": __version__}, "kommun": project.kommun,
                "fran": fran, "till": till, "prisindex": project.jamfor.prisindex,
                "index": {str(y): str(v) for y, v in sorted(index.items())},
                "indata": _output_files(project, (fran, till))}
    timer.run("write", "Skriver jämförelsen", compare.write, result, target, manifest)
    with duckdb.connect(str(project.database)) as con:
        _comparison_views(con, project.root / "ut")
    return replace(result, output_dir=target)


def _output_files(project: Project, years) -> list[dict]:
    files = [project.output_dir(y) / f"{n}.parquet" for y in years
             for n in ("insats", "brukare_insats")]
    return [{"fil": project.relative(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in files]


def _comparison_views(con, ut_folder: Path) -> None:
    from kpb.report.compare import TABLES
    from kpb.sqlfiles import sql as sql_text

    ut = str(ut_folder.resolve()).replace("'", "''")
    for name in TABLES:
        con.execute(sql_text("views/view").replace("{name}", name).replace("{ut}", ut))
        con.execute(sql_text(f"comments/{name}"))


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


def _with_households(project: Project, loaded, rules, allocation):
    """The allocation with hushall and hushall_insats (kpb.allocate.households)."""
    from dataclasses import replace

    from kpb.allocate.households import household_warnings, hushall, settings_for

    found = hushall(loaded.aktivitet, loaded.direkt, allocation.brukare_insats,
                    settings_for(project.hushall, rules))
    return replace(allocation, hushall=found.hushall, hushall_insats=found.hushall_insats,
                   warnings=[*allocation.warnings, *household_warnings(found)])


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
