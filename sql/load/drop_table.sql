-- After its rows were copied to Parquet files: the table makes way for the view of the same name.
DROP TABLE {table};
