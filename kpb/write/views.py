"""Two DuckDB views per output, with comments: `<name>` over one year, `<name>_alla_ar` over
every year's `ut/<year>/<name>.parquet`.

A project holds several verksamhetsår (KPB is computed every second year), and a query like
`select aldersgrupp, median(kostnad) from brukare group by 1` must give one year's answer, not
a mix of 2022 and 2024. So the plain names are one year: in kpb.duckdb the latest computed
year; in `kpb sql` the year of `--ar` (default the latest). Comparing years is explicit:
`brukare_alla_ar` and the other `_alla_ar` views carry every year with its `ar` column. In
`kpb sql` the loaded tables (ledger, aktivitet, …) are narrowed to the same year the same way,
with `ledger_alla_ar` and so on beside them.

Only folders named by four digits are years: the hidden `.2024.tmp-*` and `.2024.old-*`
folders a killed run leaves behind hold a second copy of a year and are never read.

The view is sql/views/view.sql for every output; its comments (what each column holds, in
the users' words) are sql/comments/<name>.sql. Views are re-created on every compute, so a
project folder that has moved still answers.

The tables of `kpb jamfor` (ut/jamfor_<fran>_<till>/) are views the same way: the plain name
shows the latest comparison (the folder that sorts last), `<name>_alla_ar` every comparison,
each row with its `ar_fran` and `ar_till`. So are the tables of `kpb uppfoljning`
(ut/uppfoljning_<year>/): the plain name the latest year followed up, `_alla_ar` every year.

`readonly_connection` is what `kpb sql` queries through: kpb.duckdb opened read-only, file
access limited to the year Parquet files (no key file, no COPY, ATTACH or extensions), the
configuration locked, and the views as TEMP views over those files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpb.errors import KpbError, error
from kpb.load import file_tables
from kpb.project import Project
from kpb.sqlfiles import glob_escaped, sql
from kpb.write.outputs import COMPARISONS, FOLLOWUPS, OUTPUTS

YEAR_GLOB = "[0-9][0-9][0-9][0-9]"  # a year folder of ut/
COMPARISON_GLOB = f"jamfor_{YEAR_GLOB}_{YEAR_GLOB}"  # a `kpb jamfor` folder of ut/
FOLLOWUP_GLOB = f"uppfoljning_{YEAR_GLOB}"  # a `kpb uppfoljning` folder of ut/


ALL_YEARS = "_alla_ar"  # suffix of the views over every year
LOADED_TABLES = ("ledger", "aktivitet", "direkt", "nycklar", "person", "inlast_fil")


def refresh_views(con: duckdb.DuckDBPyConnection, ut_folder: Path, index=None) -> list[str]:
    """Create or replace the views of every output that has at least one year written: the
    latest year's under the plain name, every year's under `<name>_alla_ar`; and the series
    over every year (`index`: [jamfor] index, year -> Fraction, for the fixed prices)."""
    ut = glob_escaped(str(ut_folder.resolve()))
    created = []
    for name, paths in year_files(ut_folder).items():
        _create_view(con, name, _literal(glob_escaped(str(paths[-1]))), temp=False)
        _create_view(con, name + ALL_YEARS, _literal(f"{ut}/{YEAR_GLOB}/{name}.parquet"),
                     temp=False)
        created.append(name)
    for name, paths in {**comparison_files(ut_folder), **followup_files(ut_folder)}.items():
        _create_view(con, name, _literal(glob_escaped(str(paths[-1]))), temp=False)
        _create_view(con, name + ALL_YEARS, _file_list(paths), temp=False)
        created.append(name)
    create_series(con, year_files(ut_folder), index, temp=False)  # views over the views above
    return created


SERIES = ("serie_insats", "serie_omrade")


def create_series(con, files: dict, index, temp: bool) -> list[str]:
    """serie_insats and serie_omrade over the `_alla_ar` views (sql/views/serie_*.sql), when
    every year's insats and brukare_insats are there."""
    if not {"insats", "brukare_insats"} <= set(files):
        return []
    rows = ", ".join(f"({int(y)}, {v.numerator}, {v.denominator})"
                     for y, v in sorted((index or {}).items()))
    values = (f"VALUES {rows}" if rows else
              "SELECT NULL::INTEGER, NULL::HUGEINT, NULL::HUGEINT WHERE false")
    for name in SERIES:
        con.execute(sql(f"views/{name}").replace("{temp}", "TEMP" if temp else "")
                    .replace("{index}", values))
    return list(SERIES)


def computed_years(ut_folder: Path) -> list[int]:
    return sorted(int(p.name) for p in ut_folder.glob(YEAR_GLOB) if p.is_dir())


def chosen_year(ut_folder: Path, year: int | None) -> int | None:
    """The year the plain names show: `year` when computed, else the latest computed one."""
    years = computed_years(ut_folder)
    if year is not None and year not in years:
        done = ", ".join(map(str, years)) or "inga"
        _refuse(f"år {year} är inte beräknat (ut/{year} finns inte); beräknade år: {done}. "
                f"Kör `kpb compute {year}` först")
    return year if year is not None else (years[-1] if years else None)


