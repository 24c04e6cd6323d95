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
from kpb.text import summary
from kpb.steps import Progress, StepTiming, Timer, silent
from kpb.write.outputs import OUTPUTS


@dataclass(frozen=True)
class LoadResult:
    project: Project
    year: int
    loaded: object  # kpb.load.Loaded
    sections: list[summary.Section]
    timings: list[StepTiming]
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class RunResult:
    project: Project
    year: int
    output_dir: Path
    allocation: object  # kpb.allocate.Allocation
    sections: list[summary.Section]
    timings: list[StepTiming]
    warnings: list[Problem] = field(default_factory=list)
    report_files: list[Path] = field(default_factory=list)


def load(project_dir: str | Path, year: int, progress: Progress = silent,
         new_key: bool = False) -> LoadResult:
    """Read, validate and pseudonymise the year's exports and store them in kpb.duckdb
    (the results in ut/<year> are left as they are). `new_key`: create a missing pseudonym
    key even though the project has earlier data."""
    from kpb.write.commit import recover, store_inputs

    project = _open(project_dir)
    recover(project)
    timer = Timer(progress)
    loaded = _read(project, year, timer, progress, new_key)
    try:
        timer.run("store", "Sparar i kpb.duckdb", store_inputs, project, year, loaded)
        return LoadResult(project, year, loaded, summary.load_summary(loaded), timer.timings,
                          loaded.warnings)
    finally:
        loaded.close()  # the files of a source read in pieces (kpb.load.spill)


def check(project_dir: str | Path, year: int, progress: Progress = silent,
          strikt: bool = False, new_key: bool = False) -> LoadResult:
    """Everything `compute` would refuse, found at once, and nothing written: the rules (when
    there are any), the exports, and the check stage of the data against the rules."""
    project = _open(project_dir)
    timer = Timer(progress)
    rules = None
    if project.rules_file(year).is_file():  # the rules are checked before any data moves
        rules = _read_rules(project, year, timer)
    loaded = _read(project, year, timer, progress, new_key)
    try:
        warnings = loaded.warnings
        checked = None
        if rules is not None:
            side = _read_side(project, year, timer)
            checked = _check(project, year, rules, loaded, side, timer, progress, strikt)
            warnings = [*loaded.warnings, *checked.warnings]
        else:  # the exports alone were checked: say so, since `compute` refuses to run
            warnings = [*warnings, _without_rules(project, year)]
            if strikt:
                _refuse_warnings(warnings)
        sections = summary.check_summary(loaded, checked, rules, warnings)
        return LoadResult(project, year, loaded, sections, timer.timings, warnings)
    finally:
        loaded.close()


def compute(project_dir: str | Path, year: int, progress: Progress = silent,
            strikt: bool = False, new_key: bool = False, report: bool = True) -> RunResult:
    """rules → read → check → allocate → analyse → write (results, report) and store: the
    whole KPB run for one verksamhetsår. Nothing is written until the allocation has
    succeeded; then the inputs (kpb.duckdb), the results and the report (ut/<year>) change
    together (kpb/write/commit.py). `report=False` leaves the report out."""
    from kpb.write.commit import recover

    started = time.perf_counter()
    project = _open(project_dir)
    recover(project)
    timer = Timer(progress)
    rules = _read_rules(project, year, timer)
    loaded = _read(project, year, timer, progress, new_key)
    try:
        side = _read_side(project, year, timer)
        return _compute_loaded(project, year, rules, loaded, side, timer, progress, strikt,
                               started, report)
    finally:
        loaded.close()  # the files of a source read in pieces (kpb.load.spill)


