"""The KPB network: a kommun shares its published KPB as a package (`kpb dela`), and a
coordinator compares the packages of many kommuner (`kpb natverk`).

    layout.py     the hive layout kommun=<kod>/ar=<år>/<tabell>.parquet, the schema version,
                  finding and vetting packages
    package.py    one year's outputs (ut/<year>) -> the package's tables, disclosure applied
    share.py      `kpb dela`: the package written staged and swapped in
    engines.py    the comparison SQL (sql/natverk/) run by DuckDB or by Spark SQL, unchanged
    compare.py    `kpb natverk`: packages -> comparison tables, workbook and web page
    tables.py     the comparison's report tables (kpb.report's Table, workbook, web page)

Nothing person-level ever enters a package: no pseudonym, no row of one person, and every
cell describing fewer than 3 brukare is withheld (kpb.report.disclosure).
"""
