-- The Parquet files of a loaded table, every year, oldest year first (kpb/load/file_tables.py).
SELECT ar, fil FROM kpb_lagrad_fil WHERE tabell = ? ORDER BY ar, fil;
