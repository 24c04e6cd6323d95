"""Ytterfall and insatskombinationer: the brukare at or above their område's threshold (rules
[ytterfall]) counted per område, listed one by one for the internal report, and the
combinations of insatser brukare get, the most common and the most costly."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

import polars as pl

from kpb.report.disclosure import Disclosure
from kpb.report.table_model import (DELSUMMA, Column, ReportData, Table, area_names,
                                    money_ratio)

MONEY = pl.Decimal(18, 2)
TOP_COMBINATIONS = 15


def ytterfall_persons(data: ReportData) -> pl.DataFrame:
    """Every brukare of an område with a rule: person_id, omrade, aldersgrupp,
    insatskombination, kostnad, troskel, ytterfall (kostnad ≥ troskel)."""
    from kpb.rules.reporting import rule_for

    people = data["brukare"].with_columns(pl.col("omrade").fill_null("okänt"))
    thresholds = {}
    for omrade in sorted(people["omrade"].unique().to_list()):  # a handful of områden
        rule = rule_for(data.ytterfall, omrade)
        if rule is not None:
            costs = people.filter(pl.col("omrade") == omrade)["kostnad"]
            thresholds[omrade] = _threshold(rule, costs)
    return (people.filter(pl.col("omrade").is_in(list(thresholds)))
            .with_columns(troskel=pl.col("omrade").replace_strict(
                {k: v for k, v in thresholds.items()}, return_dtype=MONEY))
            .with_columns(ytterfall=pl.col("kostnad") >= pl.col("troskel")))


def ytterfall(data: ReportData) -> Table:
    """Brukare whose annual cost is at or above their område's threshold, per område."""
    from kpb.rules.reporting import rule_for

    persons = ytterfall_persons(data)
    cost = pl.col("kostnad")
    outlier = pl.col("ytterfall")
    areas = (persons.group_by("omrade").agg(
        pl.col("troskel").first(), pl.len().cast(pl.Int64).alias("brukare"),
        cost.sum().cast(MONEY).alias("kostnad"), outlier.sum().cast(pl.Int64).alias("antal"),
        cost.filter(outlier).sum().cast(MONEY).alias("ytterfall_kostnad"),
        cost.filter(outlier).max().cast(MONEY).alias("storsta"))
        .sort("omrade")
        .with_columns(regel=pl.col("omrade").replace_strict(
            {omrade: rule_for(data.ytterfall, omrade).definition
             for omrade in persons["omrade"].unique().to_list()}, return_dtype=pl.Utf8),
            namn=area_names(pl.col("omrade")), **{DELSUMMA: pl.lit(None, pl.Int64)}))
    if areas.height:
        total = areas.select(
            pl.lit("Alla områden").alias("namn"), pl.lit("").alias("omrade"),
            pl.lit("").alias("regel"), pl.lit(None, MONEY).alias("troskel"),
            pl.col("brukare").sum(), pl.col("kostnad").sum().cast(MONEY), pl.col("antal").sum(),
            pl.col("ytterfall_kostnad").sum().cast(MONEY), pl.col("storsta").max(),
            pl.lit(areas.height, pl.Int64).alias(DELSUMMA))
        areas = pl.concat([areas.select(total.columns), total])
    inhabitants = data.invanare
    frame = areas.with_columns(
        andel_brukare=money_ratio("antal", "brukare"),
        andel_kostnad=money_ratio("ytterfall_kostnad", "kostnad"),
        per_1000=(pl.col("antal").cast(pl.Float64) * 1000 / inhabitants) if inhabitants
        else pl.lit(None, pl.Float64))
    notes = ["Ytterfall = brukare vars årskostnad är minst områdets tröskel, enligt "
             "[ytterfall] i regelfilen (standard gäller områden utan egen regel). Område = "
             "brukarens huvudområde.",
             "Median och medel räknas över områdets brukare; percentil med linjär "
             "interpolation mellan närmaste brukare. Tröskeln avrundas uppåt till helt öre.",
             *_by_construction(data, frame),
             "Ytterfall per 1 000 invånare = antal ytterfall × 1 000 ÷ invanare i kpb.toml."]
    if not data.ytterfall:
        notes = ["Ingen ytterfallsregel: lägg till [ytterfall] i regelfilen, t.ex. "
                 "standard = { multipel_median = 5 }."]
    return Table(
        "ytterfall", "Ytterfall", f"Ytterfall {data.year}", frame,
        (Column("namn", "Område"), Column("omrade", "Kod"), Column("regel", "Regel"),
         Column("troskel", "Tröskel", "kr"), Column("brukare", "Brukare i området", "antal"),
         Column("antal", "Ytterfall", "antal"), Column("andel_brukare", "Andel av brukarna",
                                                       "andel"),
         Column("ytterfall_kostnad", "Ytterfallens kostnad", "kr_ore"),
         Column("andel_kostnad", "Andel av kostnaden", "andel"),
         Column("per_1000", "Ytterfall per 1 000 invånare", "tal")), tuple(notes), None,
        # a withheld row withholds the område's brukare and cost too: they are sums of
        # Brukare's rows (kpb.report.person_tables.BRUKARE_MARGINS)
        Disclosure("antal", ("brukare", "kostnad", "antal", "andel_brukare",
                             "ytterfall_kostnad", "andel_kostnad", "per_1000"),
                   "ytterfall_kostnad", "storsta", total_row=True, also=("brukare",)),
        sums=("brukare", "kostnad", "antal", "ytterfall_kostnad"))


