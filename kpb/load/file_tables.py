"""Loaded tables that kpb.duckdb keeps as Parquet files and shows as views.

The activity rows are the big table: 25 per inhabitant, 25M at 1 000 000 invånare. DuckDB's
own storage compresses each text column as it inserts them, which took 7-12 s at 1M, more
than half of a first `kpb compute`; Polars writes the same rows as Parquet in about 1 s
from the Categorical columns it already holds (the text of each distinct value once). So
these tables live in `.kpb-lager/<table>/<year>-<random>.parquet` (a source read in pieces:
its spilled pieces, hard-linked in as `<year>-<random>-<n>.parquet`) and kpb.duckdb holds a
view of the same name over them: users still open kpb.duckdb alone and query `aktivitet`.

One commit, as for the tables kept inside kpb.duckdb: a year's new files are written under
new names first; the transaction that stores the year records it in `kpb_lagrad_fil` and
re-creates the view; the files no longer recorded are removed after the commit (`sweep`).
A run failed or killed before its commit leaves the recorded files and the view as they were
(its file is swept by the next store).

The view in kpb.duckdb names the files by their absolute paths, as the result views do, and
is re-created at every store: a project folder that has moved answers again after its next
`kpb load` or `kpb compute`. kpb's own readers (`kpb sql`, uppföljning) make temporary views
over the recorded files as they lie now (`attach`), so they answer wherever the folder is.

A kpb.duckdb written before this (with `aktivitet` as a table) is moved over by the first
store: each year's rows are copied to a file and the table dropped, in the same transaction.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error
from kpb.load import schemas
from kpb.project import Project
from kpb.sqlfiles import glob_escaped, sql

FILE_TABLES = ("aktivitet",)
FORM = "kpb_form_{table}"  # the empty table that gives a view its columns and types
COMPRESSION = "zstd"  # level 1: as fast to write as lz4 or snappy at 1M, half their size
LEVEL = 1
# Null counts only, no min/max per row group: the rows are in file order, so persons, dates
# and codes spread over every row group and a reader could skip none by them (only by `ar`
# and `kalla_fil`, constant in a file: a one-year read of four stored years of 3M rows took
# 77 ms in DuckDB instead of 59); computing them (mostly of the text columns) was 0.4 s of
# the 1.5 s write at 1M invånare.
STATISTICS = {"min": False, "max": False, "distinct_count": False, "null_count": True}


def write(project: Project, table: str, year: int, frame, spilled: list[Path]) -> list[str]:
    """The year's rows of `table` as new Parquet files; their names relative to the store
    folder. Rows in memory become one file. Spilled pieces (already Parquet, written as the
    store writes, in .kpb-tmp on the same disk) are hard-linked into the store as they are:
    at 10M invånare writing their 245M rows again took 20 s. Where a link cannot be made (the
    store on another file system), they are written again as one file."""
    folder = project.store_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{table}/{year}-{uuid.uuid4().hex[:12]}"
    if spilled:
        linked = _linked(project, stem, spilled)
        if linked is not None:
            return linked
    name = f"{stem}.parquet"
    target = project.store_dir / name
    partial = target.with_name(target.name + ".tmp")
    try:
        if spilled:
            rows = pl.scan_parquet(spilled, glob=False)
        elif isinstance(frame, pl.LazyFrame):
            rows = frame
        else:
            rows = None
        if rows is not None:
            schemas.conform(rows, schemas.TABLES[table]).sink_parquet(
                partial, compression=COMPRESSION, compression_level=LEVEL,
                statistics=STATISTICS)
        else:
            schemas.conform(frame, schemas.TABLES[table]).write_parquet(
                partial, compression=COMPRESSION, compression_level=LEVEL,
                statistics=STATISTICS)
        _flushed(partial)
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return [name]


def _linked(project: Project, stem: str, spilled: list[Path]) -> list[str] | None:
    """The spilled pieces as the store's files `<stem>-00000.parquet`, ... (in the pieces'
    order, which the view's file order keeps), flushed to disk; None when a link cannot be
    made (nothing is left behind then)."""
    names = [f"{stem}-{number:05d}.parquet" for number in range(len(spilled))]
    made: list[str] = []
    try:
        for piece, name in zip(spilled, names):
            os.link(piece, project.store_dir / name)
            made.append(name)
            _flushed(project.store_dir / name)
    except OSError:
        remove(project, made)
        return None
    except BaseException:
        remove(project, made)
        raise
    return names


def _flushed(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def record(con, table: str, year: int, names: list[str]) -> None:
    """Inside the store's transaction: the year's files of `table` are `names`."""
    con.execute(sql("load/delete_files"), [year, table]).fetchall()
    for name in names:
        con.execute(sql("load/insert_file"), [year, table, name]).fetchall()


def recorded(con, table: str) -> list[tuple[int, str]]:
    """(year, file) of `table`, oldest year first."""
    if not _exists(con, "kpb_lagrad_fil"):
        return []
    return [(int(ar), fil) for ar, fil in con.execute(sql("load/select_files"), [table]).fetchall()]


def holds(con, project: Project, table: str, year: int) -> bool:
    """kpb.duckdb has the year's files for `table`, and they are there."""
    files = [fil for ar, fil in recorded(con, table) if ar == year]
    return bool(files) and all((project.store_dir / fil).is_file() for fil in files)


