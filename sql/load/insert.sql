-- New rows come from an Arrow table registered as `incoming`; BY NAME matches the columns.
INSERT INTO {table} BY NAME SELECT * FROM incoming;
