"""SQL that DuckDB runs lives in the top-level `sql/` folder as .sql files.

In a checkout they are read from there; in an installed wheel, `sql/` ships as the package
data `kpb.sql`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_CHECKOUT_SQL = Path(__file__).resolve().parents[1] / "sql"


@cache
def sql(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. sql("views/brukare")."""
    relative = f"{name}.sql"
    if (_CHECKOUT_SQL / relative).is_file():
        return (_CHECKOUT_SQL / relative).read_text(encoding="utf-8")
    return resources.files("kpb.sql").joinpath(relative).read_text(encoding="utf-8")


def glob_escaped(path: str) -> str:
    """A file path as DuckDB's readers take it literally: they expand `*`, `?` and `[...]`
    in every path, so a project folder named e.g. `KPB [2024]` must have them bracketed."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in path)
