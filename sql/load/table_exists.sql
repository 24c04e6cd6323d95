-- Whether the project database holds a table of this name (a view does not count).
SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database() AND schema_name = 'main';
