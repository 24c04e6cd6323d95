-- Loading a year replaces that year's rows: {table} is one of the loaded tables.
DELETE FROM {table} WHERE ar = ?;
