-- One Parquet file of a year of a loaded table, relative to the project's .kpb-lager/.
INSERT INTO kpb_lagrad_fil VALUES (?, ?, ?);
