"""One DuckDB view per output, over `ut/<year>/<name>.parquet` of every year, with comments.

Only folders named by four digits are years: the hidden `.2024.tmp-*` and `.2024.old-*`
folders a killed run leaves behind hold a second copy of a year and are never read.

The view is sql/views/view.sql for every output; its comments (what each column holds, in
the users' words) are sql/comments/<name>.sql. Views are re-created on every compute and before `kpb sql`, so a project folder
that has moved still answers.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpb.sqlfiles import sql
from kpb.write.outputs import OUTPUTS

YEAR_GLOB = "[0-9][0-9][0-9][0-9]"  # the same pattern as sql/views/view.sql


def refresh_views(con: duckdb.DuckDBPyConnection, ut_folder: Path) -> list[str]:
    """Create or replace the view of every output that has at least one year written."""
    ut = str(ut_folder.resolve()).replace("'", "''")
    created = []
    for name in OUTPUTS:
        if not any(ut_folder.glob(f"{YEAR_GLOB}/{name}.parquet")):
            continue
        con.execute(sql("views/view").replace("{name}", name).replace("{ut}", ut))
        con.execute(sql(f"comments/{name}"))
        created.append(name)
    return created