def readonly_connection(database: Path, ut_folder: Path, year: int | None = None,
                        index=None) -> duckdb.DuckDBPyConnection:
    """kpb.duckdb read-only, able to read the year Parquet files under ut/ and nothing else;
    the plain names show `year` (default: the latest computed year)."""
    year = chosen_year(ut_folder, year)
    files = year_files(ut_folder)
    comparisons = {**comparison_files(ut_folder), **followup_files(ut_folder)}
    con = duckdb.connect(str(database), read_only=True)
    try:
        # the activity rows' files as they lie now, all years (narrowed to the year below)
        stored = file_tables.attach(con, Project(database.parent), name="{table}" + ALL_YEARS)
        readable = [str(f) for fs in [*files.values(), *comparisons.values()] for f in fs]
        readable += stored
        # DuckDB checks the path as written (glob characters bracketed) and as found
        con.execute("SET allowed_paths = ?", [sorted({*readable, *map(glob_escaped, readable)})])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        for name, paths in files.items():
            of_year = [p for p in paths if p.parent.name == str(year)]
            _create_view(con, name + ALL_YEARS, _file_list(paths), temp=True)
            if of_year:
                _create_view(con, name, _file_list(of_year), temp=True)
            else:  # never the stored view of the latest year under the chosen year's name
                con.execute(sql("views/year_without_file").replace("{name}", name)
                            .replace("{files}", _file_list(paths)))
        for name, paths in comparisons.items():
            _create_view(con, name, _file_list(paths[-1:]), temp=True)
            _create_view(con, name + ALL_YEARS, _file_list(paths), temp=True)
        create_series(con, files, index, temp=True)
        _narrow_loaded_tables(con, year)
    except BaseException:
        con.close()
        raise
    return con


def _narrow_loaded_tables(con, year: int | None) -> None:
    """`ledger` is the chosen year's rows of main.ledger, `ledger_alla_ar` all of them (the
    activity rows: of the temporary view over their files, kpb/load/file_tables.py)."""
    database = con.execute("SELECT current_database()").fetchone()[0]
    stored = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                        "WHERE database_name = ?", [database]).fetchall()}
    for table in (t for t in file_tables.FILE_TABLES
                  if file_tables.FORM.format(table=t) in stored):
        con.execute(sql("views/loaded_file_table").replace("{table}", table)
                    .replace("{all}", table + ALL_YEARS).replace("{year}", str(int(year or -1))))
    for table in (t for t in LOADED_TABLES if t in stored):
        con.execute(sql("views/loaded_table").replace("{db}", database.replace('"', '""'))
                    .replace("{table}", table)
                    .replace("{all}", table + ALL_YEARS).replace("{year}", str(int(year or -1))))


def query_readonly(database: Path, ut_folder: Path, query: str, year: int | None = None,
                   index=None):
    """The result of one SELECT (as a Polars frame) through `readonly_connection`.

    Anything but a single SELECT (COPY, ATTACH, INSTALL/LOAD, SET, writes, DDL) is refused
    before it runs; a file outside the results is refused by DuckDB and reported the same way.
    """
    if not database.is_file():
        _refuse(f"{database.name} finns inte: kör `kpb compute ÅR` först")
    try:
        with readonly_connection(database, ut_folder, year, index) as con:
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
    found = {name: sorted(p.resolve() for p in ut_folder.glob(f"{YEAR_GLOB}/{name}.parquet"))
             for name in OUTPUTS}
    return {name: paths for name, paths in found.items() if paths}


def comparison_files(ut_folder: Path) -> dict[str, list[Path]]:
    """`kpb jamfor` table -> its Parquet file in every comparison folder, in name order."""
    found = {name: sorted(p.resolve()
                          for p in ut_folder.glob(f"{COMPARISON_GLOB}/{name}.parquet"))
             for name in COMPARISONS}
    return {name: paths for name, paths in found.items() if paths}


def followup_files(ut_folder: Path) -> dict[str, list[Path]]:
    """`kpb uppfoljning` table -> its Parquet file in every follow-up folder, oldest first."""
    found = {name: sorted(p.resolve() for p in ut_folder.glob(f"{FOLLOWUP_GLOB}/{name}.parquet"))
             for name in FOLLOWUPS}
    return {name: paths for name, paths in found.items() if paths}


def _create_view(con, name: str, files: str, temp: bool) -> None:
    """The view `name` (an output, or `<output>_alla_ar`) over `files`, with the output's
    column comments."""
    output = name.removesuffix(ALL_YEARS)
    con.execute(sql("views/view").replace("{name}", name).replace("{files}", files)
                .replace("{temp}", "TEMP" if temp else ""))
    columns = {row[0] for row in con.execute(f'DESCRIBE "{name}"').fetchall()}
    statements = sql(f"comments/{output}").split(";\n")
    # a year written by an older kpb may lack a newer column: its comment is left out
    kept = [s for s in statements if f"COLUMN {output}." not in s
            or s.split(f"COLUMN {output}.")[1].split()[0] in columns]
    con.execute(";\n".join(kept).replace(f"VIEW {output} ", f"VIEW {name} ")
                .replace(f"COLUMN {output}.", f"COLUMN {name}."))


def _file_list(paths) -> str:
    return "[" + ", ".join(_literal(glob_escaped(str(p))) for p in paths) + "]"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
