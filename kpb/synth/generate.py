"""`generate`: a complete synthetic KPB project folder that `kpb compute` runs as is.

The order of random draws is fixed, so a seed gives the same bytes on every run. Volumes
scale with the number of inhabitants (about 25 activity rows per inhabitant and year, most of
them hemtjänst visits); costs follow the volumes; overhead pools get their keys.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from kpb.errors import error, raise_if_errors
from kpb.steps import Progress, silent
from kpb.synth import aldreomsorg, ifo, population, rulesfile, writer
from kpb.synth import key_files as keys
from kpb.synth import ledger_rows as ledger
from kpb.synth.calendar import Year
from kpb.synth.organisation import Organisation, organisation
from kpb.synth.parts import Part

ROWS_PER_INHABITANT = 25
MARKER = "synth.json"  # says the folder was generated, so regenerating may replace it
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class SynthSummary:
    root: Path
    ar: int
    invanare: int
    seed: int
    files: dict[str, list[Path]]  # source -> files written
    rows: dict[str, int]  # source -> data rows written
    persons: int  # distinct persons with an insats or a direct amount
    seconds: float
    pools: int = 0
    ansvar_konto: int = 0  # distinct ansvar × konto combinations in the ledger
    extra: dict = field(default_factory=dict)


def generate(out: Path, invanare: int, year: int = 2024, seed: int = 1,
             progress: Progress = silent, population_of=None) -> SynthSummary:
    """`population_of(children, adults, elderly)`, when given, replaces the drawn segments
    (kpb.synth.years: an earlier year of the same people); the draws still happen, so every
    later draw is the same as in the year it continues."""
    started = time.perf_counter()
    out = Path(out)
    _check_target(out, invanare)
    rng = np.random.default_rng(seed)
    org = organisation(invanare)
    progress(f"genererar {invanare} invånare, år {year}, seed {seed} ...")
    part = _activities(rng, org, Year(year), population_of)
    cost = ledger.gross_costs(org, part.cost)
    ledger_rows = ledger.ledger(rng, org, cost, Year(year))
    progress("skriver filer ...")
    _clear_year(out, year)
    files, rows = _write_all(rng, out, org, year, seed, part, cost, ledger_rows)
    persons = _distinct_persons(part)
    summary = SynthSummary(out, year, invanare, seed, files, rows, persons,
                           time.perf_counter() - started, len(org.pools) + 1,
                           ledger_rows.select("ansvar", "konto").n_unique())
    _write_marker(out, summary)
    progress(f"klart på {summary.seconds:.1f} s: {rows['aktivitet']} aktivitetsrader")
    return summary


def _activities(rng, org: Organisation, year: Year, population_of=None) -> Part:
    n = org.invanare
    children = population.children(rng, round(n * ifo.CHILDREN) + 3, year.ar)
    adults = population.adults(rng, round(n * ifo.ADULTS) + 3, year.ar)
    elderly = population.elderly(rng, aldreomsorg.segment_size(n), year.ar)
    if population_of is not None:
        children, adults, elderly = population_of(children, adults, elderly)
    part = ifo.barn(rng, n, children, year)
    part.add(ifo.vuxna(rng, n, adults, year)).add(ifo.lss(rng, n, adults, year))
    small = aldreomsorg.aldreomsorg_beslut(rng, org, elderly, year)
    part.add(small)
    rows_so_far = sum(frame.height for _, frame in part.aktivitet)
    visits = max(n * ROWS_PER_INHABITANT - rows_so_far, n)
    return part.add(aldreomsorg.hemtjanst(rng, org, elderly, year, visits))


def _check_target(out: Path, invanare: int) -> None:
    problems = []
    if invanare < 500:
        problems.append(error(None, None, "invanare", f"fann {invanare}, väntade minst 500"))
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        problems.append(error(str(out), None, None,
                              "mappen finns och är inte en genererad kommun; välj en tom mapp"))
    raise_if_errors("synth", problems)


def _clear_year(out: Path, year: int) -> None:
    """A regenerated folder must not keep files from an earlier, larger generation."""
    shutil.rmtree(out / "data" / str(year), ignore_errors=True)


def _write_all(rng, out, org, year, seed, part: Part, cost, ledger_rows):
    data = out / "data" / str(year)
    files: dict[str, list[Path]] = {"ledger": [], "aktivitet": [], "direkt": [], "nycklar": []}
    rows = dict.fromkeys(files, 0)

    def put(source, path, count):
        files[source].append(path)
        rows[source] += count

    ifo_shares = keys.ifo_shares(rng, cost)
    (out / "regler").mkdir(parents=True, exist_ok=True)
    (out / "kpb.toml").write_text(rulesfile.settings_toml(org, seed), encoding="utf-8")
    (out / "regler" / f"{year}.toml").write_text(rulesfile.rules_toml(org, year, ifo_shares),
                                                 encoding="utf-8")
    path = data / "ledger" / f"kontoutfall_{year}.csv"
    put("ledger", path, writer.write_ledger(ledger_rows, path))
    for stem, frame in _by_file(part.aktivitet):
        path = data / "aktivitet" / f"{stem}_{year}.csv"
        put("aktivitet", path, writer.write_aktivitet(frame, path))
    for stem, frame in _by_file(part.direkt):
        path = data / "direkt" / f"{stem}_{year}.csv"
        put("direkt", path, writer.write_direkt(frame, path))
    for key in (keys.lokalyta(rng, org, cost), keys.arsarbetare(rng, org, cost)):
        path = data / "nycklar" / f"{key['nyckel'][0]}.csv"
        put("nycklar", path, writer.write_nycklar(key, path))
    return files, rows


def _by_file(frames: list[tuple[str, pl.DataFrame]]) -> list[tuple[str, pl.DataFrame]]:
    """Frames meant for the same export file, concatenated in the order they were made; an
    export kept as slices (hemtjänst visits, `aldreomsorg.Visits`) is its file alone."""
    stems = list(dict.fromkeys(stem for stem, _ in frames))
    together = [[f for s, f in frames if s == stem] for stem in stems]
    return [(stem, parts[0] if len(parts) == 1 else pl.concat(parts, how="diagonal_relaxed"))
            for stem, parts in zip(stems, together)]


def _distinct_persons(part: Part) -> int:
    """Ids in any export, with formats normalised (12 digits without '-'; children's
    10-digit ids only occur in one format, so they stay as they are)."""
    ids = [_persons(frame).unique().str.replace("-", "", literal=True).to_frame("person")
           for _, frame in part.aktivitet + part.direkt]
    return pl.concat(ids)["person"].n_unique()


def _persons(frame) -> pl.Series:
    return frame.persons() if hasattr(frame, "persons") else frame["person"]


def _write_marker(out: Path, summary: SynthSummary) -> None:
    marker = {"generator": GENERATOR_VERSION, "ar": summary.ar, "invanare": summary.invanare,
              "seed": summary.seed, "rader": summary.rows, "personer": summary.persons,
              "pooler": summary.pools, "ansvar_konto": summary.ansvar_konto,
              "filer": {s: [str(p.relative_to(out)) for p in ps]
                        for s, ps in summary.files.items()}}
    (out / MARKER).write_text(json.dumps(marker, indent=2, ensure_ascii=False) + "\n",
                              encoding="utf-8")
