"""The report's first page: one row per verksamhetsområde and for IFO as a whole, with the KPB
cost, brukare, kr per brukare, kr per invånare in the område's age band, the largest insatser
in their units, the ytterfall share and (after `kpb jamfor`) the change since the last KPB,
and a short text per område that states those figures and nothing the data cannot back."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kpb.money import swedish_decimal
from kpb.report.disclosure import Disclosure
from kpb.report.effect_sheets import price_index_text
from kpb.report.outliers import ytterfall_persons
from kpb.report.table_model import (AREA_NAMES, DELSUMMA, IFO, PRICE_LABELS, UNIT_LABELS, Column,
                                    ReportData, Table, money_ratio)

MONEY = pl.Decimal(18, 2)
LARGEST = 3  # insatser named per område
# The age band whose inhabitants an område's cost is divided by (kpb.analyse.population's
# bands; None = all ages)
AREA_BANDS = {"ÄO": ("65 år och äldre", 65, None), "BUF": ("0–20 år", 0, 20),
              "VUX": ("21–64 år", 21, 64), "AMI": ("21–64 år", 21, 64)}
ALL_AGES = "alla åldrar"


def omraden(data: ReportData) -> Table:
    rows = data["brukare_insats"].with_columns(pl.col("omrade").fill_null("okänt"))
    codes = _ordered(rows["omrade"].unique().to_list())
    groups = [(code, [code]) for code in codes if code not in IFO]
    ifo = [code for code in codes if code in IFO]
    groups += [(code, [code]) for code in ifo]
    if len(ifo) > 1:
        groups.append(("IFO", ifo))
    groups.append(("Alla", codes))
    persons = ytterfall_persons(data)
    frame = pl.concat([_area_row(data, rows, persons, code, members)
                       for code, members in groups], how="vertical_relaxed")
    frame = frame.with_columns(**{DELSUMMA: _spans(groups)})
    frame = _with_change(data, frame)
    shown = frame.filter(pl.col("kod") != "Alla")  # the last row
    texts = [_text(data, row | {"storsta": _largest(data, rows.filter(
        pl.col("omrade").is_in(dict(groups)[row["kod"]])))})
        for row in shown.iter_rows(named=True)]  # a row per område
    # each row's text beside it, so that a row withheld for publication takes its text along
    frame = frame.with_columns(text=pl.Series("text", texts + [None] * (frame.height -
                                                                          len(texts))))
    change = "forandring_fast" in frame.columns
    columns = [Column("namn", "Verksamhetsområde"), Column("kod", "Kod"),
               Column("kostnad", "KPB-kostnad", "kr"), Column("brukare", "Brukare", "antal"),
               Column("per_brukare", "Kr per brukare", "kr"),
               Column("aldersband", "Invånare i åldern"),
               Column("per_invanare", "Kr per invånare", "kr"),
               Column("storsta_insatser", "Största insatserna, styckkostnad"),
               Column("andel_ytterfall", "Andel ytterfall", "andel")]
    if change:
        columns += [Column("forandring_fast", "Kr per brukare sedan förra KPB, fasta priser",
                           "andel"),
                    Column("forandring_nominell", "Kr per brukare sedan förra KPB, löpande "
                                                  "priser", "andel")]
    notes = ["KPB-kostnad = kostnaden till brukare för områdets insatser (regelfilens område "
             "per insats); brukare = personer med någon kostnad i området, så en person kan "
             "räknas i flera områden och IFO- och Alla-raden är inte summan av brukarna ovanför.",
             "Kr per invånare = kostnaden ÷ invånarna i områdets åldersgrupp (befolkningsfilen; "
             "utan den alla invånare i kpb.toml). Största insatserna = de "
             f"{LARGEST} med högst kostnad, med styckkostnad i insatsens enhet (eller "
             "rapportenhet, t.ex. vårddygn).",
             "Andel ytterfall = ytterfall ÷ brukare med området som huvudområde (bladet "
             "Ytterfall)."]
    if change:
        compared = data.frames["jamfor_omrade"]
        fran = int(compared["ar_fran"][0])
        notes.append(f"Förändring sedan KPB {fran} (kpb jamfor {fran} {data.year}): kostnad "
                     f"per brukare {data.year} mot {fran}; fasta priser räknar om {fran} till "
                     f"{data.year} års priser. " + price_index_text(data, compared, "omrade"))
    frame = frame.with_columns(kod=pl.when(pl.col("kod") == "Alla").then(pl.lit(""))
                               .otherwise(pl.col("kod")))
    # a withheld row withholds its change as well (kr per brukare of 1 or 2 persons)
    changes = ("forandring_fast", "forandring_nominell") if change else ()
    return Table("omraden", "Verksamhetsområden",
                 f"Kostnad per brukare {data.year} per verksamhetsområde", frame,
                 tuple(columns), tuple(notes),
                 disclosure=Disclosure("brukare", ("kostnad", "brukare", "per_brukare",
                                                     "per_invanare", "storsta_insatser",
                                                     "andel_ytterfall", "text", *changes)),
                 sums=("kostnad",), texts=tuple(texts))


def _ordered(codes: list[str]) -> list[str]:
    known = list(AREA_NAMES)
    return sorted(codes, key=lambda c: (known.index(c) if c in known else len(known), c))


def _spans(groups: list[tuple[str, list[str]]]) -> pl.Series:
    """DELSUMMA: the IFO row sums the IFO rows just above it, Alla every row above."""
    spans = []
    for i, (code, members) in enumerate(groups):
        spans.append(len(members) if code == "IFO" else i if code == "Alla" else None)
    return pl.Series(DELSUMMA, spans, dtype=pl.Int64)


def _area_row(data: ReportData, rows: pl.DataFrame, persons: pl.DataFrame, code: str,
              members: list[str]) -> pl.DataFrame:
    mine = rows.filter(pl.col("omrade").is_in(members))
    cost = Decimal(mine["kostnad"].sum() or 0)
    count = mine["person_id"].n_unique()
    band, inhabitants = _inhabitants(data, code)
    outliers = persons.filter(pl.col("omrade").is_in(members))
    return pl.DataFrame({
        "kod": [code], "namn": [AREA_NAMES.get(code, "Alla områden" if code == "Alla" else code)],
        "kostnad": pl.Series([cost], dtype=MONEY), "brukare": [count],
        "aldersband": [band], "invanare": pl.Series([inhabitants], dtype=pl.Int64),
        "storsta_insatser": [_largest_text(data, mine)],
        "ytterfall": [int(outliers["ytterfall"].sum())], "huvudomrade": [outliers.height]},
        schema_overrides={"brukare": pl.Int64}).with_columns(
        per_brukare=money_ratio("kostnad", "brukare"),
        per_invanare=money_ratio("kostnad", "invanare"),
        andel_ytterfall=money_ratio("ytterfall", "huvudomrade"))


def _inhabitants(data: ReportData, code: str) -> tuple[str, int | None]:
    band = AREA_BANDS.get(code)
    if band is not None and data.population is not None:
        from kpb.analyse.population import in_band
        label, low, high = band
        return label, int(data.population.filter(in_band(pl.col("alder"), low, high))
                          ["antal"].sum())
    if data.invanare:
        return ALL_AGES, data.invanare
    if data.population is not None:
        return ALL_AGES, int(data.population["antal"].sum())
    return "", None


def _largest(data: ReportData, mine: pl.DataFrame) -> list[tuple[str, str, str]]:
    """(code, name, "2 299 kr/dygn") of the largest insatser; no price for an insats counted
    in kronor without a reporting unit (kronor per krona tells a reader nothing)."""
    largest = (mine.group_by("insats").agg(pl.col("kostnad").sum())
               .sort("kostnad", "insats", descending=[True, False]).head(LARGEST)
               .join(unit_prices(data), on="insats", how="left")
               .sort("kostnad", "insats", descending=[True, False]))
    named = []
    for row in largest.iter_rows(named=True):  # at most LARGEST rows
        name = data.insats_names.get(row["insats"], row["insats"])
        price = ("" if row["pris"] is None or row["prisenhet"] == PRICE_LABELS["kronor"]
                 else f"{_kronor(row['pris'])} {row['prisenhet']}")
        named.append((row["insats"], name, price))
    return named


def _largest_text(data: ReportData, mine: pl.DataFrame) -> str:
    """"Särskilt boende: 2 299 kr/dygn; Hemtjänst, utförd tid: 471 kr/timme"."""
    return "; ".join(f"{name}: {price}" if price else name
                     for _, name, price in _largest(data, mine))


def unit_prices(data: ReportData) -> pl.DataFrame:
    """insats, pris, prisenhet: cost ÷ volume over the insats' pools in its unit, or per
    reporting unit (rapportvolym, e.g. kr/vårddygn) where the rules give one."""
    insats = (data["insats"].group_by("insats", "enhet")
              .agg(pl.col("kostnad").sum(), pl.col("volym").sum()))
    reporting = (data.reporting if data.reporting is not None else pl.DataFrame(
        schema={"pool": pl.Utf8, "rapport_enhet": pl.Utf8, "rapport_volym": pl.Decimal(18, 3)}))
    per_reporting = (reporting.join(data["insats"].select("pool", "insats"), on="pool")
                     .group_by("insats").agg(pl.col("rapport_enhet").first(),
                                             pl.col("rapport_volym").sum()))
    return (insats.join(per_reporting, on="insats", how="left").with_columns(
        pris=pl.when(pl.col("rapport_volym") > 0).then(money_ratio("kostnad", "rapport_volym"))
        .otherwise(money_ratio("kostnad", "volym")),
        prisenhet=pl.when(pl.col("rapport_volym") > 0)
        .then(pl.lit("kr/") + pl.col("rapport_enhet"))
        .otherwise(pl.col("enhet").replace_strict(PRICE_LABELS, default=pl.col("enhet"))))
        .select("insats", "pris", "prisenhet"))


def _with_change(data: ReportData, frame: pl.DataFrame) -> pl.DataFrame:
    """The change in cost per brukare since the last KPB, when `kpb jamfor` has run."""
    compared = data.frames.get("jamfor_omrade")
    if compared is None or not compared.height:
        return frame
    change = compared.select(
        pl.col("omrade").alias("kod"),
        pl.col("forandring_fast").cast(pl.Float64), pl.col("forandring_nominell")
        .cast(pl.Float64))
    return frame.join(change, on="kod", how="left", maintain_order="left")


def _text(data: ReportData, row: dict) -> str:
    """One område's figures in a sentence or three, without adjectives."""
    persons = data.rule.persons  # kpb.toml [publicering] minsta_antal
    if row["brukare"] < persons:
        return f"{row['namn']}: färre än {persons} brukare."
    parts = [f"{row['namn']}: KPB-kostnaden {data.year} var {_kronor(row['kostnad'])} kr"
             f" för {row['brukare']} brukare, {_kronor(row['per_brukare'])} kr per brukare"]
    if row["per_invanare"] is not None:
        band = "invånare" if row["aldersband"] == ALL_AGES else \
            f"invånare {row['aldersband']}"
        parts[0] += f" och {_kronor(row['per_invanare'])} kr per {band}"
    parts[0] += "."
    largest = row["storsta"]
    if largest:
        listed = [f"{name} ({price})" if price else name for _, name, price in largest]
        listed = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " och " + listed[-1]
        parts.append(f"Störst kostnad har {listed}.")
        parts += _price_change(data, *largest[0][:2])
    if row.get("forandring_fast") is not None:
        parts.append("Kostnaden per brukare " + _two_changes(row["forandring_fast"],
                                                              row["forandring_nominell"])
                     + " sedan förra KPB.")
    if row["ytterfall"] >= persons and row["andel_ytterfall"] is not None:
        parts.append(f"{_percent(row['andel_ytterfall'])} av brukarna med området som "
                     "huvudområde är ytterfall.")
    return " ".join(parts)


