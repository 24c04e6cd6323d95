"""`kpb dela <år>`: the year's published KPB as a sharing package (docs/formats.md §10).

Reads only the year's outputs in ut/<year>/ (and the rules' [ytterfall] for the ytterfall
shares), builds the package's tables (kpb.network.package) and writes them staged and
swapped in, so a package folder is always whole: the old package or the new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error, raise_if_errors
from kpb.money import decimal_ratio
from kpb.network import package
from kpb.network.layout import KOMMUNKOD, package_dir
from kpb.report.disclosure import DEFAULT_RULE, Rule
from kpb.write.outputs import replace_folder

SHARE_FOLDER = "dela"  # the default root of a project's packages: ut/dela/


@dataclass(frozen=True)
class Shared:
    folder: Path  # <root>/kommun=<kod>/ar=<år>
    kommunkod: str
    year: int
    rows: dict[str, int]  # rows per table
    withheld: int  # rows withheld for disclosure
    persons: int = 3  # the fewest brukare a shown cell describes (kpb.toml [publicering])

    def lines(self) -> list[str]:
        counted = ", ".join(f"{name} {n} rader" for name, n in self.rows.items())
        return [f"Delningspaket för kommun {self.kommunkod}, {self.year}: {counted}.",
                f"Skyddade rader (färre än {self.persons} brukare eller sekundärt skydd): "
                f"{self.withheld}.",
                f"Skrivet till {self.folder}"]


def kommunkod_of(project, given: str | None) -> str:
    """--kommunkod, else `kommunkod` in kpb.toml (when this kpb's settings know the key)."""
    code = given if given is not None else getattr(project, "kommunkod", None)
    code = "" if code is None else str(code).strip()
    if not KOMMUNKOD.match(code):
        found = f"fann {code!r}" if code else "saknas"
        raise KpbError("dela", [error("kpb.toml", None, "kommunkod", (
            f"{found}, väntade kommunens fyrsiffriga SCB-kod, t.ex. 1489: ange --kommunkod "
            "1489 (eller kommunkod = \"1489\" i kpb.toml)"))])
    return code


def share(project, year: int, kommunkod: str, root: Path, version: str,
          lock=None) -> Shared:
    """Write the package of `year` under `root` (kommun=<kod>/ar=<år>/); `lock`: a context
    manager held while the folder is swapped (the project lock)."""
    folder = project.output_dir(year)
    raise_if_errors("dela", [error(project.relative(folder / name), None, None,
                                   f"saknas: kör `kpb compute {year}` först")
                             for name in ("manifest.json", "insats.parquet", "brukare.parquet",
                                          "brukare_insats.parquet")
                             if not (folder / name).is_file()])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    rule = Rule.of(project)  # kpb.toml [publicering], as in kpb rapport --publicera
    tables = {
        "paket": package.paket_table(kommunkod, year, manifest, project.invanare, version),
        "insats": package.insats_table(folder, project.invanare, rule),
        "omrade": package.omrade_table(folder, project.invanare,
                                       ytterfall_shares(project, year, folder, rule), rule),
    }
    target = package_dir(root, kommunkod, year)
    if lock is None:
        write_package(tables, target)
    else:
        with lock:
            write_package(tables, target)
    withheld = sum(int(t["skyddad"].sum()) for n, t in tables.items() if "skyddad" in t.columns)
    return Shared(target, kommunkod, year, {n: t.height for n, t in tables.items()}, withheld,
                  rule.persons)


def write_package(tables: dict[str, pl.DataFrame], target: Path) -> Path:
    """The tables as uncompressed Parquet (so anyone can read and scan them), swapped in."""
    def fill(staging: Path) -> None:
        for name, frame in tables.items():
            frame.write_parquet(staging / f"{name}.parquet", compression="uncompressed")

    return replace_folder(target, fill, "paket.parquet", "delningspaket")


def ytterfall_shares(project, year: int, folder: Path,
                     rule: Rule = DEFAULT_RULE) -> pl.DataFrame | None:
    """omrade, ytterfall_andel_brukare, ytterfall_andel_kostnad: the report's published
    Ytterfall table (rules [ytterfall], brukare by main område), withheld rows empty; None
    without rules or without an ytterfall rule."""
    from kpb.report.disclosure import PROTECTED, publish
    from kpb.report.outliers import ytterfall
    from kpb.report.tables import read_outputs
    from kpb.rules import read_rules

    if not project.rules_file(year).is_file():
        return None
    rules = read_rules(project.rules_file(year), year,
                       project.relative(project.rules_file(year)))
    if not getattr(rules, "ytterfall", ()):
        return None
    data = read_outputs(folder, year, project.kommun, project.invanare, rules, rule=rule)
    table = publish(ytterfall(data), rule).frame.filter(pl.col("omrade") != "Alla områden")
    shown = ~pl.col(PROTECTED)
    return table.select(
        "omrade",
        ytterfall_andel_brukare=pl.when(shown).then(
            decimal_ratio(pl.col("antal"), pl.col("brukare"), 4)),
        ytterfall_andel_kostnad=pl.when(shown).then(
            decimal_ratio(package.ore("ytterfall_kostnad"), package.ore("kostnad"), 4)))
