-- A table's rows of a year are replaced: so is what they were loaded from.
DELETE FROM kpb_indata_avtryck WHERE ar = ? AND tabell = ?;
