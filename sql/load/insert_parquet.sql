-- New rows from the Parquet files a source was spilled to while it was read in pieces
-- (kpb/load/spill.py), in file order; BY NAME matches the columns.
INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?);
