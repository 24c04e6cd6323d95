"""Loaded frames <-> tables in kpb.duckdb (docs/design.md, "Loaded tables").

`store` replaces one year's rows of all seven tables in a single transaction: DuckDB commits
it atomically (write-ahead log), so an exception or a killed process before the commit
leaves the previous content as it was. A table whose rows came from the cache with the
fingerprint kpb.duckdb records for it (table `kpb_indata_avtryck`, written in the same
transaction as the rows) holds those very rows already and is not stored again
(kpb/load/cache.py). Frames move through Arrow in both directions (into
DuckDB as string views, as Polars holds them: no copy). The activity rows are kept as a
Parquet file per year beside kpb.duckdb, which shows them as the view `aktivitet`
(kpb/load/file_tables.py): the file is written before the transaction, recorded in it, and
the replaced file removed after it.
`kpb compute` stores only after the allocation succeeded and its results are staged, and
records the staged folder in the same transaction (kpb/write/commit.py).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import duckdb
import polars as pl

from kpb.load import file_tables, schemas
from kpb.load.year import Loaded
from kpb.load.key_fingerprint import store_fingerprint
from kpb.load.spill import Spill
from kpb.project import Project
from kpb.sqlfiles import sql


# writes a file table's new file while the commit stages the results (prepare)
WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpb-lager")


def prepare(project: Project, year: int, loaded: Loaded) -> dict[str, Future]:
    """Start writing the new file of every file table whose rows were read afresh (not taken
    from the cache), on a thread beside the staging of the results: at 1M invånare the
    activity rows' Parquet file takes a second that the results and report then hide. The
    caller holds the project lock, so no other run sweeps the store folder meanwhile; the
    files are recorded by `store` (given them as `prepared`), or removed by `discard`."""
    return {table: WRITER.submit(file_tables.write, project, table, year, frame,
                                 loaded.spilled(table))
            for table, frame in loaded.tables().items()
            if table in file_tables.FILE_TABLES and table not in loaded.reused}


def discard(project: Project, prepared: dict[str, Future]) -> None:
    """The prepared files of a commit that failed: removed as soon as each write ends, now
    or, for a write still running, by the writer's thread when it does (the commit's own
    error goes on at once, and a Ctrl-C is never swallowed by a wait here). A write that
    failed removed its own partial file."""
    for future in prepared.values():
        future.add_done_callback(lambda done: _remove_written(project, done))


def _remove_written(project: Project, done: Future) -> None:
    if done.cancelled() or done.exception() is not None:
        return
    try:
        file_tables.remove(project, done.result())
    except OSError:  # left unrecorded: the next store sweeps it
        pass


def _ready(prepared: dict[str, Future], project: Project) -> dict[str, list[str]]:
    """Table -> its prepared files' names, once written. A failed write, or a wait that is
    interrupted, raises after every prepared file is discarded."""
    names, failure = {}, None
    try:
        for table, future in prepared.items():
            failure = failure or future.exception()  # waits for the write
            if future.exception() is None:
                names[table] = future.result()
    except BaseException:  # the wait itself was stopped (Ctrl-C)
        discard(project, prepared)
        raise
    if failure is not None:
        discard(project, prepared)
        raise failure
    return names


def store(project: Project, year: int, loaded: Loaded, results_folder: str | None = None,
          prepared: dict[str, Future] | None = None) -> None:
    """Replace the year's inputs; `results_folder` names the staged results that belong to
    them (None for `kpb load`, which leaves the results as they are); `prepared`: the file
    tables' files `prepare` started."""
    ready = _ready(prepared or {}, project)
    # new Parquet files, removed again if the commit fails (a prepared file the store does
    # not record is swept after the commit)
    written: list[str] = [name for names in ready.values() for name in names]
    try:
        con = duckdb.connect(str(project.database))
    except BaseException:
        file_tables.remove(project, written)
        raise
    with con:
        try:
            _store_year(con, project, year, loaded, results_folder, ready, written)
        except BaseException:
            file_tables.remove(project, written)
            raise
        file_tables.sweep(con, project)  # after the commit: its files are recorded now


