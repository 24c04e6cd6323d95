-- The DuckDB peer's load: the activity CSV files (one list, union by name, typed by DuckDB's
-- reader) with each person's pseudonym joined in. Parameters: $files (list of paths) and the
-- registered table `pseudonyms(person, person_id)`. Hours and counts become exact
-- milli-units through DECIMAL, never float. The result has the columns baseline.sql reads.
CREATE TABLE aktivitet AS
SELECT p.person_id, a.insats, coalesce(a.utforare, '') AS utforare,
       a."from", a.tom,
       CAST(a.timmar * 1000 AS BIGINT) AS timmar_milli,
       coalesce(CAST(a.antal * 1000 AS BIGINT), 1000) AS antal_milli,
       getvariable('ar') AS ar
FROM read_csv($files, union_by_name = true, header = true,
              types = {'person': 'VARCHAR', 'insats': 'VARCHAR', 'from': 'DATE', 'tom': 'DATE',
                       'timmar': 'DECIMAL(18,3)', 'antal': 'DECIMAL(18,3)',
                       'utforare': 'VARCHAR', 'hushall': 'VARCHAR'}) a
JOIN pseudonyms p ON a.person = p.person;
