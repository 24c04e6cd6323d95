-- One view per output over every year's Parquet file, so years compare in one query.
-- {name} is the output (brukare, insats, ...); {files} the Parquet files to read: in
-- kpb.duckdb the pattern '<ut>/[0-9][0-9][0-9][0-9]/{name}.parquet' (only year folders: a
-- killed run leaves hidden .2024.tmp-*/.2024.old-* folders next to them, and reading those
-- would count a year twice); in the locked-down `kpb sql` connection a TEMP view over the
-- list of existing files, since that connection may not list folders.
CREATE OR REPLACE {temp} VIEW {name} AS
SELECT * FROM read_parquet({files}, union_by_name = true);
