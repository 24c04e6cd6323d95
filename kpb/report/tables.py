"""The KPB report's tables, computed once from ut/<year>/*.parquet for every renderer.

Each table function takes the `ReportData` of one year and returns a `Table`: a Polars frame
plus how to show it (column labels and kinds, the definitions that go beside the figures, and
an optional chart). The workbook (kpb.report.workbook) and the web page (kpb.report.html)
render every table in `TABLES` generically, so adding a sheet is adding one function here.

Money stays exact: sums are DECIMAL(18,2) sums of the Parquet columns. Derived figures
(means, medians, prices, shares) are ratios and are shown rounded; the definition beside each
says how it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from kpb.errors import KpbError, error
from kpb.report.disclosure import Disclosure

# How a column is shown: the workbook maps each kind to an Excel number format, the web page
# to a Swedish text format.
KINDS = ("text", "kr", "kr_ore", "tal", "antal", "volym", "andel", "rad")
UNIT_LABELS = {"timmar": "timmar", "dygn": "dygn", "manader": "månader", "antal": "st",
               "kronor": "kronor"}
PRICE_LABELS = {"timmar": "kr/timme", "dygn": "kr/dygn", "manader": "kr/månad",
                "antal": "kr/st", "kronor": "kr per fakturerad krona"}
READ = ("brukare", "brukare_insats", "insats", "pool", "fordelning", "avstamning")


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # one of KINDS; "rad" takes the kind of each row from column `format`


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" (one bar per category) | "line" (x and y as shares, with a diagonal)
    title: str
    category: str  # column of the category (bar) or x value (line)
    value: str  # column of the value
    value_label: str = ""
    category_label: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str  # the workbook sheet (at most 31 characters)
    title: str
    frame: pl.DataFrame
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()  # definitions, shown above the table
    chart: Chart | None = None
    disclosure: Disclosure | None = None  # how `kpb rapport --publicera` protects persons


@dataclass(frozen=True)
class ReportData:
    year: int
    kommun: str
    frames: dict[str, pl.DataFrame]
    invanare: int | None = None
    insats_names: dict[str, str] = field(default_factory=dict)
    pool_utforare: dict[str, str] = field(default_factory=dict)
    pool_regi: dict[str, str] = field(default_factory=dict)  # pool -> "egen regi" | "extern regi"
    # pool, rapport_enhet, rapport_volym, rapport_personer (kpb.report.volumes)
    reporting: pl.DataFrame | None = None
    population: pl.DataFrame | None = None  # alder, antal (kpb.report.population)
    ytterfall: tuple = ()  # kpb.rules.reporting.Ytterfall

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]


def read_outputs(output_dir: Path, year: int, kommun: str = "", invanare: int | None = None,
                 rules=None, reporting: pl.DataFrame | None = None,
                 population: pl.DataFrame | None = None) -> ReportData:
    """The year's Parquet outputs, plus names and utförare from the rules when given."""
    missing = [name for name in READ if not (output_dir / f"{name}.parquet").is_file()]
    if missing:
        raise KpbError("rapport", [error(str(output_dir / f"{missing[0]}.parquet"), None, None,
                                         f"inga resultat för {year}: kör `kpb compute {year}` "
                                         "först")])
    frames = {name: pl.read_parquet(output_dir / f"{name}.parquet") for name in READ}
    frames |= effect_frames(output_dir, year)  # households, outcomes, comparisons (optional)
    names, utforare, regi = {}, {}, {}
    if rules is not None:
        names = {kod: i.namn for kod, i in rules.insatser.items()}
        utforare = {p.namn: ", ".join(p.utforare) for p in rules.pools}
        regi = {p.namn: f"{p.regi} regi" for p in rules.pools if getattr(p, "regi", "")}
    return ReportData(year, kommun, frames, invanare, names, utforare, regi, reporting,
                      population, tuple(getattr(rules, "ytterfall", ())))


def tables(data: ReportData) -> list[Table]:
    made = [make(data) for make in TABLES]
    return [table for table in made if table is not None]  # an effect table may be absent