def _compute_loaded(project, year, rules, loaded, side, timer, progress, strikt, started,
                    report: bool) -> RunResult:
    from kpb.allocate.engine import allocate_checked
    from kpb.write.commit import commit

    checked = _check(project, year, rules, loaded, side, timer, progress, strikt)
    allocation = timer.run("allocate", "Fördelar kostnader", allocate_checked, checked, rules,
                           year, progress)
    allocation = timer.run("households", "Hushåll", _with_households, project, checked.tables,
                           rules, allocation)
    allocation = timer.run("outcomes", "Utfall för arbetsmarknadsinsatser", _with_outcomes,
                           project, checked.tables, rules, allocation, year)
    allocation = timer.run("kolada", "Jämförelsekommuner (Kolada)", _with_kolada, project,
                           checked.tables, side, rules, allocation, year)
    warnings = [*loaded.warnings, *checked.warnings]
    manifest = _manifest(project, year, loaded, allocation, warnings, timer, started)
    frames = {name: getattr(allocation, name) for name in OUTPUTS}
    render = None
    if report:
        render = _report_renderer(project, year, rules, side.befolkning, timer)
    output_dir = timer.run("write", "Skriver resultat, rapport och sparar indata", commit,
                           project, year, loaded, frames, manifest, render)
    _refresh_views(project)
    return RunResult(project, year, output_dir, allocation,
                     [*summary.compute_summary(allocation, warnings), *_effect_summary(allocation)],
                     timer.timings, warnings,
                     _report_files(output_dir, year) if report else [])


def _report_renderer(project: Project, year: int, rules, population, timer: Timer,
                     publish: bool = False):
    """The function the commit calls to render the report into its staging folder."""
    from kpb.report.build import render_report
    from kpb.report.disclosure import Rule

    def render(folder: Path):
        return timer.run("report", "Skriver rapport", render_report, folder, year,
                         project.kommun, project.invanare, rules, population, publish,
                         Rule.of(project))
    return render


def _report_files(folder: Path, year: int, publish: bool = False) -> list[Path]:
    from kpb.report.build import report_names

    return [folder / name for name in report_names(year, publish)]


def jamfor(project_dir: str | Path, fran: int, till: int, progress: Progress = silent):
    """One KPB against the last: the two years' outputs side by side in ut/jamfor_FRAN_TILL/
    (kpb.analyse.compare). Both years must have been computed with the same key. The report
    of `till`, when there is one, is rewritten with the comparison."""
    from dataclasses import replace

    from kpb.analyse import compare
    from kpb.errors import error, raise_if_errors
    from kpb.write.commit import recover
    from kpb.write.comparison import write_comparison

    project = _open(project_dir)
    recover(project)
    index = project.jamfor.index
    missing = [("jamfor.index", y) for y in (fran, till) if index and y not in index]
    missing += [(f"jamfor.eget_index.{target}.index", y)
                for target, (_, own) in sorted(project.jamfor.eget_index.items())
                for y in (fran, till) if y not in own]
    raise_if_errors("jämförelse", [error("kpb.toml", None, where, (
        f"saknar ett värde för {y}: ange båda årens indextal")) for where, y in missing]
        + ([error(None, None, None, f"jämför ett tidigare år med ett senare: fann {fran} och "
                  f"{till}")] if fran >= till else [])
        + compare.missing_outputs(project.ut, (fran, till), project.relative))
    from kpb.integrity import changed_outputs
    from kpb.load.key_fingerprint import check_same_key

    raise_if_errors("jämförelse", [error(f"ut/{y}/manifest.json", None, None, (
        f"{what} efter körningen: jämförelsen läser bara resultat som kpb skrev; kör "
        f"`kpb compute {y}`")) for y in (fran, till)
        for what in changed_outputs(project.output_dir(y))])

    check_same_key(project.output_dir(fran) / "manifest.json",
                   project.output_dir(till) / "manifest.json",
                   (f"ut/{fran}/manifest.json", f"ut/{till}/manifest.json"))
    timer = Timer(progress)
    years = [timer.run(f"read_{y}", f"Läser resultaten för {y}", compare.read_year,
                       project.ut, y) for y in (fran, till)]
    result = timer.run("compare", "Jämför", compare.compare, *years, index,
                       project.jamfor.prisindex, project.jamfor.eget_index)
    target = project.comparison_dir(fran, till)
    manifest = {"motor": {"namn": "kpb", "version": __version__}, "kommun": project.kommun,
                "fran": fran, "till": till, "prisindex": project.jamfor.prisindex,
                "index": {str(y): str(v) for y, v in sorted(index.items())},
                "indata": _output_files(project, (fran, till))}
    timer.run("write", "Skriver jämförelsen", write_comparison, project, result.tables, target,
              manifest)
    _refresh_views(project)
    for publish in (False, True):  # the reports of `till` get the comparison
        if (project.output_dir(till) / _report_files(Path(), till, publish)[0]).is_file():
            _rewrite_report(project, till, timer, publish)
    return replace(result, output_dir=target)