def migrate(con, project: Project) -> list[str]:
    """A kpb.duckdb of an earlier kpb keeps `table` as a table: inside the caller's
    transaction, each year's rows become a file and the table goes. Returns the new files
    (removed by the caller if the transaction fails)."""
    written = []
    for table in FILE_TABLES:
        if not _exists(con, table):  # a table, not the view
            continue
        (project.store_dir / table).mkdir(parents=True, exist_ok=True)
        years = [r[0] for r in con.execute(sql("load/stored_years").format(table=table))
                 .fetchall()]
        for year in years:
            name = f"{table}/{int(year)}-{uuid.uuid4().hex[:12]}.parquet"
            path = str(project.store_dir / name)
            con.execute(sql("load/copy_year_to_file").format(
                table=table, year=int(year), path=path.replace("'", "''"))).fetchall()
            written.append(name)
            record(con, table, int(year), [name])
        con.execute(sql("load/drop_table").format(table=table)).fetchall()
    return written


def create_views(con, project: Project, temp: bool = False, name: str = "{table}") -> None:
    """The view of every file table over its recorded files: in kpb.duckdb (`temp` False,
    inside the store's transaction) or for this connection only (`temp`), named `name` with
    {table} filled in. A recorded file that is missing is refused by name: a view without it
    would be short of rows."""
    for table in FILE_TABLES:
        files = [project.store_dir / fil for _, fil in recorded(con, table)]
        missing = [f for f in files if not f.is_file()]
        if missing and temp:
            raise KpbError("indata", [error(project.relative(missing[0]), None, None,
                                             f"{table}: filen som kpb.duckdb lagrade "
                                             f"raderna i saknas. Kör `kpb load ÅR` (eller "
                                             f"`kpb compute ÅR`) igen för året")])
        if not _exists(con, FORM.format(table=table)):
            continue
        template = sql("load/file_view") if files else sql("load/file_view_empty")
        listed = "[" + ", ".join(_literal(glob_escaped(str(f.resolve()))) for f in files) + "]"
        con.execute(template.replace("{temp}", "TEMP" if temp else "")
                    .replace("{name}", name.format(table=table)).replace("{form}", FORM.format(table=table))
                    .replace("{files}", listed)).fetchall()


def attach(con, project: Project, name: str = "{table}") -> list[str]:
    """A reader's connection: temporary views (named `name`) over the files as they lie now
    (the stored view may name a folder the project has moved from). Returns the files (for
    DuckDB's allowed_paths)."""
    create_views(con, project, temp=True, name=name)
    return [str((project.store_dir / fil).resolve())
            for table in FILE_TABLES for _, fil in recorded(con, table)]


def readable_tables(con) -> set[str]:
    """The loaded tables a reader's connection can query: the database's tables, and each
    file table whose form is there (its view is the TEMP one `attach` made)."""
    tables = {row[0] for row in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
    return tables | {t for t in FILE_TABLES if FORM.format(table=t) in tables}


def sweep(con, project: Project) -> None:
    """After a commit: remove the files of the store folder that kpb.duckdb no longer
    records (a replaced year, a killed run's file)."""
    keep = {fil for table in FILE_TABLES for _, fil in recorded(con, table)}
    for table in FILE_TABLES:
        folder = project.store_dir / table
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if f"{table}/{path.name}" not in keep:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def remove(project: Project, names: list[str]) -> None:
    for name in names:
        (project.store_dir / name).unlink(missing_ok=True)


def _exists(con, name: str) -> bool:
    """A table of this name in the project database (a view does not count)."""
    return bool(con.execute(sql("load/table_exists"), [name]).fetchone()[0])


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
