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

from kpb.errors import Problem, error, warning
from kpb.load import parse
from kpb.load.csvfile import read_csv
from kpb.load.problems import Check, all_failures, problems_of
from kpb.load.textfile import LINE
from kpb.money import decimal_text
from kpb.project import SourceSettings

FOLDER = "kolada"
COLUMNS = ("kpi", "kommun", "ar", "varde", "kon")
ALIASES = {"år": "ar", "värde": "varde", "kön": "kon", "period": "ar", "value": "varde",
           "municipality": "kommun", "year": "ar", "gender": "kon"}
KOLADA_COLUMNS = ("kpi", "nyckeltal", "kommun", "egen_kommun", "kpb_varde", "kolada_varde")
VALUE = pl.Decimal(18, 4)


def read_kolada(root: Path, relative) -> tuple[pl.DataFrame, list[Problem]]:
    """kpi, kommun, ar, varde_e4 (value in 1/10 000, exact), from every kolada/*.csv."""
    frames, problems = [], []
    for path in sorted((root / FOLDER).glob("*.csv")) if (root / FOLDER).is_dir() else []:
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