# -- helpers -------------------------------------------------------------------------------

def _post(data: ReportData, post: str) -> Decimal:
    value = data["avstamning"].filter(pl.col("post") == post)["belopp"].sum()
    return Decimal(value or 0)


def _ratio(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return float(Decimal(numerator) / Decimal(denominator))


def _money_ratio(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator as a float, null where the denominator is zero."""
    return (pl.when(pl.col(denominator) != 0)
            .then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator).cast(pl.Float64))
            .otherwise(None))


def _names(data: ReportData, column: str = "insats") -> pl.Expr:
    return pl.col(column).replace_strict(data.insats_names, default=pl.col(column),
                                         return_dtype=pl.Utf8)


# -- the tables ----------------------------------------------------------------------------

def sammanfattning(data: ReportData) -> Table:
    brukare = data["brukare"]
    total, excluded = _post(data, "Huvudbok totalt"), _exkluderat(data)
    base = total - excluded
    to_persons = _post(data, "Till brukare")
    n = brukare.height
    cost = brukare["kostnad"]
    rows = [
        ("Huvudbok netto", total, "kr_ore", "Summan av alla huvudboksrader i KPB-körningen."),
        ("Exkluderat", excluded, "kr_ore", "Poster utanför KPB (pooler av typ exkludera), "
                                            "se Avstämning."),
        ("KPB-kostnadsbas", base, "kr_ore", "Huvudbok netto minus exkluderat."),
        ("Till brukare", to_persons, "kr_ore", "Kostnad som fördelats på enskilda brukare."),
        ("Ej brukarrelaterat", _post(data, "Ej brukarrelaterat"), "kr_ore",
         "Kostnad i kostnadsbasen som inte hör till någon person (t.ex. förebyggande arbete)."),
        ("Ofördelat", _post(data, "Ofördelat"), "kr_ore",
         "Rest som inte kunde läggas på brukare, redovisas öppet per pool."),
        ("Differens", _post(data, "Differens"), "kr_ore",
         "Huvudbok − (brukare + ej brukarrelaterat + ofördelat + exkluderat); ska vara 0."),
        ("Antal brukare", n, "antal", "Personer med minst en kostnad under året."),
        ("Kostnad per brukare, medel", _ratio(to_persons, n), "kr",
         "Till brukare ÷ antal brukare."),
        ("Kostnad per brukare, median", float(cost.median()) if n else None, "kr",
         "Mittersta brukarens årskostnad."),
        ("Gini-koefficient", _gini(brukare), "tal",
         "0 = alla brukare kostar lika, 1 = en brukare bär all kostnad."),
    ]
    if data.invanare:
        inv = data.invanare
        rows += [
            ("Invånare", inv, "antal", "Invånare enligt kpb.toml (invanare)."),
            ("KPB-kostnadsbas per invånare", _ratio(base, inv), "kr",
             "KPB-kostnadsbas ÷ invånare."),
            ("Till brukare per invånare", _ratio(to_persons, inv), "kr",
             "Till brukare ÷ invånare."),
            ("Brukare per 1 000 invånare", _ratio(n * 1000, inv), "tal",
             "Antal brukare × 1 000 ÷ invånare."),
        ]
    frame = pl.DataFrame({
        "nyckeltal": [r[0] for r in rows],
        "varde": [None if r[1] is None else float(r[1]) for r in rows],
        "format": [r[2] for r in rows],
        "definition": [r[3] for r in rows],
    })
    notes = (f"{data.kommun or 'Kommunen'}, verksamhetsår {data.year}. Beloppen kommer "
             "ur ut/{0}/*.parquet och stämmer på öret.".format(data.year),)
    return Table("sammanfattning", "Sammanfattning", f"KPB {data.year}: sammanfattning", frame,
                 (Column("nyckeltal", "Nyckeltal"), Column("varde", "Värde", "rad"),
                  Column("definition", "Definition")), notes)


def _exkluderat(data: ReportData) -> Decimal:
    value = data["avstamning"].filter(pl.col("post").str.starts_with("Exkluderat"))["belopp"].sum()
    return Decimal(value or 0)


def _gini(brukare: pl.DataFrame) -> float | None:
    """Gini of the cost per brukare: Σ (2i − n − 1) x_i / (n Σ x), x sorted ascending."""
    n = brukare.height
    if n == 0:
        return None
    x = brukare.select(pl.col("kostnad").cast(pl.Float64).sort().alias("x"))
    total = x["x"].sum()
    if total == 0:
        return None
    weighted = x.with_row_index("i", offset=1).select(
        ((2 * pl.col("i").cast(pl.Int64) - n - 1) * pl.col("x")).sum()).item()
    return weighted / (n * total)


def kostnad_per_insats(data: ReportData) -> Table:
    frame = (data["insats"].group_by("insats", "enhet")
             .agg(pl.col("kostnad").sum(), pl.col("volym").sum())
             .join(data["brukare_insats"].group_by("insats")
                   .agg(pl.col("person_id").n_unique().alias("antal_brukare")), on="insats",
                   how="left")
             .with_columns(namn=_names(data),
                           enhetstext=pl.col("enhet").replace_strict(UNIT_LABELS,
                                                                     default=pl.col("enhet")),
                           prisenhet=pl.col("enhet").replace_strict(PRICE_LABELS,
                                                                    default=pl.col("enhet")),
                           styckkostnad=_money_ratio("kostnad", "volym"),
                           per_brukare=_money_ratio("kostnad", "antal_brukare"))
             .join(_reporting_per_insats(data), on="insats", how="left")
             .with_columns(per_rapportenhet=_money_ratio("kostnad", "rapport_volym"))
             .join(_largest_person(data, ["insats"]), on="insats", how="left")
             .sort("kostnad", descending=True))
    return Table(
        "kostnad_per_insats", "Kostnad per insats", f"Kostnad per insats {data.year}", frame,
        (Column("namn", "Insats"), Column("insats", "Kod"), Column("kostnad", "Kostnad", "kr"),
         Column("volym", "Volym", "volym"), Column("enhetstext", "Enhet"),
         Column("styckkostnad", "Styckkostnad", "kr_ore"), Column("prisenhet", "Per"),
         Column("antal_brukare", "Brukare", "antal"),
         Column("per_brukare", "Kostnad per brukare", "kr"),
         *REPORTING_COLUMNS),
        ("Styckkostnad = insatsens kostnad ÷ dess volym (alla pooler), i insatsens enhet: "
         "kr/timme, kr/dygn, kr/månad eller kr/st.",
         "Kostnad per brukare = kostnad ÷ antal brukare med insatsen.",
         REPORTING_NOTE),
        Chart("bar", "Kostnad per insats", "namn", "kostnad", "kr"),
        Disclosure("antal_brukare", ("kostnad", "volym", "styckkostnad", "antal_brukare",
                                     "per_brukare", "rapport_volym", "per_rapportenhet"),
                   "kostnad", "storsta"))


def insatser(data: ReportData) -> Table:
    frame = (data["insats"]
             .join(data["pool"].select("pool", "typ"), on="pool", how="left")
             .with_columns(namn=_names(data),
                           omrade=pl.col("insats").replace_strict(
                               _omraden(data), default=None, return_dtype=pl.Utf8),
                           utforare=pl.col("pool").replace_strict(
                               data.pool_utforare, default="", return_dtype=pl.Utf8),
                           regi=pl.col("pool").replace_strict(
                               data.pool_regi, default="", return_dtype=pl.Utf8),
                           enhetstext=pl.col("enhet").replace_strict(UNIT_LABELS,
                                                                     default=pl.col("enhet")),
                           prisenhet=pl.col("enhet").replace_strict(PRICE_LABELS,
                                                                    default=pl.col("enhet")),
                           per_brukare=_money_ratio("kostnad", "antal_brukare"))
             .join(_reporting(data), on="pool", how="left")
             .with_columns(per_rapportenhet=_money_ratio("kostnad", "rapport_volym"))
             .join(_largest_person(data, ["insats", "pool"]), on=["insats", "pool"], how="left")
             .sort("insats", "pool"))
    return Table(
        "insatser", "Insatser", f"Insatser och pooler {data.year}", frame,
        (Column("namn", "Insats"), Column("insats", "Kod"), Column("omrade", "Område"),
         Column("pool", "Pool"), Column("typ", "Pooltyp"), Column("regi", "Regi"),
         Column("utforare", "Utförare"),
         Column("volym", "Volym", "volym"), Column("enhetstext", "Enhet"),
         Column("kostnad", "Kostnad", "kr_ore"),
         Column("styckkostnad", "Styckkostnad", "kr_ore"), Column("prisenhet", "Per"),
         Column("antal_brukare", "Brukare", "antal"),
         Column("per_brukare", "Kostnad per brukare", "kr"), *REPORTING_COLUMNS),
        ("En rad per insats och pool, ur insats.parquet. Styckkostnad = poolens kostnad för "
         "insatsen ÷ volymen i poolen.",
         "Direktpooler (typ direkt) har enheten kronor: volymen är de fakturerade beloppen och "
         "styckkostnaden visar hur mycket poolens övriga kostnader lägger till per krona.",
         "Utförare är de utförare regelfilen knyter poolen till (tomt = alla); regi är "
         "egen eller extern där regelfilen säger det (regi på poolen).",
         REPORTING_NOTE), None,
        Disclosure("antal_brukare", ("volym", "kostnad", "styckkostnad", "antal_brukare",
                                     "per_brukare", "rapport_volym", "per_rapportenhet"),
                   "kostnad", "storsta"))


REPORTING_COLUMNS = (Column("rapport_volym", "Rapportvolym", "volym"),
                     Column("rapport_enhet", "Rapportenhet"),
                     Column("per_rapportenhet", "Kostnad per rapportenhet", "kr_ore"))
REPORTING_NOTE = ("Rapportvolym (direktpooler med rapportvolym i regelfilen): volymen ur "
                  "aktivitet räknad som en insats i den enheten (t.ex. vårddygn = dagar inom "
                  "året, överlapp en gång); kostnad per rapportenhet = kostnaden ÷ "
                  "rapportvolymen, t.ex. kr/vårddygn.")


def _reporting(data: ReportData) -> pl.DataFrame:
    if data.reporting is None:
        return pl.DataFrame(schema={"pool": pl.Utf8, "rapport_enhet": pl.Utf8,
                                    "rapport_volym": pl.Decimal(18, 3)})
    return data.reporting.select("pool", "rapport_enhet", "rapport_volym")


def _reporting_per_insats(data: ReportData) -> pl.DataFrame:
    return (_reporting(data).join(data["insats"].select("pool", "insats"), on="pool")
            .group_by("insats").agg(pl.col("rapport_enhet").first(),
                                    pl.col("rapport_volym").sum()))


def _largest_person(data: ReportData, keys: list[str]) -> pl.DataFrame:
    """keys, storsta: the largest single person's cost in each group (for dominance)."""
    return (data["brukare_insats"].group_by(*keys, "person_id").agg(pl.col("kostnad").sum())
            .group_by(keys).agg(pl.col("kostnad").max().alias("storsta")))


def _omraden(data: ReportData) -> dict[str, str]:
    pairs = data["brukare_insats"].select("insats", "omrade").unique(subset="insats")
    return dict(zip(pairs["insats"].to_list(), pairs["omrade"].to_list()))


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
    frame = pl.concat([groups, total.select(groups.columns).cast(groups.schema)])
    return Table(
        "brukare", "Brukare", f"Brukare per område, åldersgrupp och kön {data.year}", frame,
        (Column("omrade", "Område"), Column("aldersgrupp", "Åldersgrupp"), Column("kon", "Kön"),
         Column("antal", "Antal brukare", "antal"), Column("summa", "Summa", "kr_ore"),
         Column("medel", "Medel", "kr"), Column("median", "Median", "kr")),
        ("Område = brukarens huvudområde (där störst del av kostnaden ligger). Ålder vid "
         "årets slut.", "Medel = summa ÷ antal brukare; median = mittersta brukarens kostnad.",
         "Sista raden (Alla) är summan av raderna ovanför."), None,
        Disclosure("antal", ("antal", "summa", "medel", "median"), "summa", "storsta",
                   total_row=True))


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
    gini = _gini(data["brukare"])
    gini_text = "saknas" if gini is None else f"{gini:.3f}".replace(".", ",")
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


def pooler(data: ReportData) -> Table:
    typ_text = {"verksamhet": "verksamhet", "gemensam": "gemensam", "direkt": "direkt",
                "ej_brukar": "ej brukarrelaterad", "exkludera": "exkluderad"}
    frame = data["pool"].with_columns(
        typtext=pl.col("typ").replace_strict(typ_text, default=pl.col("typ")))
    return Table(
        "pooler", "Pooler", f"Pooler {data.year}", frame,
        (Column("pool", "Pool"), Column("typtext", "Typ"), Column("bokfort", "Bokfört", "kr_ore"),
         Column("erhallen_gemensam", "Mottagna gemensamma kostnader", "kr_ore"),
         Column("fordelad_gemensam", "Fördelade gemensamma kostnader", "kr_ore"),
         Column("att_fordela", "Att fördela", "kr_ore"),
         Column("till_brukare", "Till brukare", "kr_ore"),
         Column("ofordelat", "Ofördelat", "kr_ore")),
        ("Att fördela = bokfört + mottagna − fördelade gemensamma kostnader.",))


def gemensamma(data: ReportData) -> Table:
    frame = data["fordelning"].sort("fran_pool", "till_pool")
    return Table(
        "gemensamma", "Gemensamma kostnader", f"Gemensamma kostnader {data.year}", frame,
        (Column("fran_pool", "Från pool"), Column("till_pool", "Till pool"),
         Column("nyckelvarde", "Nyckelvärde"), Column("belopp", "Belopp", "kr_ore")),
        ("Varje rad är ett flöde av gemensamma kostnader (overhead) från en pool till en "
         "annan, med mottagarens nyckelvärde (andel, m², personalkostnad ...).",))


def avstamning(data: ReportData) -> Table:
    frame = data["avstamning"].with_columns(pl.col("pool").fill_null(""),
                                            pl.col("orsak").fill_null(""))
    return Table(
        "avstamning", "Avstämning", f"Avstämning {data.year}", frame,
        (Column("post", "Post"), Column("pool", "Pool"), Column("orsak", "Orsak"),
         Column("belopp", "Belopp", "kr_ore")),
        ("Huvudbok totalt = till brukare + ej brukarrelaterat + ofördelat + exkluderat; "
         "differensen ska vara 0,00 kr.",))


def per_invanare(data: ReportData) -> Table:
    """Cost and brukare per inhabitant, overall and per age band (with a population file)."""
    from kpb.report.population import AGE_BANDS, in_band

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
        per_1000=_money_ratio("brukare", "invanare") * 1000,
        kr_per_invanare=_money_ratio("kostnad", "invanare"))
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


def ytterfall(data: ReportData) -> Table:
    """Brukare whose annual cost is at or above their område's threshold (rules [ytterfall])."""
    from kpb.rules.reporting import rule_for

    people = data["brukare"].with_columns(pl.col("omrade").fill_null("okänt"))
    rows = []
    for omrade in sorted(people["omrade"].unique().to_list()):
        rule = rule_for(data.ytterfall, omrade)
        if rule is None:
            continue
        costs = people.filter(pl.col("omrade") == omrade)["kostnad"]
        threshold = _threshold(rule, costs)
        outliers = costs.filter(costs >= threshold)
        rows.append((omrade, rule.definition, threshold, costs.len(), costs.sum(),
                     outliers.len(), outliers.sum(), outliers.max()))
    if rows:
        rows.append(("Alla områden", "", None, sum(r[3] for r in rows),
                     sum(Decimal(r[4]) for r in rows), sum(r[5] for r in rows),
                     sum(Decimal(r[6]) for r in rows),
                     max((r[7] for r in rows if r[7] is not None), default=None)))
    money = pl.Decimal(18, 2)
    frame = pl.DataFrame({
        "omrade": [r[0] for r in rows], "regel": [r[1] for r in rows],
        "troskel": pl.Series([r[2] for r in rows], dtype=money),
        "brukare": pl.Series([r[3] for r in rows], dtype=pl.Int64),
        "kostnad": pl.Series([r[4] for r in rows], dtype=money),
        "antal": pl.Series([r[5] for r in rows], dtype=pl.Int64),
        "ytterfall_kostnad": pl.Series([r[6] for r in rows], dtype=money),
        "storsta": pl.Series([r[7] for r in rows], dtype=money)})
    inhabitants = data.invanare
    frame = frame.with_columns(
        andel_brukare=_money_ratio("antal", "brukare"),
        andel_kostnad=_money_ratio("ytterfall_kostnad", "kostnad"),
        per_1000=(pl.col("antal").cast(pl.Float64) * 1000 / inhabitants) if inhabitants
        else pl.lit(None, pl.Float64))
    notes = ("Ytterfall = brukare vars årskostnad är minst områdets tröskel, enligt "
             "[ytterfall] i regelfilen (standard gäller områden utan egen regel). Område = "
             "brukarens huvudområde.",
             "Median och medel räknas över områdets brukare; percentil med linjär "
             "interpolation mellan närmaste brukare. Tröskeln avrundas uppåt till helt öre.",
             "Ytterfall per 1 000 invånare = antal ytterfall × 1 000 ÷ invanare i kpb.toml.")
    if not data.ytterfall:
        notes = ("Ingen ytterfallsregel: lägg till [ytterfall] i regelfilen, t.ex. "
                 "standard = { multipel_median = 5 }.",)
    return Table(
        "ytterfall", "Ytterfall", f"Ytterfall {data.year}", frame,
        (Column("omrade", "Område"), Column("regel", "Regel"),
         Column("troskel", "Tröskel", "kr"), Column("brukare", "Brukare i området", "antal"),
         Column("antal", "Ytterfall", "antal"), Column("andel_brukare", "Andel av brukarna",
                                                       "andel"),
         Column("ytterfall_kostnad", "Ytterfallens kostnad", "kr_ore"),
         Column("andel_kostnad", "Andel av kostnaden", "andel"),
         Column("per_1000", "Ytterfall per 1 000 invånare", "tal")), notes, None,
        Disclosure("antal", ("antal", "andel_brukare", "ytterfall_kostnad", "andel_kostnad",
                             "per_1000"), "ytterfall_kostnad", "storsta", total_row=True))


def _threshold(rule, costs: pl.Series) -> Decimal:
    """The rule's threshold over one område's costs, exact, rounded up to whole öre."""
    from decimal import ROUND_CEILING

    ordered = [Decimal(v) for v in costs.sort().to_list()]  # one område's persons
    n = len(ordered)
    if rule.kind == "belopp":
        value = rule.value * rule.index
    elif rule.kind == "multipel_medel":
        value = rule.value * sum(ordered) / n
    elif rule.kind == "multipel_median":
        middle = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
        value = rule.value * middle
    else:
        position = rule.value / 100 * (n - 1)
        low = int(position)
        high = min(low + 1, n - 1)
        value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return value.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


TABLES = [sammanfattning, kostnad_per_insats, insatser, brukare, per_invanare, fordelning,
          fordelningskurva, ytterfall, pooler, gemensamma, avstamning]

# The effect sheets (households, outcomes, comparisons) live in their own module, which
# builds on the definitions above; they go after the KPB's own sheets.
from kpb.report.effect_sheets import EFFECT_TABLES, effect_frames  # noqa: E402

TABLES += EFFECT_TABLES
