-- In `kpb sql`: the loaded table {table} of the project database {db} narrowed to the chosen
-- year {year}, and all its years under {all}. TEMP views shadow the stored tables for this
-- connection only (so the stored table is named with its database, not through the search path).
CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM "{db}".main.{table} WHERE ar = {year};
CREATE OR REPLACE TEMP VIEW {all} AS SELECT * FROM "{db}".main.{table};
