"""The optional Kolada files `kolada/*.csv`: values of comparison municipalities as Kolada's
export gives them (one row per KPI, kommun and year: `kpi`, `kommun`, `ar` or `år`, `varde` or
`värde`, optionally `kon`). Read exactly (4 decimals); set beside kpb's figures by
kpb.analyse.kolada. Nothing is fetched over the network.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.errors import Problem, error
from kpb.load import parse
from kpb.load.csvfile import read_csv
from kpb.load.problems import Check, all_failures, problems_of
from kpb.load.textfile import LINE
from kpb.project import Project, SourceSettings

FOLDER = Project(Path()).kolada_dir.name  # "kolada", as messages name it
COLUMNS = ("kpi", "kommun", "ar", "varde", "kon")
ALIASES = {"år": "ar", "värde": "varde", "kön": "kon", "period": "ar", "value": "varde",
           "municipality": "kommun", "year": "ar", "gender": "kon"}


def read_kolada(root: Path, relative) -> tuple[pl.DataFrame, list[Problem]]:
    """kpi, kommun, ar, varde_e4 (value in 1/10 000, exact), from every kolada/*.csv."""
    frames, problems = [], []
    folder = Project(root).kolada_dir
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        table, found = read_csv(path, relative(path), SourceSettings())
        problems += found
        if table is None:
            continue
        rows, found = _typed(table)
        problems += found
        frames.append(rows)
    empty = pl.DataFrame(schema={"kpi": pl.Utf8, "kommun": pl.Utf8, "ar": pl.Int32,
                                 "varde_e4": pl.Int64, "kon": pl.Utf8})
    return (pl.concat(frames) if frames else empty), problems


def _typed(table) -> tuple[pl.DataFrame, list[Problem]]:
    named = {h: ALIASES.get(h.strip().casefold(), h.strip().casefold()) for h in table.headers}
    rows = table.rows.rename({h: n for h, n in named.items() if n in COLUMNS})
    missing = [c for c in COLUMNS[:4] if c not in rows.columns]
    if missing:
        return pl.DataFrame(), [error(table.file, 1, c, "kolumnen saknas: väntade kpi, kommun, "
                                      "år och värde (som i Kolada-exporten)") for c in missing]
    if "kon" not in rows.columns:
        rows = rows.with_columns(kon=pl.lit(""))
    value = parse.fixed_point(pl.col("varde"), 4, "auto", "ett tal", required=True)
    year = parse.text(pl.col("ar"), True, "ett år").value
    for stage in value.stages:
        rows = rows.with_columns(**stage)
    typed = rows.with_columns(
        varde_e4=value.value, _fel_varde=value.error,
        ar=pl.when(year.str.contains(r"^[0-9]{4}$")).then(year.cast(pl.Int32, strict=False)),
        _fel_ar=pl.when(~year.str.contains(r"^[0-9]{4}$"))
        .then(pl.lit("väntade ett år ÅÅÅÅ")),
        kpi=pl.col("kpi").str.strip_chars(), kommun=pl.col("kommun").str.strip_chars(),
        kon=pl.col("kon").fill_null("").str.strip_chars().str.to_uppercase())
    checks = [Check(h, f"_fel_{n}", n) for h, n in named.items() if n in ("varde", "ar")]
    problems = problems_of(table.file, all_failures(typed, checks))
    return typed.select("kpi", "kommun", "ar", "varde_e4", "kon", LINE).drop(LINE), problems
