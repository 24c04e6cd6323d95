-- A loaded table kept as Parquet files (kpb/load/file_tables.py) that has no year stored yet:
-- the view shows its empty form table.
CREATE OR REPLACE {temp} VIEW {name} AS SELECT * FROM {form};
