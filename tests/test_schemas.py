"""The loaded tables' schema is spelt out once (kpb/load/schemas.py); the DuckDB DDL in
sql/load/create_tables.sql must say the same columns in the same order and types (for a
table kept as Parquet files, kpb/load/file_tables.py, its form table)."""

import duckdb
import polars as pl

from kpb.load import file_tables, schemas
from kpb.sqlfiles import sql

DUCKDB_TYPE = {pl.Categorical: "VARCHAR", pl.Int32: "INTEGER", pl.Int64: "BIGINT", pl.Utf8: "VARCHAR", pl.Date: "DATE"}


def test_the_ddl_matches_the_python_schemas():
    with duckdb.connect() as con:
        con.execute(sql("load/create_tables"))
        for table, schema in schemas.TABLES.items():
            name = (file_tables.FORM.format(table=table) if table in file_tables.FILE_TABLES
                    else table)
            columns = con.execute("select column_name, data_type from duckdb_columns() where "
                                  "table_name = ? order by column_index", [name]).fetchall()
            assert columns == [(name, DUCKDB_TYPE[dtype]) for name, dtype in schema.items()], table
