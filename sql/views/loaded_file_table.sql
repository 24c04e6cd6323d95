-- In `kpb sql`: a loaded table kept as Parquet files (the activity rows). {all} is already a
-- TEMP view over its files as they lie now (kpb/load/file_tables.py attach); the chosen year
-- {year} under the table's own name.
CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {all} WHERE ar = {year};
