-- Inside the transaction that stores a table's rows of a year: what they were loaded from.
INSERT INTO kpb_indata_avtryck VALUES (?, ?, ?);