def _output_files(project: Project, years) -> list[dict]:
    files = [project.output_dir(y) / f"{n}.parquet" for y in years
             for n in ("insats", "brukare_insats")]
    return [{"fil": project.relative(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in files]


def sql(project_dir: str | Path, query: str, year: int | None = None) -> pl.DataFrame:
    """Run one SELECT against kpb.duckdb: read-only, reading no file but the results in ut/
    (kpb.write.views.readonly_connection); anything else is KpbError("sql"). The plain view
    and table names show `year` (default: the latest computed), `<name>_alla_ar` every year."""
    from kpb.write.commit import recover
    from kpb.write.views import query_readonly

    project = _open(project_dir)
    recover(project)
    return query_readonly(project.database, project.ut, query, year, project.jamfor.index)


def sql_notes(project_dir: str | Path) -> list[str]:
    """What a reader of `kpb sql` must know about the results folders: comparisons whose years
    were computed again after them, and outputs changed or removed by hand (by size: a quick
    look on every query; `kpb rapport` compares the SHA-256)."""
    from kpb.integrity import changed_outputs, stale_comparisons
    from kpb.write.views import computed_years

    project = _open(project_dir)
    ut = project.ut
    notes = [_stale_note(name) for name in stale_comparisons(ut)]
    for year in computed_years(ut):
        notes += [f"ut/{year}/{what} efter körningen (manifest.json): kör `kpb compute {year}`"
                  for what in changed_outputs(project.output_dir(year), by_content=False)]
    return notes


def _stale_note(name: str) -> str:
    kind, *years = name.split("_")
    if kind == "uppfoljning":
        return (f"ut/{name} är inaktuell: {years[0]} har beräknats om efter uppföljningen; kör "
                f"`kpb uppfoljning {years[0]}` igen")
    return (f"ut/{name} är inaktuell: ett av åren har beräknats om efter jämförelsen; kör "
            f"`kpb jamfor {' '.join(years)}` igen")


def explain(project_dir: str | Path, year: int, person_id: str, insats: str | None = None):
    """The chain ledger rows → pool → overhead → styckkostnad → volume → cost for a person."""
    from kpb.text.explain import explain_person
    from kpb.write.commit import recover

    project = _open(project_dir)
    recover(project)
    return explain_person(project, year, person_id, insats)


def synth(out: str | Path, invanare: int, year: int = 2024, seed: int = 1,
          progress: Progress = silent, tidigare: tuple[int, ...] = ()):
    """Generate a synthetic municipality project folder (see kpb.synth); with `tidigare`,
    also those earlier years of the same people, and outcomes (kpb.synth.years)."""
    from kpb.synth import generate

    _synth_limits(invanare, year, seed, tidigare)
    if tidigare:
        from kpb.synth.years import generate_years

        return generate_years(Path(out), invanare, (year, *tidigare), seed, progress)
    return generate(Path(out), invanare, year, seed, progress)


# Measured: kpb synth peaked at 2.9 GiB for 1M invånare and two years (docs/design.md).
SYNTH_GIB_PER_MILLION_YEAR = 1.5


def _synth_limits(invanare: int, year: int, seed: int, tidigare: tuple[int, ...]) -> None:
    """What kpb synth can make, said before it starts: a positive size that fits in this
    machine's memory, a seed of 0 or more, earlier years before the year."""
    import os

    from kpb.errors import error, raise_if_errors

    problems = []
    if invanare < 1:
        problems.append(error(None, None, "--invanare", f"fann {invanare}, väntade minst 1"))
    if seed < 0:
        problems.append(error(None, None, "--seed", f"fann {seed}, väntade 0 eller mer"))
    problems += [error(None, None, "--tidigare", f"fann {y}, väntade ett år före {year}")
                 for y in tidigare if y >= year]
    needed = SYNTH_GIB_PER_MILLION_YEAR * invanare / 1e6 * (1 + len(tidigare))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    if needed > 0.8 * memory:
        most = int(0.8 * memory / needed * invanare)
        problems.append(error(None, None, "--invanare", (
            f"{_spaced(invanare)} invånare behöver ungefär {needed:.0f} GiB minne, maskinen "
            f"har {memory:.0f} GiB: välj högst {_spaced(most)} invånare")))
    raise_if_errors("synth", problems)


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


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
    that could identify a person withheld. The folder is staged and swapped under the
    project lock, so a kill leaves the old report or the new one."""
    from kpb.write.commit import recover

    project = _open(project_dir)
    recover(project)
    timer = Timer(progress)
    return ReportResult(project, year, _rewrite_report(project, year, timer, publicera))


def _rewrite_report(project: Project, year: int, timer: Timer, publish: bool) -> list[Path]:
    from kpb.errors import KpbError, error
    from kpb.load.population import read_population
    from kpb.write.commit import rewrite_report

    from kpb.integrity import changed_outputs

    target = project.output_dir(year)
    if not (target / "manifest.json").is_file():
        raise KpbError("rapport", [error(project.relative(target), None, None, (
            f"inga resultat för {year}: kör `kpb compute {year}` först"))])
    changed = changed_outputs(target)
    if changed:  # a report of edited files would contradict the manifest and the views
        raise KpbError("rapport", [error(project.relative(target / "manifest.json"), None, None, (
            f"{what} efter körningen (stämmer inte med manifest.json): rapporten skrivs bara "
            f"av resultat som kpb skrev; kör `kpb compute {year}`")) for what in changed])
    rules = None
    if project.rules_file(year).is_file():
        rules = _read_rules(project, year, timer)
    render = _report_renderer(project, year, rules, read_population(project, year), timer,
                              publish)
    folder = rewrite_report(project, year, render)
    return _report_files(folder, year, publish)


@dataclass(frozen=True)
class FollowupResult:
    project: Project
    year: int
    output_dir: Path
    followup: object  # kpb.analyse.uppfoljning.Followup
    sections: list[summary.Section]
    timings: list[StepTiming]


def uppfoljning(project_dir: str | Path, year: int, progress: Progress = silent,
                datum: tuple = (), manader: int | None = None) -> FollowupResult:
    """The year month by month (kpb.analyse.uppfoljning, formats.md §11): cost and volume per
    insats and område, brukare flows by age band, point-in-time counts (the 15th of every
    month, or the days of `datum`), ekonomiskt bistånd per month. Reads the year's inputs as
    loaded in kpb.duckdb (`kpb compute` or `kpb load` first) and the rules; writes
    ut/uppfoljning_<year>/ staged and swapped under the project lock, and its views.
    `manader`: N for new and ended (default the rules' [uppfoljning] manader, else 3)."""
    from dataclasses import replace

    from kpb.analyse.uppfoljning import followup
    from kpb.analyse.uppfoljning.settings import read_settings
    from kpb.check import CheckSettings
    from kpb.errors import error, raise_if_errors
    from kpb.flow.settings import settings_for
    from kpb.analyse.uppfoljning.stored import money_problems, stored_tables
    from kpb.flow.facts import Facts
    from kpb.write.commit import recover
    from kpb.write.followup import write_followup

    project = _open(project_dir)
    recover(project)
    timer = Timer(progress)
    rules = _read_rules(project, year, timer)
    settings = read_settings(project.rules_file(year), _rules_name(project, year), manader,
                             tuple(datum))
    settings = replace(settings, bistand=settings_for(project.hushall, rules).bistand)
    tables = timer.run("read", "Läser årets indata ur kpb.duckdb", stored_tables,
                       project, year)
    raise_if_errors("uppföljning", [] if tables["ledger"].height else [error(
        project.relative(project.database), None, None, (
            f"inga inlästa indata för {year}: kör `kpb compute {year}` (eller `kpb load "
            f"{year}`) först"))])
    facts = Facts(tables, rules, year, Timer(progress))
    raise_if_errors("kontroll", [p for p in timer.run(
        "check", "Kontrollerar huvudbok och nycklar mot reglerna", money_problems, facts,
        CheckSettings.of(project)) if p.is_error])
    later, covered = _next_year_payments(project, year)
    found = timer.run("followup", "Följer upp månad för månad", followup, facts, settings,
                      project.invanare, later, covered)
    target = project.ut / f"uppfoljning_{year}"
    manifest = {"motor": {"namn": "kpb", "version": __version__}, "kommun": project.kommun,
                "ar": year, "delar": found.delar, "sista_manad": found.last_month,
                "nya_avslutade_manader": settings.manader,
                "matdagar": sorted({d.isoformat() for d in found.punkt["datum"].to_list()}),
                "regler": {"fil": _rules_name(project, year), "sha256": hashlib.sha256(
                    project.rules_file(year).read_bytes()).hexdigest()},
                # the year's results it must sum to: a recompute of the year makes it stale
                "indata": (_output_files(project, (year,))
                           if (project.output_dir(year) / "insats.parquet").is_file() else []),
                "tider": timer.as_dict()}
    timer.run("write", "Skriver uppföljningen", write_followup, project, found.tables(), target,
              year, found.delar, manifest)
    _refresh_views(project)
    return FollowupResult(project, year, target, found, _followup_sections(found, year),
                          timer.timings)


def _next_year_payments(project: Project, year: int):
    """The next year's direkt rows and its last month, when that year is loaded too (the
    non-return share of ekonomiskt bistånd looks 12 months ahead); else (None, None)."""
    from kpb.analyse.uppfoljning.stored import stored_tables

    following = stored_tables(project, year + 1, ("ledger", "direkt"))
    periods = following["ledger"]["period"].drop_nulls()
    if not periods.len():
        return None, None
    last = int(periods.max())
    return following["direkt"], (last // 100) * 12 + last % 100 - 1


def _followup_sections(found, year: int) -> list[summary.Section]:
    from kpb.money import MONTH_NAMES, format_sek

    months = found.last_month
    title = f"Uppföljning {year}" + (
        f" (delår: januari–{MONTH_NAMES[int(months) - 1]})" if found.delar else "")
    by_area = found.manad_omrade.group_by("omrade").agg(pl.col("kostnad_ore").sum()).sort("omrade")
    rows = [("månader", f"1–{months}"), *[(f"kostnad {a}", f"{format_sek(k)} kr")
                                         for a, k in by_area.iter_rows()],
            ("insatser × månader", str(found.manad_insats.height)),
            ("mätdagar", str(found.punkt["datum"].n_unique()))]
    return [summary.Section(title, rows)]


@dataclass(frozen=True)
class VemResult:
    person_id: str
    among_brukare: bool  # the person has a cost in the year's brukare.parquet


def vem(project_dir: str | Path, year: int, personnummer: str) -> VemResult:
    """The person_id of a personnummer under the project's key (never creates a key)."""
    from kpb.text.vem import person_id_of

    project = _open(project_dir)
    return VemResult(*person_id_of(project, year, personnummer))


# -- steps ---------------------------------------------------------------------------

def _open(project_dir: str | Path) -> Project:
    """The project, refused by name when its path holds a `?`: DuckDB cuts a database path at
    `?` (it writes its journal beside the wrong name), so kpb.duckdb could not be kept there.
    `*`, `[` and `]` work: kpb brackets them for DuckDB's and Polars' readers."""
    from kpb.errors import error, raise_if_errors

    raise_if_errors("projekt", [error(str(project_dir), None, None, (
        "projektmappens sökväg innehåller '?', som DuckDB inte kan öppna en databas under: "
        "byt namn på mappen (till exempel utan frågetecken) och kör igen"))]
        if "?" in str(Path(project_dir).resolve()) else [])
    return Project.open(project_dir)


def _read_rules(project: Project, year: int, timer: Timer):
    from kpb.rules import read_rules

    return timer.run("rules", "Läser regler", read_rules, project.rules_file(year), year,
                     _rules_name(project, year))


def _read(project: Project, year: int, timer: Timer, progress: Progress, new_key: bool = False):
    from kpb.load import height, load_year

    return timer.run("load", "Läser in exporter", load_year, project, year, progress, new_key,
                     rows_of=lambda l: l.ledger.height + height(l.aktivitet) + l.direkt.height)


def _read_side(project: Project, year: int, timer: Timer):
    """kolada/*.csv and befolkning.csv, read once per run (kpb.load.side_inputs)."""
    from kpb.load.side_inputs import read_side_inputs

    return timer.run("side_inputs", "Läser Kolada och befolkning", read_side_inputs, project, year)


def _check(project: Project, year: int, rules, loaded, side, timer: Timer, progress: Progress,
           strikt: bool):
    """The check stage (every check of kpb.check.stage.CHECKS); KpbError("kontroll") with
    every problem when it finds errors (or, with `strikt`, any warning)."""
    from kpb.check import CheckSettings, check_inputs
    from kpb.errors import raise_if_errors

    checked = timer.run("check", "Kontrollerar indata mot reglerna", check_inputs,
                        {**loaded.tables(), **loaded.summaries, **side.tables()}, rules, year,
                        CheckSettings.of(project), progress, side.problems)
    problems = [*loaded.warnings, *checked.problems]
    raise_if_errors("kontroll", problems)
    if strikt:
        _refuse_warnings(problems)
    return checked


def _without_rules(project: Project, year: int) -> Problem:
    from dataclasses import replace

    from kpb.errors import warning

    return replace(warning(_rules_name(project, year), None, None, (
        "regelfilen saknas: bara exporterna kontrollerades, inte data mot reglerna, och "
        f"`kpb compute {year}` kräver den")), kind="regler")


def _refuse_warnings(warnings: list[Problem]) -> None:
    """--strikt: every warning is an error."""
    from dataclasses import replace

    from kpb.errors import KpbError, Severity

    if warnings:
        raise KpbError("kontroll (strikt)", [replace(w, severity=Severity.ERROR) for w in warnings])


def _refresh_views(project: Project) -> None:
    from kpb.write.views import refresh_views

    with duckdb.connect(str(project.database)) as con:
        refresh_views(con, project.ut, project.jamfor.index)


def _with_households(project: Project, tables: dict, rules, allocation):
    """The allocation with hushall and hushall_insats (kpb.analyse.households)."""
    from dataclasses import replace

    from kpb.analyse.households import hushall
    from kpb.flow.settings import settings_for

    found = hushall(tables["aktivitet"], tables["direkt"], allocation.brukare_insats,
                    settings_for(project.hushall, rules))
    return replace(allocation, hushall=found.hushall, hushall_insats=found.hushall_insats)


def _with_outcomes(project: Project, tables: dict, rules, allocation, year: int):
    """The allocation with utfall_insats and utfall_deltagare (kpb.analyse.outcomes)."""
    from dataclasses import replace

    from kpb.flow.codes import code_map
    from kpb.flow.settings import settings_for
    from kpb.analyse.outcomes import outcomes

    found = outcomes(tables["utfall"], allocation.brukare_insats, tables["direkt"],
                     project.utfall.avslutsorsak, settings_for(project.hushall, rules).bistand,
                     set(rules.insatser), code_map(rules), year)
    return replace(allocation, utfall_insats=found.utfall,
                   utfall_deltagare=found.utfall_deltagare)


def _effect_summary(allocation) -> list:
    from kpb.text.effect_summary import effect_summary

    return effect_summary(allocation)


def _with_kolada(project: Project, tables: dict, side, rules, allocation, year: int):
    """The allocation with kolada (kpb.analyse.kolada): the project's Kolada values of the
    year beside kpb's own figures (the files and mappings were checked in the check stage)."""
    from dataclasses import replace

    from kpb.analyse.bistand_persons import adult_recipients
    from kpb.analyse.kolada import kolada_table, own_figures
    from kpb.flow.settings import settings_for

    figures = project.kolada.nyckeltal
    households = settings_for(project.hushall, rules)
    recipients = adult_recipients(tables["aktivitet"], tables["direkt"], tables["person"],
                                  households.bistand) if figures else None
    own = own_figures(figures, allocation, project.invanare, side.befolkning, recipients,
                      households.langvarigt_manader)
    return replace(allocation, kolada=kolada_table(side.kolada, figures, own, project.kommun,
                                                   year, rules))


def _key_entry(loaded) -> dict:
    """manifest.json's fingerprint of the pseudonym key (kpb.load.key_fingerprint)."""
    from kpb.load.key_fingerprint import manifest_entry

    avtryck = getattr(loaded, "nyckelavtryck", None)
    return manifest_entry(avtryck) if avtryck else {}


def _rules_name(project: Project, year: int) -> str:
    return project.relative(project.rules_file(year))


def _manifest(project, year, loaded, allocation, warnings, timer: Timer, started: float) -> dict:
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
        **_key_entry(loaded),
        "brukare": allocation.brukare.height,
        "varningar": summary.warnings_record(warnings),
        "tider": timer.as_dict(),
        "sekunder_fore_skrivning": round(time.perf_counter() - started, 3),
    }


# -- text for the terminal (kpb.text), so the CLI talks to this module only ---------------

def render_text(sections) -> list[str]:
    from kpb.text.summary import render

    return render(sections)


def mask(text: str) -> str:
    """`text` with anything shaped like a personnummer masked."""
    from kpb.load.personnummer import mask_within

    return mask_within(text)


def comparison_sections(comparison) -> list:
    from kpb.text.comparison import sections

    return sections(comparison)


def sql_csv(frame: pl.DataFrame, csv_format: str = "svensk") -> str:
    from kpb.text import sqlout

    return sqlout.swedish_csv(frame) if csv_format == "svensk" else sqlout.plain_csv(frame)


def sql_table(frame: pl.DataFrame, max_rows: int) -> str:
    from kpb.text import sqlout

    return sqlout.terminal_table(frame, max_rows)


def check_export_targets(project_dir: str | Path, targets: dict, overwrite: bool) -> None:
    """`kpb sql --xlsx/--parquet` writes only where it is told and never over the project:
    a target inside ut/, data/, regler/ or kolada/, or the key, the database or the settings
    file, is refused; an existing file is replaced only with `overwrite` (--skriv-over)."""
    from kpb.errors import error, raise_if_errors

    project = _open(project_dir)
    problems = []
    for kind, path in targets.items():
        if not path:
            continue
        reason = _protected(project, Path(path))
        if reason:
            problems.append(error(None, None, f"--{kind}", (
                f"{path} är {reason}: kpb sql skriver aldrig över projektets egna filer; "
                "välj en fil utanför projektets mappar")))
        elif not Path(path).parent.is_dir():
            problems.append(error(None, None, f"--{kind}", (
                f"mappen {Path(path).parent} finns inte: skapa den först eller välj en fil i "
                "en befintlig mapp")))
        elif Path(path).exists() and not overwrite:
            problems.append(error(None, None, f"--{kind}", (
                f"{path} finns redan: välj ett annat namn, eller ange --skriv-over för att "
                "ersätta den")))
    raise_if_errors("sql", problems)


def _protected(project: Project, path: Path) -> str:
    target = path.resolve()
    for folder in project.own_folders:
        if target.is_relative_to(folder.resolve()):
            return f"i projektets mapp {project.relative(folder)}/"
    for own in project.own_files:
        same = target == own.resolve()
        if same or (target.parent == own.resolve().parent  # kpb.duckdb.wal and the like
                    and target.name.startswith(own.name + ".")):
            return f"projektets egen fil {own.name}"
    return ""


def export_sql(project_dir: str | Path, frame: pl.DataFrame, path: Path, kind: str, query: str,
               overwrite: bool = False) -> Path:
    """Write a `kpb sql` result to `path` (checked by check_export_targets), through a
    temporary file beside it, so a failed write leaves no half file."""
    import os

    from kpb.text import sqlout

    check_export_targets(project_dir, {kind: path}, overwrite)
    path = Path(path)
    staging = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if kind == "parquet":
            frame.write_parquet(staging)
        else:
            sqlout.write_xlsx(frame, staging, query)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return path


# -- the KPB network (kpb.network) ----------------------------------------------------------

def synth_network(out: str | Path, kommuner: int, largest: int, year: int = 2024,
                  seed: int = 1, progress: Progress = silent) -> list:
    """`kommuner` synthetic projects of varied size (up to `largest` invånare) and cost level
    in out/9001, out/9002, … (kpb.network.synthetic)."""
    from kpb.network.synthetic import synth_network as generate_network

    return generate_network(Path(out), kommuner, year, seed, min(3_000, largest), largest,
                            progress)


def dela(project_dir: str | Path, year: int, kommunkod: str | None = None,
         ut: str | Path | None = None, progress: Progress = silent):
    """The year's published KPB as a sharing package (kpb.network.share): Parquet in
    `<ut>/kommun=<kod>/ar=<år>/` (default ut/dela/ in the project), only aggregates, cells of
    fewer than 3 brukare withheld. `kommunkod`: the SCB code, else `kommunkod` in kpb.toml."""
    from kpb.network.share import SHARE_FOLDER, kommunkod_of, share
    from kpb.write.commit import project_lock, recover

    project = Project.open(project_dir)
    recover(project)
    code = kommunkod_of(project, kommunkod)
    root = Path(ut) if ut is not None else project.root / "ut" / SHARE_FOLDER
    timer = Timer(progress)
    return timer.run("dela", "Skriver delningspaketet", share, project, year, code, root,
                     __version__, project_lock(project))


def natverk(folder: str | Path, ar: int | None = None, kommun: str | None = None,
            ut: str | Path | None = None, motor: str = "duckdb", index: dict | None = None,
            progress: Progress = silent):
    """Every sharing package under `folder` compared (kpb.network.compare): per insats and
    område across kommuner, written to `<ut>` (default `<folder>/natverk_<år>/`) as Parquet,
    a workbook and a web page. `motor`: "duckdb" or "spark" (the same SQL); `index`: year ->
    price index for changes in fixed prices."""
    from kpb.network.compare import natverk as compare_network

    timer = Timer(progress)
    return timer.run("natverk", f"Jämför delningspaketen ({motor})", compare_network,
                     Path(folder), ar, kommun, Path(ut) if ut is not None else None, motor,
                     index)