def _store_year(con, project: Project, year: int, loaded: Loaded, results_folder: str | None,
                ready: dict[str, list[str]], written: list[str]) -> None:
    """The store's one transaction; `written` gathers the new Parquet files."""
    con.execute(sql("load/create_tables")).fetchall()
    con.execute(sql("load/create_fingerprints")).fetchall()
    stored = dict(con.execute(sql("load/select_fingerprints"), [year]).fetchall())
    con.begin()
    try:
        written += file_tables.migrate(con, project)
        for table, frame in loaded.tables().items():  # seven tables
            avtryck = loaded.fingerprints.get(table)
            if (avtryck is not None and stored.get(table) == avtryck
                    and (table not in file_tables.FILE_TABLES
                         or file_tables.holds(con, project, table, year))):
                continue  # kpb.duckdb holds these very rows already
            written += _store_table(con, table, year, frame, loaded.spilled(table), project,
                                    ready.get(table))
            con.execute(sql("load/delete_fingerprint"), [year, table]).fetchall()
            if avtryck is not None:
                con.execute(sql("load/insert_fingerprint"), [year, table, avtryck]).fetchall()
        file_tables.create_views(con, project)  # also where the project folder is now
        con.execute(sql("load/clear_pending_run"), [year]).fetchall()
        if results_folder is not None:
            con.execute(sql("load/record_pending_run"), [year, results_folder]).fetchall()
        if loaded.nyckelavtryck:  # the key these pseudonyms were made with
            store_fingerprint(con, loaded.nyckelavtryck)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _store_table(con, table: str, year: int, frame, spilled: list, project: Project,
                 prepared: list[str] | None = None) -> list[str]:
    """One table's rows of the year, inside the store's transaction; the new Parquet files
    (a file table's: kpb/load/file_tables.py, or the one `prepare` wrote already; an orphan
    left by a failure here is swept)."""
    if table in file_tables.FILE_TABLES:
        if prepared is not None:
            file_tables.record(con, table, year, prepared)
            return []  # in `written` already
        names = file_tables.write(project, table, year, frame, spilled)
        file_tables.record(con, table, year, names)
        return names
    _replace_year(con, table, year, frame, spilled, project)
    return []


def _replace_year(con, table: str, year: int, frame: pl.DataFrame, spilled: list,
                  project: Project) -> None:
    con.execute(sql("load/delete_year").format(table=table), [year]).fetchall()
    if isinstance(frame, pl.LazyFrame) and not spilled:
        # reused from the cache, too many rows to hold: streamed to Parquet for DuckDB
        holder = Spill(project)
        try:
            path = holder.folder / f"{table}.parquet"
            schemas.conform(frame, schemas.TABLES[table]).sink_parquet(path,
                                                                       compression="snappy")
            con.execute(sql("load/insert_parquet").format(table=table), [[str(path)]]).fetchall()
        finally:
            holder.close()
        return
    if spilled:  # DuckDB reads the pieces' Parquet files itself, out of core
        con.execute(sql("load/insert_parquet").format(table=table),
                    [[str(path) for path in spilled]]).fetchall()
        return
    rows = schemas.conform(frame, schemas.TABLES[table])
    # Arrow string views, as Polars holds them: no copy of 25M strings into large_string
    con.register("incoming", rows.to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        con.execute(sql("load/insert").format(table=table)).fetchall()
    finally:
        con.unregister("incoming")


def read_tables(project: Project, year: int) -> dict[str, pl.DataFrame]:
    """Every loaded table's rows of that year; empty frames when nothing was stored."""
    if not project.database.is_file():
        return {table: schemas.empty(schema) for table, schema in schemas.TABLES.items()}
    with duckdb.connect(str(project.database), read_only=True) as con:
        file_tables.attach(con, project)
        existing = file_tables.readable_tables(con)
        return {table: _read_table(con, table, year, schema) if table in existing
                else schemas.empty(schema) for table, schema in schemas.TABLES.items()}


def _read_table(con, table: str, year: int, schema: dict) -> pl.DataFrame:
    arrow = con.sql(sql("load/select_year").format(table=table), params=[year]).to_arrow_table()
    return schemas.conform(pl.from_arrow(arrow), schema)


def pending_runs(project: Project) -> dict[int, str]:
    """Year -> staged results folder committed with that year's inputs (see kpb_korning)."""
    if not project.database.is_file():
        return {}
    with duckdb.connect(str(project.database)) as con:
        con.execute(sql("load/create_tables")).fetchall()
        return dict(con.execute(sql("load/pending_run")).fetchall())


def clear_pending_run(project: Project, year: int) -> None:
    with duckdb.connect(str(project.database)) as con:
        con.execute(sql("load/clear_pending_run"), [year]).fetchall()
