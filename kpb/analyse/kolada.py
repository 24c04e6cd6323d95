"""Comparison municipalities: Kolada values set beside kpb's own figures (kolada.parquet;
docs/formats.md §9).

The optional folder `kolada/` in the project holds CSV files as Kolada's export gives them:
one row per KPI, kommun and year (`kpi`, `kommun`, `ar` or `år`, `varde` or `värde`, and
optionally `kon`, of which only the total, T or empty, is used). kpb.toml's `[kolada]
nyckeltal` names, per KPI id, the kpb figure it is set beside. Nothing is fetched over the
network; the values are read exactly (4 decimals) and never mixed into kpb's own figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from kpb.analyse.figures import FigureData, value
from kpb.errors import Problem, warning
from kpb.load.kolada_files import FOLDER, read_kolada
from kpb.rules.kolada import catalogue, figure, kolada_mapping_problems

__all__ = ["KOLADA_COLUMNS", "describe", "kolada_mapping_problems", "kolada_table",
           "own_figures"]

KOLADA_COLUMNS = ("kpi", "titel", "enhet", "begrepp", "nyckeltal", "kommun", "egen_kommun",
                  "kpb_varde", "kolada_varde")
VALUE = pl.Decimal(18, 4)


def kolada_table(values: pl.DataFrame, figures: dict[str, str], own: dict[str, Decimal | None],
                 kommun: str, year: int, rules=None) -> pl.DataFrame:
    """One row per mapped KPI and kommun of the year (or one row with no Kolada value), with
    kpb's own figure beside it, and the KPI's title, unit and concept (from kpb's catalogue;
    for a KPI it does not hold, the kpb figure's unit and concept and no title)."""
    described = [describe(kpi, spec, rules) for kpi, spec in figures.items()]
    mapping = pl.DataFrame(described, orient="row", schema={
        "kpi": pl.Utf8, "titel": pl.Utf8, "enhet": pl.Utf8, "begrepp": pl.Utf8,
        "nyckeltal": pl.Utf8})
    ours = pl.DataFrame({"nyckeltal": list(own), "kpb_varde": list(own.values())},
                        schema={"nyckeltal": pl.Utf8, "kpb_varde": VALUE})
    of_year = values.filter((pl.col("ar") == year) & pl.col("kon").is_in(["", "T"]))
    table = (mapping.join(of_year.select("kpi", "kommun", "varde_e4"), on="kpi", how="left")
             .with_columns(pl.col("kommun").fill_null(kommun))
             .join(ours, on="nyckeltal", how="left")
             .select("kpi", "titel", "enhet", "begrepp", "nyckeltal", "kommun",
                     egen_kommun=pl.col("kommun").str.to_lowercase() == kommun.lower(),
                     kpb_varde="kpb_varde",
                     kolada_varde=(pl.col("varde_e4").cast(pl.Decimal(18, 0))
                                   * pl.lit(Decimal("0.0001"))).cast(VALUE))
             .sort("kpi", "egen_kommun", "kommun", descending=[False, True, False]))
    return table


def describe(kpi: str, spec: str, rules=None) -> tuple[str, str, str, str, str]:
    """kpi, titel, enhet, begrepp, nyckeltal: the catalogue's words, else the figure's."""
    known = catalogue().get(kpi)
    if known is not None:
        return kpi, known.titel, known.enhet, known.begrepp, spec
    found = figure(spec, rules)
    if isinstance(found, str):
        return kpi, "", "", "", spec
    return kpi, "", found.unit, found.concept, spec


def kolada_problems(root: Path, relative, figures: dict[str, str], year: int) -> list[Problem]:
    """Errors in kolada/*.csv, and a warning naming the year's KPIs that no figure takes.
    (The mappings themselves are checked against the rules by kolada_mapping_problems.)"""
    values, problems = read_kolada(root, relative)
    if any(p.is_error for p in problems):
        return problems
    return [*problems, *_unmapped(values, figures, year)]


def _unmapped(values: pl.DataFrame, figures: dict[str, str], year: int) -> list[Problem]:
    of_year = values.filter(pl.col("ar") == year)
    unmapped = sorted(set(of_year["kpi"]) - set(figures))
    if not unmapped:
        return []
    return [warning(FOLDER, None, "kpi", "nyckeltal som inte står i kpb.toml "
                    f"[kolada.nyckeltal] lästes inte: {', '.join(unmapped)}")]


def own_figures(figures: dict[str, str], allocation, invanare: int | None,
                population: pl.DataFrame | None = None, recipients: pl.DataFrame | None = None,
                langvarigt_manader: int = 10) -> dict:
    """kpb's value (4 decimals) for every figure named in [kolada] nyckeltal; shares in
    percent, as Kolada gives them (kpb.analyse.figures). `population`: the population file
    (kpb.load.population), for figures in an age band; `recipients`: the adult bistånd
    recipients (kpb.analyse.bistand_persons), for andel_vuxna_langvarigt_bistand."""
    data = FigureData(allocation, invanare, population, recipients, langvarigt_manader)
    values = {}
    for spec in set(figures.values()):
        found = figure(spec)
        values[spec] = None if isinstance(found, str) else value(found, data)
    return values

