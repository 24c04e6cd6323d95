-- One view per output over every year's Parquet file, so years compare in one query.
-- {name} is the output (brukare, insats, ...); {ut} the project's absolute ut folder.
CREATE OR REPLACE VIEW {name} AS
SELECT * FROM read_parquet('{ut}/*/{name}.parquet', union_by_name = true);
