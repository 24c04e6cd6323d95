-- A loaded table kept as Parquet files (kpb/load/file_tables.py): its empty form table, which
-- gives the columns and types, and the rows of every year's file. {temp} is TEMP for a
-- reader's own connection (kpb sql, uppföljning): the files as they lie now, wherever the
-- project folder has moved.
CREATE OR REPLACE {temp} VIEW {name} AS
SELECT * FROM {form}
UNION ALL BY NAME
SELECT * FROM read_parquet({files}, union_by_name = true);
