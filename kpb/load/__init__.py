"""The load stage: files of a project year -> validated, pseudonymised Polars frames.

    load_year(project, year) reads data/<year>/{ledger,aktivitet,direkt,nycklar}/, parses
    every file into typed rows with provenance (kalla_fil, kalla_rad), checks them, replaces
    personnummer by pseudonyms and returns `Loaded`. Every problem of every file is collected;
    any error raises KpbError("inläsning", problems).

`kpb.load.database.store` then writes a `Loaded` into kpb.duckdb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, Problem, error, warning
from kpb.load import persons, schemas
from kpb.load.csvfile import read_csv
from kpb.load.problems import masked
from kpb.load.pseudonym import load_key
from kpb.load.sie import read_sie
from kpb.load.sources import Context, Typed, typed_rows
from kpb.load.textfile import TextTable
from kpb.load.xlsxfile import read_xlsx
from kpb.project import SOURCES, Project, SourceSettings
from kpb.steps import Progress, silent

SUFFIXES = {"ledger": (".csv", ".xlsx", ".se", ".si"), "aktivitet": (".csv", ".xlsx"),
            "direkt": (".csv", ".xlsx"), "nycklar": (".csv", ".xlsx")}


@dataclass(frozen=True)
class Loaded:
    year: int
    ledger: pl.DataFrame
    aktivitet: pl.DataFrame
    direkt: pl.DataFrame
    nycklar: pl.DataFrame
    person: pl.DataFrame
    files: pl.DataFrame  # the inlast_fil table
    warnings: list[Problem] = field(default_factory=list)

    def tables(self) -> dict[str, pl.DataFrame]:
        """Table name in kpb.duckdb -> frame."""
        return {"ledger": self.ledger, "aktivitet": self.aktivitet, "direkt": self.direkt,
                "nycklar": self.nycklar, "person": self.person, "inlast_fil": self.files}


def load_year(project: Project, year: int, progress: Progress = silent) -> Loaded:
    key = load_key(project, progress)  # also for redan_pseudonym: hushall is hashed anyway
    ctx = Context(year, project.pseudonym, key)
    problems: list[Problem] = []
    texts = {source: _read_source(project, year, source, problems) for source in SOURCES}
    progress(f"läste {sum(len(t) for t in texts.values())} filer för {year}")
    files = _files_table(year, texts)
    rows = {source: _typed_source(project, source, texts[source], ctx, problems)
            for source in SOURCES}
    problems = masked(problems)  # whatever a message quotes, no personnummer leaves here
    if any(p.is_error for p in problems):
        raise KpbError("inläsning", problems)
    return _assemble(year, rows, files, problems)


def _read_source(project: Project, year: int, source: str, problems) -> list[TextTable]:
    folder = project.data_dir(year, source)
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    tables = []
    for path in paths:  # a handful of files per source
        table, found = _read_file(project, path, source, year)
        problems += found
        if table is not None:
            tables.append(table)
    if source == "ledger" and not tables and not problems:
        problems.append(error(project.relative(folder), None, None,
                              "inga huvudboksfiler: väntade *.csv, *.xlsx, *.se eller *.si"))
    return tables


def _read_file(project: Project, path: Path, source: str, year: int):
    file = project.relative(path)
    suffix = path.suffix.lower()
    if path.name.startswith(".") or not path.is_file():
        return None, []
    if suffix not in SUFFIXES[source]:
        return None, [warning(file, None, None, "okänd filtyp, filen lästes inte: väntade "
                              + ", ".join(f"*{s}" for s in SUFFIXES[source]))]
    if suffix in (".se", ".si"):
        return read_sie(path, file, project.sie, year)
    if suffix == ".xlsx":
        return read_xlsx(path, file)
    return read_csv(path, file, project.source(source))


def _typed_source(project, source, tables, ctx, problems) -> list[Typed]:
    typed = []
    while tables:
        table = tables.pop(0)  # its text is let go as soon as it is typed
        # SIE rows already carry canonical names; kolumner in kpb.toml is for CSV/XLSX
        settings = SourceSettings() if table.canonical_headers else project.source(source)
        rows, found = typed_rows(source, table, settings, ctx)
        problems += found
        if rows is not None:
            typed.append(rows)
    return typed


def _assemble(year, typed, files, problems) -> Loaded:
    frames, attributes = {}, []
    for source in SOURCES:
        attributes += [t.attributes for t in typed[source] if t.attributes is not None]
        frames[source] = _table(typed[source], year, schemas.TABLES[source])
    person = (persons.person_table(pl.concat(attributes), year) if attributes
              else schemas.empty(schemas.PERSON))
    return Loaded(year, frames["ledger"], frames["aktivitet"], frames["direkt"],
                  frames["nycklar"], schemas.conform(person, schemas.PERSON),
                  files, sorted(problems, key=str))


def _table(typed: list[Typed], year: int, schema: dict) -> pl.DataFrame:
    """The files' rows as one table with `ar`, every column in one chunk.

    Selecting from (or exporting) columns whose chunks do not line up makes Polars copy every
    column again, seconds at 25M rows; rechunking the whole frame at once would hold two
    copies of it (3 GB each at 1M invånare). So the files' frames are let go (the list is
    emptied) and the columns are rechunked one at a time, each old column freed as it goes.
    """
    if not typed:
        return schemas.empty(schema)
    rows = pl.concat([t.rows for t in typed], how="vertical")
    typed.clear()
    columns = [*rows.get_columns(), pl.repeat(year, rows.height, dtype=pl.Int32, eager=True
                                              ).alias("ar")]
    del rows
    for position, column in enumerate(columns):
        columns[position] = column.rechunk()
    return schemas.conform(pl.DataFrame(columns), schema)


def _files_table(year: int, texts: dict) -> pl.DataFrame:
    records = [{"ar": year, "kalla": source, "kalla_fil": t.file, "sha256": t.sha256,
                "rader": t.rows.height, "kodning": t.kodning, "separator": t.separator,
                "decimal": t.decimal}
               for source, tables in texts.items() for t in tables]
    return pl.DataFrame(records, schema=schemas.INLAST_FIL)
