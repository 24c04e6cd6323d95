-- Inside the transaction that stores a year's inputs: the staged results folder they belong to.
INSERT INTO kpb_korning VALUES (?, ?);
