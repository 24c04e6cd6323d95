-- One view per output over every year's Parquet file, so years compare in one query.
-- {name} is the output (brukare, insats, ...); {ut} the project's absolute ut folder.
-- Only year folders (four digits) count: a killed run leaves hidden .2024.tmp-*/.2024.old-*
-- folders next to them, and reading those would count a year twice.
CREATE OR REPLACE VIEW {name} AS
SELECT * FROM read_parquet('{ut}/[0-9][0-9][0-9][0-9]/{name}.parquet', union_by_name = true);