def _price_change(data: ReportData, code: str, name: str) -> list[str]:
    """The styckkostnad change of the område's largest insats since the last KPB."""
    compared = data.frames.get("jamfor_styckkostnad")
    if compared is None:
        return []
    row = compared.filter(pl.col("insats") == code)
    enhet = data["insats"].filter(pl.col("insats") == code)["enhet"]
    if not row.height or not enhet.len() or enhet[0] == "kronor" or \
            row["forandring_fast"][0] is None:
        return []
    unit = UNIT_LABELS.get(enhet[0], enhet[0]).removesuffix("ar").removesuffix("er")
    per = {"timm": "timme", "månad": "månad", "st": "styck", "dygn": "dygn"}.get(unit, unit)
    return [f"Kostnaden per {per} för {name} "
            f"{_two_changes(row['forandring_fast'][0], row['forandring_nominell'][0])}."]


def _two_changes(fixed, current) -> str:
    """"ökade med 5,9 % i fasta priser och 16,9 % i löpande priser"."""
    fixed, current = float(fixed), float(current if current is not None else 0)
    if (fixed > 0) == (current > 0) and fixed != 0 and current != 0:
        return (f"{_changed(fixed)} i fasta priser och {_percent(abs(current))} i löpande "
                "priser")
    return f"{_changed(fixed)} i fasta priser men {_changed(current)} i löpande priser"


def _changed(share: float) -> str:
    if share > 0:
        return f"ökade med {_percent(share)}"
    if share < 0:
        return f"minskade med {_percent(-share)}"
    return "var oförändrad"


def _kronor(value) -> str:
    return swedish_decimal(Decimal(str(value)), 0, thousands="\u00a0", minus="−")


def _percent(share: float) -> str:
    return swedish_decimal(Decimal(str(share)) * 100, 1) + " %"
