-- In `kpb sql`: the output {name} for a chosen year whose folder has no such file (an older
-- kpb's results, a file deleted by hand): no rows, with the columns of the other years'
-- files {files}. Without it the view stored in kpb.duckdb (the latest year) would answer.
CREATE OR REPLACE TEMP VIEW {name} AS
SELECT * FROM read_parquet({files}, union_by_name = true) WHERE false;
