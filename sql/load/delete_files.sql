-- Storing a year replaces its files of a loaded table (the files themselves are removed after
-- the commit, kpb/load/file_tables.py sweep).
DELETE FROM kpb_lagrad_fil WHERE ar = ? AND tabell = ?;
