"""The load stage: files of a project year -> validated, pseudonymised Polars frames.

    load_year(project, year) reads data/<year>/{ledger,aktivitet,direkt,nycklar}/, parses
    every file into typed rows with provenance (kalla_fil, kalla_rad), checks them, replaces
    personnummer by pseudonyms and returns `Loaded`. Every problem of every file is collected;
    any error raises KpbError("inläsning", problems).

`kpb.load.database.store` then writes a `Loaded` into kpb.duckdb.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, Problem, error, warning
from kpb.load import persons, schemas, stray_ids
from kpb.load.csvfile import read_csv
from kpb.load.csvpieces import PiecedCsv, ReadWhole, too_big
from kpb.load.problems import Failures, masked, problems_of
from kpb.load.pseudonym import load_key, person_id
from kpb.load.sie import read_sie
from kpb.load.sources import Context, Typed, typed_piece, typed_rows
from kpb.load.spill import Spill
from kpb.load.textfile import TextTable
from kpb.load.xlsxfile import read_xlsx
from kpb.project import SOURCES, Project, SourceSettings
from kpb.steps import Progress, silent

SUFFIXES = {"ledger": (".csv", ".xlsx", ".se", ".si"), "aktivitet": (".csv", ".xlsx"),
            "direkt": (".csv", ".xlsx"), "nycklar": (".csv", ".xlsx"),
            "utfall": (".csv", ".xlsx")}
PERSON_SOURCES = ("aktivitet", "direkt", "utfall")
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

    def tables(self) -> dict[str, pl.DataFrame]:
        """Table name in kpb.duckdb -> frame."""
        return {"ledger": self.ledger, "aktivitet": self.aktivitet, "direkt": self.direkt,
                "nycklar": self.nycklar, "person": self.person, "inlast_fil": self.files,
                "utfall": self.utfall}

    def spilled(self, table: str) -> list[Path]:
        """The Parquet files holding `table`, when it was spilled."""
        return self.spill.files.get(table, []) if self.spill is not None else []

    def close(self) -> None:
        """Remove the spilled files (the caller is done with the lazy tables)."""
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
    key = load_key(project, progress, new_key)  # redan_pseudonym too: hushall is hashed
    ctx = Context(year, project.pseudonym, key)
    problems: list[Problem] = []
    texts = {source: _read_source(project, year, source, problems) for source in SOURCES}
    progress(f"läste {sum(len(t) for t in texts.values())} filer för {year}")
    spill = (Spill(project.root) if any(isinstance(t, PiecedCsv) for source in SPILLED
                                        for t in texts[source]) else None)
    listed = {source: [_Listed.of(t) for t in tables] for source, tables in texts.items()}
    try:
        typed = _Typing(project, ctx, spill, problems, progress)
        rows = {source: typed.source(source, texts[source]) for source in SOURCES}
        problems += stray_ids.problems(typed.strays, year)  # personnummer elsewhere
        # a big file refused as a whole is left out, as a file read whole and refused is
        listed = {source: [t for t in tables if getattr(t, "refusal", None) is None]
                  for source, tables in listed.items()}
        problems += _same_content(listed)
        problems = masked(problems)  # whatever a message quotes, no personnummer leaves here
        if any(p.is_error for p in problems):
            raise KpbError("inläsning", problems)
        return _assemble(year, rows, _files_table(year, listed), problems, spill)
    except BaseException:
        if spill is not None:
            spill.close()
        raise
    finally:
        person_id.cache_clear()  # no table of personnummer outlives the load


def _read_source(project: Project, year: int, source: str, problems) -> list[TextTable]:
    """Every entry of the source folder is read, skipped with a warning (hidden files,
    editor backups) or named in an error: nothing in it is passed over without a word."""
    folder = project.data_dir(year, source)
    try:
        paths = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:
        problems.append(error(project.relative(folder), None, None,
                              f"mappen kunde inte läsas ({exc.strerror}): väntade en läsbar mapp"))
        return []
    tables = []
    for path in paths:  # a handful of files per source
        read, found = _read_file(project, path, source, year)
        problems += found
        tables += read
    if source == "ledger" and not tables and not problems:
        problems.append(error(project.relative(folder), None, None,
                              "inga huvudboksfiler: väntade *.csv, *.xlsx, *.se eller *.si"))
    return tables


def _read_file(project: Project, path: Path, source: str, year: int
               ) -> tuple[list[TextTable], list[Problem]]:
    """The file's tables (an XLSX gives one per sheet with data) and its problems."""
    file = project.relative(path)
    skipped = _skipped(path.name)
    if skipped:
        return [], [warning(file, None, None, f"{skipped}, hoppades över")]
    unusable = _not_a_file(path)
    if unusable:
        return [], [error(file, None, None, unusable)]
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES[source]:
        return [], [error(file, None, None, "okänd filtyp, filen lästes inte: väntade "
                          + ", ".join(f"*{s}" for s in SUFFIXES[source])
                          + " (flytta bort filen om den inte hör hit)")]
    try:
        tables, problems = _read_by_type(project, path, file, source, year, suffix)
    except OSError as exc:
        return [], [error(file, None, None, f"filen kunde inte läsas ({exc.strerror})")]
    except csv.Error as exc:  # the reader's fallback for files pyarrow refuses
        return [], [error(file, None, None, f"filen kunde inte läsas som CSV ({exc}): väntade "
                          "en textfil med en rubrikrad och rader med avgränsare")]
    if (source == "ledger" and tables and not any(isinstance(t, PiecedCsv) for t in tables)
            and sum(t.height for t in tables) == 0
            and not any(p.is_error for p in problems)):
        problems = [*problems, _no_rows(file)]
    return tables, problems