def _by_construction(data: ReportData, frame: pl.DataFrame) -> list[str]:
    """What share of an område is ytterfall whatever its costs: a percentile rule makes the
    brukare above it ytterfall by definition."""
    from kpb.rules.reporting import rule_for

    notes = []
    for omrade in frame.filter(pl.col(DELSUMMA).is_null())["omrade"].to_list():
        rule = rule_for(data.ytterfall, omrade)
        if rule.kind == "percentil":
            share = _percent(Decimal(100) - rule.value)
            notes.append(f"{_area_name(omrade)}: regeln ({rule.definition}) gör att omkring "
                         f"{share} av områdets brukare är ytterfall per definition, vilken "
                         "kostnadsnivån än är; andelen säger inget om utvecklingen, bara "
                         "tröskeln och kostnaden gör det.")
    if frame.height and not notes:
        notes.append("Ingen regel är en percentil: ingen andel av brukarna är ytterfall per "
                     "definition, andelen följer kostnaderna.")
    return notes


def _area_name(code: str) -> str:
    from kpb.report.table_model import AREA_NAMES
    return AREA_NAMES.get(code, code)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " %"


def ytterfall_lista(data: ReportData) -> Table:
    """The ytterfall one by one (internal report only: a row is one person)."""
    persons = ytterfall_persons(data).filter(pl.col("ytterfall"))
    frame = (persons.with_columns(namn=area_names(pl.col("omrade")),
                                  aldersgrupp=pl.col("aldersgrupp").fill_null("okänd"),
                                  kombination=combination_names(data, "insatskombination"))
             .sort("kostnad", "person_id", descending=[True, False])
             .with_row_index("rang", offset=1)
             .select("rang", "person_id", "namn", "omrade", "aldersgrupp", "kombination",
                     "kostnad", "troskel"))
    return Table(
        "ytterfall_lista", "Ytterfall, lista", f"Ytterfallen en och en {data.year}", frame,
        (Column("rang", "Rang", "antal"), Column("person_id", "Pseudonym"),
         Column("namn", "Område"), Column("omrade", "Kod"),
         Column("aldersgrupp", "Åldersgrupp"), Column("kombination", "Insatskombination"),
         Column("kostnad", "Årskostnad", "kr_ore"), Column("troskel", "Områdets tröskel", "kr")),
        ("Bara för internt bruk: en rad är en person (pseudonym ur kpb, aldrig personnummer). "
         "Den publicerade versionen visar inga rader. Vem pseudonymen är får den som har "
         "nyckeln fram med kpb vem.",
         "Samma regel som bladet Ytterfall: årskostnad minst huvudområdets tröskel."),
        internal=True)


