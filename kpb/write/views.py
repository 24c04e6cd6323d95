"""One DuckDB view per output, over `ut/<year>/<name>.parquet` of every year, with comments.

Only folders named by four digits are years: the hidden `.2024.tmp-*` and `.2024.old-*`
folders a killed run leaves behind hold a second copy of a year and are never read.

The view is sql/views/view.sql for every output; its comments (what each column holds, in
the users' words) are sql/comments/<name>.sql. Views are re-created on every compute, so a
project folder that has moved still answers.

`readonly_connection` is what `kpb sql` queries through: kpb.duckdb opened read-only, file
access limited to the year Parquet files (no key file, no COPY, ATTACH or extensions), the
configuration locked, and the views as TEMP views over those files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpb.errors import KpbError, error
from kpb.sqlfiles import sql
from kpb.write.outputs import COMPARISONS, OUTPUTS

YEAR_GLOB = "[0-9][0-9][0-9][0-9]"  # a year folder of ut/
COMPARISON_GLOB = f"jamfor_{YEAR_GLOB}_{YEAR_GLOB}"  # a `kpb jamfor` folder of ut/
# view name -> its Parquet files under ut/
VIEW_FILES = {**{name: f"{YEAR_GLOB}/{name}.parquet" for name in OUTPUTS},
              **{name: f"{COMPARISON_GLOB}/{name}.parquet" for name in COMPARISONS}}


def refresh_views(con: duckdb.DuckDBPyConnection, ut_folder: Path) -> list[str]:
    """Create or replace the view of every output that has at least one year written."""
    ut = str(ut_folder.resolve())
    created = []
    for name, pattern in VIEW_FILES.items():
        if not any(ut_folder.glob(pattern)):
            continue
        _create_view(con, name, _literal(f"{ut}/{pattern}"), temp=False)
        created.append(name)
    return created


def readonly_connection(database: Path, ut_folder: Path) -> duckdb.DuckDBPyConnection:
    """kpb.duckdb read-only, able to read the year Parquet files under ut/ and nothing else."""
    files = year_files(ut_folder)
    con = duckdb.connect(str(database), read_only=True)
    try:
        con.execute("SET allowed_paths = ?", [[str(f) for fs in files.values() for f in fs]])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        for name, paths in files.items():
            _create_view(con, name, "[" + ", ".join(_literal(str(p)) for p in paths) + "]",
                         temp=True)
    except BaseException:
        con.close()
        raise
    return con


def query_readonly(database: Path, ut_folder: Path, query: str):
    """The result of one SELECT (as a Polars frame) through `readonly_connection`.

    Anything but a single SELECT (COPY, ATTACH, INSTALL/LOAD, SET, writes, DDL) is refused
    before it runs; a file outside the results is refused by DuckDB and reported the same way.
    """
    if not database.is_file():
        _refuse(f"{database.name} finns inte: kör `kpb compute ÅR` först")
    try:
        with readonly_connection(database, ut_folder) as con:
            _only_one_select(con, query)
            return con.sql(query).pl()
    except duckdb.PermissionException:
        _refuse("frågan försöker läsa eller skriva filer: kpb sql läser bara resultaten "
                "(vyerna och tabellerna i kpb.duckdb)")
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        _refuse(f"{database.name} används av en annan körning (t.ex. kpb compute): "
                "försök igen när den är klar")


def _only_one_select(con, query: str) -> None:
    statements = con.extract_statements(query)
    if len(statements) != 1:
        _refuse(f"fann {len(statements)} satser: väntade en SELECT-fråga")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        _refuse(f"fann en {kind.name}-sats: kpb sql läser bara, väntade en SELECT-fråga "
                "(ändra inte kpb.duckdb, läs inga andra filer)")


def _refuse(message: str) -> None:
    raise KpbError("sql", [error("kpb sql", None, None, message)])


def year_files(ut_folder: Path) -> dict[str, list[Path]]:
    """Output name -> its Parquet file in every year folder, oldest year first."""
    found = {name: sorted(p.resolve() for p in ut_folder.glob(pattern))
             for name, pattern in VIEW_FILES.items()}
    return {name: paths for name, paths in found.items() if paths}


def _create_view(con, name: str, files: str, temp: bool) -> None:
    con.execute(sql("views/view").replace("{name}", name).replace("{files}", files)
                .replace("{temp}", "TEMP" if temp else ""))
    con.execute(sql(f"comments/{name}"))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