def _read_by_type(project: Project, path: Path, file: str, source: str, year: int,
                  suffix: str) -> tuple[list[TextTable], list[Problem]]:
    if suffix == ".xlsx":
        return read_xlsx(path, file, project.source(source))
    if suffix in (".se", ".si"):
        table, problems = read_sie(path, file, project.sie, year)
    elif too_big(path):  # read and typed a piece at a time (csvpieces.py)
        return [PiecedCsv(path, file, project.source(source))], []
    else:
        table, problems = read_csv(path, file, project.source(source), True)  # Categorical
    return ([table] if table is not None else []), problems


def _skipped(name: str) -> str | None:
    """Why a file is not an export: hidden, or an editor's backup or lock file."""
    if name.startswith("~$") or name.startswith(".~lock"):
        return "låsfil från ett kalkylprogram"
    if name.startswith("."):
        return "dold fil"
    if name.endswith("~") or name.lower().endswith((".bak", ".tmp", ".swp")):
        return "säkerhetskopia eller tillfällig fil"
    return None


def _not_a_file(path: Path) -> str | None:
    """Why a folder entry cannot be read as a file, or None when it is a regular file."""
    try:
        path.stat()
    except OSError as exc:
        if path.is_symlink():
            return ("länken leder ingenstans (filen den pekar på saknas, eller länkarna pekar "
                    "på varandra): väntade en fil")
        return f"kunde inte läsas ({exc.strerror}): väntade en läsbar fil"
    if path.is_dir():
        return ("är en mapp: väntade en fil (kpb läser inte undermappar, lägg filerna direkt i "
                f"{path.parent.name}/)")
    if not path.is_file():
        return "är ingen vanlig fil: väntade en exportfil"
    return None


def _no_rows(file: str) -> Problem:
    """A ledger file that holds nothing would replace last run's results with zeros."""
    return error(file, None, None, "filen har inga rader efter rubrikraden: väntade "
                                   "huvudbokens rader")


def _same_content(texts: dict[str, list[TextTable]]) -> list[Problem]:
    """Two files with the same SHA-256 are the same export saved twice: its money would count
    twice."""
    first: dict[str, str] = {}
    problems = []
    files = sorted({_whole_file(t.file): t.sha256 for ts in texts.values() for t in ts}.items())
    for file, digest in files:
        if digest in first:
            problems.append(error(file, None, None, f"har samma innehåll som {first[digest]} "
                                  "(samma SHA-256): väntade varje export en gång, ta bort den "
                                  "ena filen"))
        first.setdefault(digest, file)
    return problems


def _whole_file(name: str) -> str:
    """`hb.xlsx[Blad2]` (a sheet of a workbook read whole) -> `hb.xlsx`."""
    return name.rsplit("[", 1)[0] if name.endswith("]") else name  # no sheet title has [ ]


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
            self.problems.append(_no_rows(table.file))

    def _checked(self, source: str, rows: Typed, strays: list | None = None) -> Typed:
        found = self.strays if strays is None else strays
        before = len(found)
        rows = stray_ids.checked(rows, source, self.project, self.ctx.year, self.ctx.key, found)
        self.numbers_found = self.numbers_found or len(found) > before
        return rows


def _assemble(year, typed, files, problems, spill) -> Loaded:
    frames, attributes = {}, []
    for source in SOURCES:
        attributes += [t.attributes for t in typed[source] if t.attributes is not None]
        frames[source] = (spill.scan(source) if spill is not None and source in spill.files
                          else _table(typed[source], year, schemas.TABLES[source]))
    person = (persons.person_table(pl.concat(attributes), year) if attributes
              else schemas.empty(schemas.PERSON))
    return Loaded(year, frames["ledger"], frames["aktivitet"], frames["direkt"],
                  frames["nycklar"], schemas.conform(person, schemas.PERSON),
                  files, sorted(problems, key=str), utfall=frames["utfall"], spill=spill)


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