def insatskombinationer(data: ReportData) -> Table:
    """The most common and the most costly combinations of insatser a brukare got."""
    groups = (data["brukare"].group_by("insatskombination").agg(
        pl.len().cast(pl.Int64).alias("brukare"), pl.col("kostnad").sum().cast(MONEY),
        pl.col("kostnad").cast(pl.Float64).median().alias("median"),
        pl.col("kostnad").max().cast(MONEY).alias("storsta"),
        pl.col("antal_insatser").first())
        # ranks with ties broken by the combination, so the same data rank the same way
        .sort("brukare", "kostnad", "insatskombination", descending=[True, True, False])
        .with_row_index("rang_antal", offset=1)
        .sort("kostnad", "insatskombination", descending=[True, False])
        .with_row_index("rang_kostnad", offset=1))
    total = groups["kostnad"].sum()
    frame = (groups.filter((pl.col("rang_antal") <= TOP_COMBINATIONS)
                           | (pl.col("rang_kostnad") <= TOP_COMBINATIONS))
             .sort("brukare", "kostnad", "insatskombination", descending=[True, True, False])
             .with_columns(kombination=combination_names(data, "insatskombination"),
                           per_brukare=money_ratio("kostnad", "brukare"),
                           andel_kostnad=(pl.col("kostnad").cast(pl.Float64) / float(total))
                           if total else pl.lit(None, pl.Float64)))
    return Table(
        "insatskombinationer", "Insatskombinationer",
        f"De vanligaste och de dyraste insatskombinationerna {data.year}", frame,
        (Column("kombination", "Insatskombination"),
         Column("insatskombination", "Kod"),
         Column("antal_insatser", "Antal insatser", "antal"),
         Column("brukare", "Brukare", "antal"), Column("kostnad", "Kostnad", "kr_ore"),
         Column("per_brukare", "Kostnad per brukare", "kr"), Column("median", "Median", "kr"),
         Column("andel_kostnad", "Andel av kostnaden till brukare", "andel"),
         Column("rang_antal", "Rang efter antal brukare", "antal"),
         Column("rang_kostnad", "Rang efter kostnad", "antal")),
        (f"Insatskombination = de insatser en brukare hade under året. De {TOP_COMBINATIONS} "
         f"vanligaste och de {TOP_COMBINATIONS} dyraste kombinationerna visas "
         f"({groups.height} finns).",
         "Kostnad per brukare = kombinationens kostnad ÷ dess brukare; andel av kostnaden = "
         "kostnaden ÷ all kostnad till brukare."),
        None,
        Disclosure("brukare", ("brukare", "kostnad", "per_brukare", "median", "andel_kostnad"),
                   "kostnad", "storsta"))


def combination_names(data: ReportData, column: str) -> pl.Expr:
    """"hemtjanst+larm" as "Hemtjänst, utförd tid + Trygghetslarm" (names from the rules)."""
    return (pl.col(column).str.split("+")
            .list.eval(pl.element().replace_strict(data.insats_names, default=pl.element(),
                                                   return_dtype=pl.Utf8))
            .list.join(" + "))


def _threshold(rule, costs: pl.Series) -> Decimal:
    """The rule's threshold over one område's costs, exact, rounded up to whole öre. The
    sum is a DECIMAL sum in Polars; a median or percentile picks its one or two persons from
    the sorted column, so no område's costs are copied into Python."""
    n = costs.len()
    if rule.kind == "belopp":
        value = rule.value * rule.index
    elif rule.kind == "multipel_medel":
        value = rule.value * Decimal(costs.sum()) / n
    else:
        ordered = costs.sort()
        at = lambda i: Decimal(ordered[i])  # noqa: E731
        if rule.kind == "multipel_median":
            value = rule.value * (at((n - 1) // 2) + at(n // 2)) / 2
        else:
            position = rule.value / 100 * (n - 1)
            low = int(position)
            high = min(low + 1, n - 1)
            value = at(low) + (at(high) - at(low)) * (position - low)
    return value.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
