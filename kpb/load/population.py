"""The optional population file `data/<year>/befolkning.csv`: inhabitants per age, for the
report's per-inhabitant figures by age band (formats.md §2.5).

    alder;antal
    0;152
    1;149
    ...
    100+;4

`alder` is a whole age; a last row "100+" counts everyone of that age or older. `antal` is a
whole number (spaces as thousands separators allowed). `;` or `,`, UTF-8 or Windows-1252.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from kpb.errors import error, raise_if_errors
from kpb.load.personnummer import mask_within
from kpb.load.csvtext import line_ends
from kpb.project import Project


def population_file(project: Project, year: int) -> Path:
    return project.population_file(year)


def read_population(project: Project, year: int) -> pl.DataFrame | None:
    """alder (Int32), antal (Int64), or None when the project has no population file."""
    path = population_file(project, year)
    if not path.is_file():
        return None
    shown = project.relative(path)
    raw = line_ends(path.read_bytes())  # lines ending in CR alone are lines too
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    header = text.splitlines()[0] if text.strip() else ""
    separator = ";" if ";" in header else ","
    names = [n.strip().lower() for n in header.split(separator)]
    if names[:2] not in (["alder", "antal"], ["ålder", "antal"]):
        raise_if_errors("rapport", [error(shown, 1, None, f"fann rubriken {header!r}, "
                                                          "väntade alder;antal")])
    frame = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False,
                        new_columns=["alder", "antal"], columns=[0, 1])
    frame = frame.with_row_index("rad", offset=2).with_columns(
        alder_text=pl.col("alder").str.strip_chars(),
        antal_text=pl.col("antal").str.replace_all(r"[\s\u00a0]", ""))
    age_ok = pl.col("alder_text").str.contains(r"^[0-9]{1,3}\+?$")
    count_ok = pl.col("antal_text").str.contains(r"^[0-9]+$")
    bad = frame.filter(~age_ok.fill_null(False) | ~count_ok.fill_null(False))
    problems = [error(shown, r["rad"], "alder", f"fann {mask_within(str(r['alder']))!r}, väntade en ålder i hela "
                                                "år (t.ex. 42, eller 100+ på sista raden)")
                for r in bad.filter(~age_ok.fill_null(False)).head(20).iter_rows(named=True)]
    problems += [error(shown, r["rad"], "antal", f"fann {mask_within(str(r['antal']))!r}, väntade ett helt "
                                                 "antal invånare")
                 for r in bad.filter(~count_ok.fill_null(False)).head(20).iter_rows(named=True)]
    raise_if_errors("rapport", problems)
    return (frame.select(alder=pl.col("alder_text").str.strip_chars_end("+").cast(pl.Int32),
                         antal=pl.col("antal_text").cast(pl.Int64))
            .group_by("alder").agg(pl.col("antal").sum()).sort("alder"))
