"""One project year loaded: files -> validated, pseudonymised Polars frames.

load_year(project, year) reads data/<year>/{ledger,aktivitet,direkt,nycklar,utfall}/
(folder.py), types every file's rows with provenance (kalla_fil, kalla_rad; sources.py),
finds personnummer outside `person` (stray_ids.py), replaces personnummer by pseudonyms and
returns `Loaded`. Every problem of every file is collected; any error raises
KpbError("inläsning", problems). A big file's pieces are typed one at a time, and spilled to
Parquet when its source can outgrow memory (spill.py).

`kpb.load.database.store` then writes a `Loaded` into kpb.duckdb.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, Problem
from kpb.load import persons, schemas, stray_ids
from kpb.load.cache import SourceCache
from kpb.load.csvfile import read_csv
from kpb.load.csvpieces import PiecedCsv, ReadWhole
from kpb.load.folder import no_rows, read_source, same_content
from kpb.load.problems import Failures, masked, problems_of
from kpb.load.key_fingerprint import checked_key, fingerprint
from kpb.load.pseudonym import person_id
from kpb.load.sources import Context, Typed, typed_piece, typed_rows
from kpb.load.summaries import of_source
from kpb.load.spill import Spill
from kpb.project import SOURCES, Project, SourceSettings
from kpb.steps import Progress, silent

# The source whose rows can outgrow memory (25 per inhabitant): spilled when a file of it is
# read in pieces. The others are a few rows per person and stay in memory, pieces joined.
SPILLED = ("aktivitet",)


@dataclass(frozen=True)
class Loaded:
    year: int
    ledger: pl.DataFrame
    aktivitet: pl.DataFrame | pl.LazyFrame  # lazy over the spill when read in pieces
    direkt: pl.DataFrame
    nycklar: pl.DataFrame
    person: pl.DataFrame
    files: pl.DataFrame  # the inlast_fil table
    warnings: list[Problem] = field(default_factory=list)
    utfall: pl.DataFrame = field(default_factory=lambda: schemas.empty(schemas.UTFALL))
    spill: Spill | None = None  # where a source read in pieces waits for the store
    nyckelavtryck: str | None = None  # the key's fingerprint, stored with the data
    # table of kpb.duckdb -> the fingerprint of its rows (cache.py): the store skips a table
    # whose rows kpb.duckdb already holds
    fingerprints: dict[str, str] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)  # source -> files, from the cache
    cache: SourceCache | None = None  # writing the fresh sources' entries beside the run
    # small facts no rule changes (summaries.py), by their name among the check's tables
    summaries: dict[str, pl.DataFrame] = field(default_factory=dict)

    def tables(self) -> dict[str, pl.DataFrame]:
        """Table name in kpb.duckdb -> frame."""
        return {"ledger": self.ledger, "aktivitet": self.aktivitet, "direkt": self.direkt,
                "nycklar": self.nycklar, "person": self.person, "inlast_fil": self.files,
                "utfall": self.utfall}

    def spilled(self, table: str) -> list[Path]:
        """The Parquet files holding `table`, when it was spilled."""
        return self.spill.files.get(table, []) if self.spill is not None else []

    def close(self) -> None:
        """Wait for the cache's entries (they read the tables, spilled ones too), then remove
        the spilled files (the caller is done with the lazy tables)."""
        if self.cache is not None:
            self.cache.written()
        if self.spill is not None:
            self.spill.close()


def height(frame: pl.DataFrame | pl.LazyFrame) -> int:
    """Rows of a loaded table, in memory or spilled (Parquet knows its row count)."""
    if isinstance(frame, pl.LazyFrame):
        return frame.select(pl.len()).collect().item()
    return frame.height


def load_year(project: Project, year: int, progress: Progress = silent,
              new_key: bool = False) -> Loaded:
    """`new_key`: create a missing key file even though the project has earlier data."""
    # redan_pseudonym too: hushall is hashed. The key must be the one the data was loaded
    # with (its fingerprint in kpb.duckdb), unless --ny-nyckel starts over on purpose.
    key = checked_key(project, progress, new_key).key
    ctx = Context(year, project.pseudonym, key)
    # a source whose files, key, settings and kpb are those of the last load is reused
    # (cache.py); --ny-nyckel reuses nothing
    cache = SourceCache(project, year, fingerprint(key), reuse=not new_key)
    reused = {source: cache.reuse(source) for source in SOURCES}
    fresh = [source for source in SOURCES if reused[source] is None]
    listings = {source: cache.listing(source) for source in fresh}  # stat before the read
    found: dict[str, list[Problem]] = {source: [] for source in SOURCES}  # per source
    problems: list[Problem] = []
    texts = {source: read_source(project, year, source, found[source]) if source in fresh
             else [] for source in SOURCES}
    for source in SOURCES:
        if reused[source] is not None:
            progress(_reused_text(source, reused[source].files))
    if fresh:
        progress(f"läste {sum(len(t) for t in texts.values())} filer för {year}")
    spill = cache.spill or (Spill(project) if any(isinstance(t, PiecedCsv) for source in SPILLED
                                                   for t in texts[source]) else None)
    listed = {source: [_Listed.of(t) for t in tables] for source, tables in texts.items()}
    try:
        typed = _Typing(project, ctx, spill, problems, progress)
        rows = {}
        for source in SOURCES:
            typed.problems = found[source]  # a source's own problems are kept with it
            rows[source] = typed.source(source, texts[source])
        problems += stray_ids.problems(typed.strays, year)  # personnummer elsewhere
        # a big file refused as a whole is left out, as a file read whole and refused is
        listed = {source: [t for t in tables if getattr(t, "refusal", None) is None]
                  if reused[source] is None
                  else [_Listed(**t) for t in reused[source].listed]
                  for source, tables in listed.items()}
        found = {source: masked(found[source]) if reused[source] is None
                 else reused[source].warnings for source in SOURCES}
        problems += [p for source in SOURCES for p in found[source]]
        problems += same_content(listed)
        problems += _numbers_in_names(project, listed, year)
        problems = masked(problems)  # whatever a message quotes, no personnummer leaves here
        if any(p.is_error for p in problems):
            raise KpbError("inläsning", problems)
        loaded, attributes = _assemble(year, rows, _files_table(year, listed), problems,
                                       spill, reused)
        summaries = {source: reused[source].summaries if reused[source] is not None
                     else of_source(source, getattr(loaded, source), year) for source in SOURCES}
        fingerprints = {source: reused[source].fingerprint if reused[source] is not None
                        else cache.keep(source, listings[source],
                                        [_record(t) for t in listed[source]],
                                        found[source], getattr(loaded, source),
                                        attributes.get(source), summaries[source])
                        for source in SOURCES}
        return replace(loaded, nyckelavtryck=fingerprint(key),
                       summaries={name: frame for found in summaries.values()
                                  for name, frame in found.items()},
                       fingerprints=_table_fingerprints(fingerprints),
                       reused={source: entry.files for source, entry in reused.items()
                               if entry is not None}, cache=cache)
    except BaseException:
        cache.written()
        if spill is not None:
            spill.close()
        raise
    finally:
        person_id.cache_clear()  # no table of personnummer outlives the load


def _record(table) -> dict:
    """What the cache keeps of a file for inlast_fil (a _Listed, or a big file's PiecedCsv)."""
    return {name: getattr(table, name) for name in _Listed.__dataclass_fields__}


def _reused_text(source: str, files: int) -> str:
    """"återanvände aktivitet (7 filer, oförändrade)": what the terminal says of a source
    taken from the cache."""
    if files == 1:
        return f"återanvände {source} (1 fil, oförändrad)"
    return f"återanvände {source} ({files} filer, oförändrade)"


def _table_fingerprints(sources: dict[str, str | None]) -> dict[str, str]:
    """Table of kpb.duckdb -> the fingerprint of what it holds: a source's table its own;
    `person` and `inlast_fil`, made of every source, all of them together. A source that
    could not be kept in the cache has none: its table is stored every time."""
    tables = {source: avtryck for source, avtryck in sources.items() if avtryck is not None}
    if len(tables) == len(sources):
        together = hashlib.sha256(json.dumps(sorted(tables.items())).encode()).hexdigest()
        tables |= {"person": together, "inlast_fil": together}
    return tables


def _numbers_in_names(project: Project, listed: dict, year: int) -> list[Problem]:
    """File and sheet names become kalla_fil in kpb.duckdb and the outputs, and the kommun's
    name the manifest's: none may hold a personnummer."""
    names = [(t.file, "filnamn", t.file) for tables in listed.values() for t in tables]
    found = stray_ids.numbers_in_texts(names, year, (
        "väntade inget personnummer i fil- eller bladnamnet (namnet skrivs i kpb.duckdb och "
        "resultaten): byt namn på filen eller bladet"))
    return found + stray_ids.numbers_in_texts([("kpb.toml", "kommun", project.kommun)], year, (
        "väntade kommunens namn, inget personnummer"))


@dataclass(frozen=True)
class _Listed:
    """What inlast_fil records of a file, without its rows (let go once typed)."""
    file: str
    sha256: str
    height: int
    kodning: str
    separator: str
    decimal: str

    @staticmethod
    def of(table):
        """A big file's facts are known once it is read: it is kept as it is."""
        if isinstance(table, PiecedCsv):
            return table
        return _Listed(table.file, table.sha256, table.height, table.kodning, table.separator,
                       table.decimal)


class _Typing:
    """Every table of a source typed in turn, its personnummer outside `person` found; the
    pieces of a big file one at a time, spilled to Parquet when the source is spilled."""

    def __init__(self, project: Project, ctx: Context, spill: Spill | None, problems: list,
                 progress: Progress = silent):
        self.project, self.ctx, self.spill, self.problems = project, ctx, spill, problems
        self.progress = progress
        self.strays: list[stray_ids.Stray] = []
        self.numbers_found = False  # a personnummer outside `person`: the load will fail

    def source(self, source: str, tables: list) -> list[Typed]:
        spilled = (self.spill is not None and source in SPILLED
                   and any(isinstance(t, PiecedCsv) for t in tables))
        typed = []
        while tables:
            table = tables.pop(0)  # its text is let go as soon as it is typed
            for rows in self._tables(source, table):
                if spilled:
                    # rows holding a personnummer never reach the disk: the load fails on
                    # them, so from then on nothing more is written
                    if not self.numbers_found:
                        self.spill.write(source, _table([rows], self.ctx.year,
                                                        schemas.TABLES[source]))
                    rows = replace(rows, rows=rows.rows.clear())  # attributes stay
                typed.append(rows)
        return typed

    def _tables(self, source: str, table):
        """The typed rows of one table, or of each piece of a big file, checked."""
        if not isinstance(table, PiecedCsv):
            # SIE rows already carry canonical names; kolumner in kpb.toml is for CSV/XLSX
            settings = (SourceSettings() if table.canonical_headers
                        else self.project.source(source))
            rows, found = typed_rows(source, table, settings, self.ctx)
            self.problems += found
            if rows is not None:
                yield self._checked(source, rows)
            return
        try:
            yield from self._pieces(source, table)
        except ReadWhole:  # a byte order mark or UTF-16: read as any other file
            whole, problems = read_csv(table.path, table.file, table.settings, True)
            self.problems += problems
            if whole is not None:
                table.sha256, table.kodning = whole.sha256, whole.kodning
                table.separator, table.height = whole.separator, whole.height
                yield from self._tables(source, whole)

    def _pieces(self, source: str, table: PiecedCsv):
        """Each piece typed as it comes; the file's problems are kept until its end, since a
        file refused as a whole (table.refusal) reports only that, as read whole it would."""
        problems: list[Problem] = []
        found: list[Failures] = []
        strays: list[stray_ids.Stray] = []
        settings = self.project.source(source)
        for piece, read in table.pieces():
            problems += read
            if piece is None:
                continue
            rows, wrong, failures = typed_piece(source, piece, settings, self.ctx)
            del piece
            problems += wrong
            found += failures
            if wrong:  # its columns are wrong: so are every piece's
                break
            yield self._checked(source, rows, strays)
            self.progress(f"{table.file}: {table.height:,} rader inlästa".replace(",", " "))
        if table.refusal is not None:
            self.problems += table.refusal
            return
        self.problems += problems + problems_of(table.file, found)
        self.strays += strays
        if source == "ledger" and table.height == 0 and not any(p.is_error for p in problems):
            self.problems.append(no_rows(table.file))

    def _checked(self, source: str, rows: Typed, strays: list | None = None) -> Typed:
        found = self.strays if strays is None else strays
        before = len(found)
        rows = stray_ids.checked(rows, source, self.project, self.ctx.year, self.ctx.key, found)
        self.numbers_found = self.numbers_found or len(found) > before
        return rows


def _assemble(year, typed, files, problems, spill, reused) -> tuple[Loaded, dict]:
    """The Loaded year and each person source's attributes (for the cache)."""
    frames, attributes = {}, {}
    for source in SOURCES:
        if reused[source] is not None:
            frames[source] = reused[source].rows
            if reused[source].attributes is not None:
                attributes[source] = reused[source].attributes
            continue
        found = [t.attributes for t in typed[source] if t.attributes is not None]
        if found:
            attributes[source] = pl.concat(found)
        frames[source] = (spill.scan(source) if spill is not None and source in spill.files
                          else _table(typed[source], year, schemas.TABLES[source]))
    person = (persons.person_table(pl.concat(list(attributes.values())), year) if attributes
              else schemas.empty(schemas.PERSON))
    loaded = Loaded(year, frames["ledger"], frames["aktivitet"], frames["direkt"],
                    frames["nycklar"], schemas.conform(person, schemas.PERSON),
                    files, sorted(problems, key=str), utfall=frames["utfall"], spill=spill)
    return loaded, attributes


def _table(typed: list[Typed], year: int, schema: dict) -> pl.DataFrame:
    """The files' rows as one table with `ar`, each column one chunk per file.

    Nothing is copied: every column is the files' columns side by side, and all columns
    share the same chunk boundaries, so selecting from the table later does not copy it
    either. (A frame-level concat would merge a file's constant column into its neighbour's
    chunk, and a 25M-row rechunk costs seconds and a second copy.)
    """
    if not typed:
        return schemas.empty(schema)
    frames = [t.rows for t in typed]
    typed.clear()
    columns = [pl.concat([frame.get_column(name) for frame in frames], rechunk=False)
               for name in frames[0].columns]
    columns.append(pl.concat([pl.repeat(year, frame.height, dtype=pl.Int32, eager=True)
                              for frame in frames], rechunk=False).alias("ar"))
    del frames
    return schemas.conform(pl.DataFrame(columns), schema)


def _files_table(year: int, texts: dict) -> pl.DataFrame:
    records = [{"ar": year, "kalla": source, "kalla_fil": t.file, "sha256": t.sha256,
                "rader": t.height, "kodning": t.kodning, "separator": t.separator,
                "decimal": t.decimal}
               for source, tables in texts.items() for t in tables]
    return pl.DataFrame(records, schema=schemas.INLAST_FIL)
