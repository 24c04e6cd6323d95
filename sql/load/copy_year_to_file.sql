-- A kpb.duckdb of an earlier kpb keeps {table} as a table: one year of it to its Parquet file
-- (kpb/load/file_tables.py migrate).
COPY (SELECT * FROM {table} WHERE ar = {year}) TO '{path}' (FORMAT parquet, COMPRESSION zstd);
