-- One year's rows of a loaded table, in file and line order.
SELECT * FROM {table} WHERE ar = ? ORDER BY ALL;
