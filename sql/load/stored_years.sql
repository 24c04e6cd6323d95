-- The years a loaded table holds rows of.
SELECT DISTINCT ar FROM {table} ORDER BY ar;
