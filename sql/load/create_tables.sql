-- The loaded tables (docs/design.md "Loaded tables"); kpb/load/schemas.py holds the same
-- columns as Polars types. Money in integer öre, hours and counts in thousandths.
CREATE TABLE IF NOT EXISTS ledger (
    ar INTEGER, kalla_fil VARCHAR, kalla_rad BIGINT,
    period INTEGER, konto VARCHAR, ansvar VARCHAR, verksamhet VARCHAR, aktivitet VARCHAR,
    projekt VARCHAR, motpart VARCHAR, belopp_ore BIGINT
);
-- The activity rows (25 per inhabitant) are kept as Parquet files beside kpb.duckdb, one per
-- year, and `aktivitet` is a view over them (kpb/load/file_tables.py): this empty table is
-- the view's form, so that it has these columns and types with no file as well.
CREATE TABLE IF NOT EXISTS kpb_form_aktivitet (
    ar INTEGER, kalla_fil VARCHAR, kalla_rad BIGINT,
    person_id VARCHAR, insats VARCHAR, "from" DATE, tom DATE, timmar_milli BIGINT,
    antal_milli BIGINT, utforare VARCHAR, hushall VARCHAR, flagga VARCHAR
);
CREATE TABLE IF NOT EXISTS direkt (
    ar INTEGER, kalla_fil VARCHAR, kalla_rad BIGINT,
    person_id VARCHAR, insats VARCHAR, period INTEGER, belopp_ore BIGINT, hushall VARCHAR,
    utforare VARCHAR, flagga VARCHAR
);
CREATE TABLE IF NOT EXISTS utfall (
    ar INTEGER, kalla_fil VARCHAR, kalla_rad BIGINT,
    person_id VARCHAR, insats VARCHAR, utforare VARCHAR, start DATE, avslut DATE,
    avslutsorsak VARCHAR, hushall VARCHAR, flagga VARCHAR
);
CREATE TABLE IF NOT EXISTS nycklar (
    ar INTEGER, kalla_fil VARCHAR, kalla_rad BIGINT,
    nyckel VARCHAR, mottagare VARCHAR, varde VARCHAR
);
CREATE TABLE IF NOT EXISTS person (
    ar INTEGER, person_id VARCHAR, kon VARCHAR, fodelsear INTEGER, alder INTEGER,
    aldersgrupp VARCHAR, flagga VARCHAR
);
CREATE TABLE IF NOT EXISTS inlast_fil (
    ar INTEGER, kalla VARCHAR, kalla_fil VARCHAR, sha256 VARCHAR, rader BIGINT,
    kodning VARCHAR, separator VARCHAR, "decimal" VARCHAR
);
-- A compute stores its inputs and its results together: the inputs are committed here with
-- the name of the staged results folder (ut/.<ar>.tmp-<pid>), which is then swapped in. A row
-- that names a folder still there means the run was cut after its commit: the folder is
-- swapped in at the next start (kpb/write/commit.py).
CREATE TABLE IF NOT EXISTS kpb_korning (ar INTEGER, resultatmapp VARCHAR);
-- The Parquet files of the loaded tables kept beside kpb.duckdb (kpb/load/file_tables.py):
-- `fil` relative to the project's .kpb-lager/. Written in the transaction that stores the
-- year, so the files a view reads change with it or not at all.
CREATE TABLE IF NOT EXISTS kpb_lagrad_fil (ar INTEGER, tabell VARCHAR, fil VARCHAR);
