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
from fractions import Fraction
from pathlib import Path

import polars as pl

from kpb.errors import Problem, warning
from kpb.load.kolada_files import FOLDER, read_kolada
from kpb.money import decimal_text

KOLADA_COLUMNS = ("kpi", "nyckeltal", "kommun", "egen_kommun", "kpb_varde", "kolada_varde")
VALUE = pl.Decimal(18, 4)


def kolada_table(values: pl.DataFrame, figures: dict[str, str], own: dict[str, Decimal | None],
                 kommun: str, year: int) -> pl.DataFrame:
    """One row per mapped KPI and kommun of the year (or one row with no Kolada value), with
    kpb's own figure beside it."""
    mapping = pl.DataFrame({"kpi": list(figures), "nyckeltal": list(figures.values())},
                           schema={"kpi": pl.Utf8, "nyckeltal": pl.Utf8})
    ours = pl.DataFrame({"nyckeltal": list(own), "kpb_varde": list(own.values())},
                        schema={"nyckeltal": pl.Utf8, "kpb_varde": VALUE})
    of_year = values.filter((pl.col("ar") == year) & pl.col("kon").is_in(["", "T"]))
    table = (mapping.join(of_year.select("kpi", "kommun", "varde_e4"), on="kpi", how="left")
             .with_columns(pl.col("kommun").fill_null(kommun))
             .join(ours, on="nyckeltal", how="left")
             .select("kpi", "nyckeltal", "kommun",
                     egen_kommun=pl.col("kommun").str.to_lowercase() == kommun.lower(),
                     kpb_varde="kpb_varde",
                     kolada_varde=(pl.col("varde_e4").cast(pl.Decimal(18, 0))
                                   * pl.lit(Decimal("0.0001"))).cast(VALUE))
             .sort("kpi", "egen_kommun", "kommun", descending=[False, True, False]))
    return table


def kolada_problems(root: Path, relative, figures: dict[str, str], year: int) -> list[Problem]:
    """Errors in kolada/*.csv, and a warning naming the year's KPIs that no figure takes."""
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


def own_figures(figures: dict[str, str], allocation, invanare: int | None) -> dict:
    """kpb's value (4 decimals) for every figure named in [kolada] nyckeltal; shares (andel_*)
    in percent, as Kolada gives them."""
    return {spec: _figure(spec, allocation, invanare) for spec in set(figures.values())}


def _figure(spec: str, allocation, invanare: int | None) -> Decimal | None:
    name, _, argument = spec.partition(":")
    persons = allocation.brukare_insats
    if name == "kostnad_per_invanare":
        cost = persons.filter(pl.col("omrade") == argument)["kostnad_ore"].sum()
        return _ratio(cost, 100 * invanare) if invanare else None
    if name == "kostnad_per_brukare":
        area = persons.filter(pl.col("omrade") == argument)
        return _ratio(area["kostnad_ore"].sum(), 100 * area["person_id"].n_unique())
    if name == "styckkostnad":
        insats = allocation.insats.filter(pl.col("insats") == argument)
        return _ratio(insats["kostnad_ore"].sum() * 10, insats["volym_milli"].sum())
    if name == "andel_avslut_arbete_eller_studier":
        rows = allocation.utfall_insats.filter(pl.col("insats") == argument)
        return _ratio(100 * rows["avslut_arbete_eller_studier"].sum(), rows["avslut"].sum())
    households = allocation.hushall  # andel_hushall_langvarigt_bistand, in percent
    return _ratio(100 * households["langvarigt_bistand"].sum(), households.height)


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    """An exact quotient of two integers rounded half away from zero to 4 decimals."""
    if not denominator:
        return None
    return Decimal(decimal_text(Fraction(int(numerator), int(denominator)), 4))
