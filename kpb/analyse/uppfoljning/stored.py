"""The year's inputs as `kpb compute` or `kpb load` stored them in kpb.duckdb, read-only, and
the checks of them that decide the months' money.

Only the activity columns the follow-up counts are read (25 rows per inhabitant: file names
and line numbers would be most of the read), in no particular order.
"""

from __future__ import annotations

import duckdb
import polars as pl

from kpb.check import CheckSettings
from kpb.check.stage import CHECKS
from kpb.errors import Problem
from kpb.flow.facts import Facts
from kpb.load import file_tables, schemas
from kpb.project import Project
from kpb.sqlfiles import sql

ACTIVITY_COLUMNS = ("person_id", "insats", "from", "tom", "timmar_milli", "antal_milli",
                    "utforare")
TABLES = ("ledger", "aktivitet", "direkt", "nycklar", "person")
# The checks of kpb.check.stage.CHECKS that refuse what would make the months' money wrong:
# amounts out of range, ledger rows without a pool, keys (the rest only warn, or were
# reported when the year was computed).
MONEY_CHECKS = ("belopp utanför intervallet", "huvudboksrader utan pool", "nycklar")


def stored_tables(project: Project, year: int, tables=TABLES) -> dict[str, pl.DataFrame]:
    """The loaded tables' rows of `year` (empty frames when none were stored)."""
    schema_of = {t: _columns(t) for t in tables}
    if not project.database.is_file():
        return {t: schemas.empty(schema) for t, schema in schema_of.items()}
    with duckdb.connect(str(project.database), read_only=True) as con:
        file_tables.attach(con, project)  # the activity rows' Parquet files, as they lie now
        existing = file_tables.readable_tables(con)
        return {t: _rows(con, t, year, schema) if t in existing else schemas.empty(schema)
                for t, schema in schema_of.items()}


def _columns(table: str) -> dict:
    schema = schemas.TABLES[table]
    if table == "aktivitet":
        return {c: (pl.Utf8 if schema[c] == pl.Categorical else schema[c])
                for c in ACTIVITY_COLUMNS}
    return dict(schema)


def _rows(con, table: str, year: int, schema: dict) -> pl.DataFrame:
    columns = ", ".join(f'"{c}"' for c in schema)
    query = sql("uppfoljning/select_year").format(table=table, columns=columns)
    frame = con.sql(query, params={"ar": year}).pl()
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def money_problems(facts: Facts, settings: CheckSettings) -> list[Problem]:
    """What the check stage would refuse among the checks of MONEY_CHECKS."""
    return [p for kind, check in CHECKS if kind in MONEY_CHECKS
            for p in check(facts, settings)]
