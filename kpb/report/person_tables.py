"""The report's tables about persons: brukare per område, age and kön, per invånare, the
distribution of cost over brukare and its curve, and ytterfall."""

from __future__ import annotations

import polars as pl

from kpb.report.disclosure import Disclosure, Margin
from kpb.report.table_model import (DELSUMMA, Chart, Column, ReportData, Table, area_names,
                                    gini, money_ratio, with_total)


def brukare(data: ReportData) -> Table:
    figures = [pl.len().alias("antal"), pl.col("kostnad").sum().alias("summa"),
               pl.col("kostnad").cast(pl.Float64).mean().alias("medel"),
               pl.col("kostnad").cast(pl.Float64).median().alias("median"),
               pl.col("kostnad").max().alias("storsta")]
    people = data["brukare"].with_columns(pl.col("omrade", "aldersgrupp").fill_null("okänt"),
                                          pl.col("kon").fill_null("okänt"))
    groups = (people.group_by("omrade", "aldersgrupp", "kon").agg(figures)
              .sort("omrade", "aldersgrupp", "kon"))
    total = people.select(omrade=pl.lit("Alla"), aldersgrupp=pl.lit(""), kon=pl.lit(""),
                          *figures)
    frame = with_total(groups, total).with_columns(
        namn=pl.when(pl.col(DELSUMMA).is_null()).then(area_names(pl.col("omrade")))
        .otherwise(pl.col("omrade")),
        omrade=pl.when(pl.col(DELSUMMA).is_null()).then(pl.col("omrade")).otherwise(pl.lit("")))
    return Table(
        "brukare", "Brukare", f"Brukare per område, åldersgrupp och kön {data.year}", frame,
        (Column("namn", "Område"), Column("omrade", "Kod"), Column("aldersgrupp", "Åldersgrupp"),
         Column("kon", "Kön"),
         Column("antal", "Antal brukare", "antal"), Column("summa", "Summa", "kr_ore"),
         Column("medel", "Medel", "kr"), Column("median", "Median", "kr")),
        ("Område = brukarens huvudområde (där störst del av kostnaden ligger). Ålder vid "
         "årets slut.", "Medel = summa ÷ antal brukare; median = mittersta brukarens kostnad.",
         "Sista raden (Alla) är summan av raderna ovanför."), None,
        Disclosure("antal", ("antal", "summa", "medel", "median"), "summa", "storsta",
                   total_row=True, margins=BRUKARE_MARGINS), sums=("antal", "summa"))


# Sums of Brukare's rows published in other tables: brukare and cost per main område
# (Ytterfall), of the oldest age groups (Per invånare)
BRUKARE_MARGINS = (Margin("omrade", "ytterfall", "omrade"),
                   Margin("aldersgrupp", "per_invanare", "grupp",
                          (("80 år och äldre", ("80+",)),
                           ("65 år och äldre", ("65-79", "80+")))))


