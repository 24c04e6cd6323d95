"""`kpb natverk <mapp>`: every sharing package in a folder tree compared (formats.md §10).

Finds the packages (kpb.network.layout), leaves out and names those that disagree in schema
version or with their folder, runs the comparison SQL in DuckDB or Spark
(kpb.network.engines), and writes the result staged and swapped in: Parquet, a workbook and
a web page (kpb.network.tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error, raise_if_errors
from kpb.network.engines import compare
from kpb.network.layout import Package, find_packages
from kpb.write.outputs import replace_folder

VALUES = ("varde", "median", "kvartil1", "kvartil3", "fran_median", "varde_tidigare",
          "varde_tidigare_fast")
SHARES = ("fran_median_andel", "forandring", "forandring_fast")  # in 1/10 000


@dataclass(frozen=True)
class Network:
    year: int
    packages: list[Package]  # every package found, `problem` set on those left out
    comparison: pl.DataFrame  # natverk_jamforelse
    units_differ: list[str]  # insats codes the kommuner count in different units
    folder: Path | None = None
    files: tuple[Path, ...] = ()

    @property
    def compared(self) -> list[Package]:
        return [p for p in self.packages if not p.problem and p.ar == self.year]

    def lines(self) -> list[str]:
        lines = [f"KPB-nätverket {self.year}: {len(self.compared)} kommuner jämförs "
                 f"({', '.join(p.kommun for p in self.compared)})."]
        lines += [f"Utelämnat: {p.folder}: {p.problem}" for p in self.packages if p.problem]
        lines += [f"Olika enheter för {code}: jämförs var enhet för sig"
                  for code in self.units_differ]
        lines += [f"Skrev {path}" for path in self.files]
        return lines


def natverk(root: Path, year: int | None = None, kommun: str | None = None,
            out: Path | None = None, engine: str = "duckdb",
            index: dict[int, Fraction] | None = None) -> Network:
    root = Path(root)
    if not root.is_dir():
        raise KpbError("natverk", [error(str(root), None, None, "mappen finns inte")])
    packages = find_packages(root)
    usable = [p for p in packages if not p.problem]
    years = sorted({p.ar for p in usable})
    problems = []
    if not usable:
        problems.append(error(str(root), None, None, (
            "inga delningspaket att jämföra: väntade mappar kommun=<kod>/ar=<år> skrivna av "
            "kpb dela" + (f" (utelämnade: {len(packages)})" if packages else ""))))
    elif year is not None and year not in years:
        problems.append(error(None, None, "--ar", (
            f"fann inga paket för {year}, väntade ett av {', '.join(map(str, years))}")))
    year = year if year is not None else (years[-1] if years else 0)
    if kommun is not None and not any(p.kommun == kommun and p.ar == year for p in usable):
        problems.append(error(None, None, "--kommun", (
            f"kommun {kommun} har inget paket för {year} under {root}")))
    raise_if_errors("natverk", problems)
    milli = {y: int((Fraction(v) * 1000).limit_denominator(1)) for y, v in (index or {}).items()}
    rows = compare(engine, root, [p for p in usable if p.ar <= year], year, milli)
    result = Network(year, packages, with_decimals(rows), units_differing(rows))
    return write_network(result, out or root / f"natverk_{year}", kommun)


def with_decimals(rows: pl.DataFrame) -> pl.DataFrame:
    """The SQL's integers as exact decimals: kronor (skala 2) and shares (skala 4) both as
    DECIMAL(18,4); changes and distances in shares of 1 (0.1000 = 10 %)."""
    def scaled(column: str) -> pl.Expr:
        whole = pl.col(column).cast(pl.Decimal(38, 0))
        return (pl.when(pl.col("skala") == 2).then(whole * pl.lit(Decimal("0.01")))
                .otherwise(whole * pl.lit(Decimal("0.0001")))).cast(pl.Decimal(18, 4))
    return rows.with_columns(
        *[scaled(c).alias(c) for c in VALUES],
        *[(pl.col(c).cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.0001"))).cast(pl.Decimal(18, 4))
          .alias(c) for c in SHARES])


def units_differing(rows: pl.DataFrame) -> list[str]:
    counted = (rows.filter((pl.col("niva") == "insats") & (pl.col("matt") == "kostnad_per_enhet"))
               .group_by("kod").agg(pl.col("enhet").n_unique().alias("enheter"))
               .filter(pl.col("enheter") > 1))
    return sorted(counted["kod"].to_list())


def write_network(network: Network, target: Path, kommun: str | None) -> Network:
    """natverk_jamforelse.parquet, natverk_paket.parquet, natverk_<år>.xlsx and .html, staged
    in a hidden folder beside `target` and swapped in."""
    from dataclasses import replace

    from kpb.network.tables import package_frame, render

    names = []

    def fill(staging: Path) -> None:
        network.comparison.write_parquet(staging / "natverk_jamforelse.parquet")
        package_frame(network).write_parquet(staging / "natverk_paket.parquet")
        names.extend(render(network, staging, kommun))

    replace_folder(target, fill, "natverk_jamforelse.parquet", "nätverksjämförelse")
    files = ("natverk_jamforelse.parquet", "natverk_paket.parquet", *names)
    return replace(network, folder=target, files=tuple(target / n for n in files))
