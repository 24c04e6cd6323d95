"""The sharing package's layout (docs/formats.md §10) and how the network finds packages.

    <rot>/kommun=<SCB-kod>/ar=<år>/paket.parquet    one row: who, which kpb, which rules
                                  /insats.parquet   insats × område × åldersgrupp
                                  /omrade.parquet   område × åldersgrupp

`kommun` and `ar` live in the folder names only (Hive partitioning), so DuckDB and Spark
read them from the path; no file holds a column of those names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

SCHEMA_VERSION = 1
TABLES = ("paket", "insats", "omrade")
KOMMUNKOD = re.compile(r"^\d{4}$")
AGE_ALL = "alla"
# The columns every package of schema version 1 holds (docs/formats.md §10).
COLUMNS = {
    "paket": ("kommunkod", "verksamhetsar", "kommunnamn", "invanare", "kpb_version",
              "regler_sha256", "schemaversion"),
    "insats": ("katalogkod", "namn", "omrade", "aldersgrupp", "enhet", "volym", "kostnad",
               "brukare", "kostnad_per_enhet", "kostnad_per_invanare", "rapportenhet",
               "rapportvolym", "kostnad_per_rapportenhet", "skyddad"),
    "omrade": ("omrade", "aldersgrupp", "brukare", "kostnad", "kostnad_per_brukare",
               "kostnad_per_invanare", "andel_dyraste_10", "gini", "ytterfall_andel_brukare",
               "ytterfall_andel_kostnad", "skyddad"),
}


def package_dir(root: Path, kommunkod: str, year: int) -> Path:
    return Path(root) / f"kommun={kommunkod}" / f"ar={year}"


@dataclass(frozen=True)
class Package:
    folder: Path
    kommun: str  # from the folder name
    ar: int  # from the folder name
    kommunnamn: str = ""
    invanare: int | None = None
    kpb_version: str = ""
    regler_sha256: str = ""
    schemaversion: int | None = None
    problem: str = ""  # why the package is left out ("" = it is compared)

    def files(self, table: str) -> Path:
        return self.folder / f"{table}.parquet"


def find_packages(root: Path) -> list[Package]:
    """Every kommun=<kod>/ar=<år> folder under `root`, vetted: a package whose schema version
    is not kpb's, whose tables are missing or whose paket.parquet disagrees with its folder
    is kept with its `problem`, so the comparison can name it instead of mixing it in."""
    found = []
    for folder in sorted(Path(root).glob("kommun=*/ar=*")):
        if not folder.is_dir():
            continue
        kommun = folder.parent.name.removeprefix("kommun=")
        year_text = folder.name.removeprefix("ar=")
        if not KOMMUNKOD.match(kommun) or not year_text.isdigit():
            found.append(Package(folder, kommun, 0, problem=(
                "mappnamnet följer inte kommun=<fyrsiffrig kod>/ar=<år>")))
            continue
        found.append(_vetted(folder, kommun, int(year_text)))
    return found


def _vetted(folder: Path, kommun: str, year: int) -> Package:
    missing = [t for t in TABLES if not (folder / f"{t}.parquet").is_file()]
    if missing:
        return Package(folder, kommun, year, problem=f"saknar {', '.join(missing)}.parquet")
    try:
        row = pl.read_parquet(folder / "paket.parquet").row(0, named=True)
    except Exception as failure:  # noqa: BLE001: a broken file is named, never a traceback
        return Package(folder, kommun, year, problem=f"paket.parquet kan inte läsas ({failure})")
    package = Package(folder, kommun, year, str(row.get("kommunnamn") or ""),
                      row.get("invanare"), str(row.get("kpb_version") or ""),
                      str(row.get("regler_sha256") or ""), row.get("schemaversion"))
    if package.schemaversion != SCHEMA_VERSION:
        return _with_problem(package, f"schemaversion {package.schemaversion}, den här "
                                      f"versionen av kpb läser {SCHEMA_VERSION}")
    lacking = [f"{table}.parquet saknar {', '.join(missing)}"
               for table in TABLES if (missing := _missing_columns(folder, table))]
    if lacking:
        return _with_problem(package, "; ".join(lacking))
    if str(row.get("kommunkod")) != kommun or row.get("verksamhetsar") != year:
        return _with_problem(package, (
            f"paket.parquet säger kommun {row.get('kommunkod')} år {row.get('verksamhetsar')}, "
            f"mappen kommun={kommun}/ar={year}"))
    return package


def _missing_columns(folder: Path, table: str) -> list[str]:
    try:
        present = set(pl.read_parquet_schema(folder / f"{table}.parquet"))
    except Exception:  # noqa: BLE001: named as missing columns, never a traceback
        present = set()
    return [c for c in COLUMNS[table] if c not in present]


def _with_problem(package: Package, problem: str) -> Package:
    from dataclasses import replace

    return replace(package, problem=problem)