def fordelning(data: ReportData) -> Table:
    """Top shares and deciles of the cost per brukare."""
    ranked = _ranked(data["brukare"])
    n = ranked.height
    total = ranked["kostnad"].sum() if n else 0
    rows = []
    for percent in (1, 5, 10, 20):
        k = max(n * percent // 100, 1)  # floor, so the top 10 % are exactly decile 10
        top = ranked.filter(pl.col("rang_fallande") <= k)
        rows.append((f"Dyraste {percent} %", top.height, top["kostnad"].sum()))
    deciles = (ranked.with_columns(decil=((pl.col("rang") - 1) * 10 // max(n, 1) + 1))
               .group_by("decil").agg(pl.len().alias("antal"), pl.col("kostnad").sum())
               .sort("decil"))
    for row in deciles.iter_rows(named=True):
        rows.append((f"Decil {row['decil']}" + (" (lägst)" if row["decil"] == 1 else
                                                 " (högst)" if row["decil"] == 10 else ""),
                     row["antal"], row["kostnad"]))
    frame = pl.DataFrame({"grupp": [r[0] for r in rows], "antal": [r[1] for r in rows],
                          "kostnad": pl.Series([r[2] for r in rows], dtype=pl.Decimal(18, 2))})
    smallest_decile = int(deciles["antal"].min() or 0)
    frame = frame.with_columns(
        # for publication: the deciles stand or fall together, since the top groups are sums
        # of deciles (top 10 % = decile 10, top 20 % = deciles 9 and 10)
        skydd=pl.when(pl.col("grupp").str.starts_with("Decil")).then(pl.lit(smallest_decile))
        .otherwise(pl.col("antal")),
        andel_brukare=pl.col("antal") / n if n else pl.lit(None, pl.Float64),
        andel_kostnad=(pl.col("kostnad").cast(pl.Float64) / float(total)) if total
        else pl.lit(None, pl.Float64))
    coefficient = gini(data["brukare"])
    gini_text = "saknas" if coefficient is None else f"{coefficient:.3f}".replace(".", ",")
    return Table(
        "fordelning", "Fördelning", f"Kostnadens fördelning över brukare {data.year}", frame,
        (Column("grupp", "Grupp"), Column("antal", "Antal brukare", "antal"),
         Column("kostnad", "Kostnad", "kr_ore"), Column("andel_brukare", "Andel av brukarna",
                                                         "andel"),
         Column("andel_kostnad", "Andel av kostnaden", "andel")),
        ("Dyraste p % = de ⌊p % × antal brukare⌋ brukare (minst en) med högst årskostnad; "
         "dyraste 10 % är alltså decil 10.",
         "Decil 1–10: brukarna sorterade efter årskostnad i tio lika stora grupper.",
         f"Gini-koefficient: {gini_text} (0 = lika kostnad för alla, 1 = en bär allt)."), None,
        Disclosure("skydd", ("antal", "kostnad", "andel_brukare", "andel_kostnad")))


def _ranked(brukare_frame: pl.DataFrame) -> pl.DataFrame:
    """Persons by cost: rang 1 = cheapest, rang_fallande 1 = most expensive (ties by id)."""
    return (brukare_frame.select("person_id", "kostnad").sort("kostnad", "person_id")
            .with_row_index("rang", offset=1)
            .with_columns(rang_fallande=pl.len() - pl.col("rang") + 1))


def fordelningskurva(data: ReportData, points: int = 20) -> Table:
    """The Lorenz curve: the cheapest x % of brukare carry y % of the cost."""
    ranked = _ranked(data["brukare"])
    n = ranked.height
    cumulative = ranked.select("rang", kumulativ=pl.col("kostnad").cast(pl.Float64).cum_sum())
    total = cumulative["kumulativ"].max() if n else None
    steps = pl.DataFrame({"steg": range(points + 1)}).with_columns(
        andel_brukare=pl.col("steg") / points,
        rang=(pl.col("steg") * n / points).ceil().cast(pl.UInt32))
    frame = (steps.join(cumulative.with_columns(pl.col("rang").cast(pl.UInt32)), on="rang",
                        how="left")
             .with_columns(andel_kostnad=(pl.col("kumulativ").fill_null(0) / total)
                           if total else pl.lit(None, pl.Float64))
             .select("andel_brukare", "andel_kostnad", "rang").sort("andel_brukare"))
    # for publication: two neighbouring points give the cost share of the persons between
    # them, so inner points are shown only when every step holds at least 3 persons
    smallest_step = int(frame["rang"].cast(pl.Int64).diff().drop_nulls().min() or 0)
    inner = (pl.col("andel_brukare") > 0) & (pl.col("andel_brukare") < 1)
    frame = frame.with_columns(
        personer=pl.when(inner).then(pl.lit(smallest_step)).otherwise(pl.lit(0))).drop("rang")
    return Table(
        "fordelningskurva", "Fördelningskurva", f"Fördelningskurva {data.year}", frame,
        (Column("andel_brukare", "Andel av brukarna (billigast först)", "andel"),
         Column("andel_kostnad", "Andel av kostnaden", "andel")),
        ("Lorenzkurva: de billigaste x % av brukarna bär y % av kostnaden. Diagonalen vore "
         "lika kostnad för alla.",),
        Chart("line", "Fördelningskurva", "andel_brukare", "andel_kostnad",
              "andel av kostnaden", "andel av brukarna"),
        Disclosure("personer", ("andel_kostnad",)))


def per_invanare(data: ReportData) -> Table:
    """Cost and brukare per inhabitant, overall and per age band (with a population file)."""
    from kpb.analyse.population import AGE_BANDS, in_band

    people = data["brukare"]
    total_inh = data.invanare
    if total_inh is None and data.population is not None:
        total_inh = int(data.population["antal"].sum())
    rows = [("Alla åldrar", total_inh, people.height, people["kostnad"].sum())]
    if data.population is not None:
        for label, low, high in AGE_BANDS:
            inhabitants = data.population.filter(in_band(pl.col("alder"), low, high))
            mine = people.filter(in_band(pl.col("alder"), low, high).fill_null(False))
            rows.append((label, int(inhabitants["antal"].sum()), mine.height,
                         mine["kostnad"].sum()))
    frame = pl.DataFrame({"grupp": [r[0] for r in rows],
                          "invanare": pl.Series([r[1] for r in rows], dtype=pl.Int64),
                          "brukare": [r[2] for r in rows],
                          "kostnad": pl.Series([r[3] for r in rows], dtype=pl.Decimal(18, 2))})
    frame = frame.with_columns(
        per_1000=money_ratio("brukare", "invanare") * 1000,
        kr_per_invanare=money_ratio("kostnad", "invanare"))
    notes = ["Invånare: alla åldrar = invanare i kpb.toml; åldersgrupperna ur "
             f"data/{data.year}/befolkning.csv (ålder;antal, se formats.md).",
             "Brukare per 1 000 invånare = brukare i gruppen × 1 000 ÷ invånare i gruppen; "
             "kr per invånare = gruppens kostnad till brukare ÷ invånare i gruppen.",
             "Brukarens ålder är åldern vid årets slut."]
    if total_inh is None:
        notes.insert(0, "Ingen invånaruppgift: ange invanare i kpb.toml för figurer per "
                        "invånare.")
    elif data.population is None:
        notes.insert(0, f"Ingen befolkningsfil data/{data.year}/befolkning.csv: bara "
                        "summan för alla åldrar.")
    return Table(
        "per_invanare", "Per invånare", f"Per invånare {data.year}", frame,
        (Column("grupp", "Åldersgrupp"), Column("invanare", "Invånare", "antal"),
         Column("brukare", "Brukare", "antal"), Column("per_1000", "Brukare per 1 000 invånare",
                                                       "tal"),
         Column("kostnad", "Kostnad till brukare", "kr_ore"),
         Column("kr_per_invanare", "Kr per invånare", "kr")), tuple(notes), None,
        Disclosure("brukare", ("brukare", "per_1000", "kostnad", "kr_per_invanare")))
