-- The fingerprint of each loaded table's rows of a year (see create_fingerprints.sql).
SELECT tabell, avtryck FROM kpb_indata_avtryck WHERE ar = ?;
