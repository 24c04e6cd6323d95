-- What each loaded table of a year was loaded from (kpb/load/cache.py): the fingerprint of
-- its source's files, the key, the mapping in kpb.toml and kpb's version. Written in the
-- transaction that stores the rows, so a table whose fingerprint is unchanged is not stored
-- again.
CREATE TABLE IF NOT EXISTS kpb_indata_avtryck (ar INTEGER, tabell VARCHAR, avtryck VARCHAR);
