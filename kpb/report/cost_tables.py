"""The report's tables about costs: the summary, cost per insats, insatser and their prices,
pools, overhead flows and the reconciliation."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kpb.report.disclosure import Disclosure, Margin
from kpb.report.reconciliation import (insats_sum_note, named_insatser, revenue_by_pool,
                                       revenue_note)
from kpb.report.table_model import (PRICE_LABELS, UNIT_LABELS, Chart, Column, ReportData, Table,
                                    area_names, gini, insats_names, money_ratio, post_amount,
                                    ratio, with_total)


def sammanfattning(data: ReportData) -> Table:
    brukare = data["brukare"]
    total, excluded = post_amount(data, "Huvudbok totalt"), _exkluderat(data)
    base = total - excluded
    to_persons = post_amount(data, "Till brukare")
    n = brukare.height
    cost = brukare["kostnad"]
    rows = [
        ("Huvudbok netto", total, "kr_ore", "Summan av alla huvudboksrader i KPB-körningen."),
        ("Exkluderat", excluded, "kr_ore", "Poster utanför KPB (pooler av typ exkludera), "
                                            "se Avstämning."),
        ("KPB-kostnadsbas", base, "kr_ore", "Huvudbok netto minus exkluderat."),
        ("Till brukare", to_persons, "kr_ore", "Kostnad som fördelats på enskilda brukare."),
        ("Ej brukarrelaterat", post_amount(data, "Ej brukarrelaterat"), "kr_ore",
         "Kostnad i kostnadsbasen som inte hör till någon person (t.ex. förebyggande arbete)."),
        ("Ofördelat", post_amount(data, "Ofördelat"), "kr_ore",
         "Rest som inte kunde läggas på brukare, redovisas öppet per pool."),
        ("Differens", post_amount(data, "Differens"), "kr_ore",
         "Huvudbok − (brukare + ej brukarrelaterat + ofördelat + exkluderat); ska vara 0."),
        ("Antal brukare", n, "antal", "Personer med minst en kostnad under året."),
        ("Kostnad per brukare, medel", ratio(to_persons, n), "kr",
         "Till brukare ÷ antal brukare."),
        ("Kostnad per brukare, median", float(cost.median()) if n else None, "kr",
         "Mittersta brukarens årskostnad."),
        ("Gini-koefficient", gini(brukare), "tal",
         "0 = alla brukare kostar lika, 1 = en brukare bär all kostnad."),
    ]
    if data.invanare:
        inv = data.invanare
        rows += [
            ("Invånare", inv, "antal", "Invånare enligt kpb.toml (invanare)."),
            ("KPB-kostnadsbas per invånare", ratio(base, inv), "kr",
             "KPB-kostnadsbas ÷ invånare."),
            ("Till brukare per invånare", ratio(to_persons, inv), "kr",
             "Till brukare ÷ invånare."),
            ("Brukare per 1 000 invånare", ratio(n * 1000, inv), "tal",
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
    for key in ("jamfor_inaktuell", "uppfoljning_inaktuell"):
        stale = data.frames.get(key)
        if stale is not None:
            notes += tuple(_stale_note(name, data.year) for name in stale["jamforelse"])
    return Table("sammanfattning", "Sammanfattning", f"KPB {data.year}: sammanfattning", frame,
                 (Column("nyckeltal", "Nyckeltal"), Column("varde", "Värde", "rad"),
                  Column("definition", "Definition")), notes)


def _stale_note(name: str, year: int) -> str:
    kind, *years = name.split("_")
    command = f"kpb {kind} {' '.join(years)}"
    what = "Uppföljningen" if kind == "uppfoljning" else "Jämförelsen"
    return (f"{what} ut/{name} visas inte: den gjordes före den senaste beräkningen av "
            f"resultaten. Kör `{command}` för en aktuell.")


def _exkluderat(data: ReportData) -> Decimal:
    value = data["avstamning"].filter(pl.col("post").str.starts_with("Exkluderat"))["belopp"].sum()
    return Decimal(value or 0)




def kostnad_per_insats(data: ReportData) -> Table:
    frame = (data["insats"].group_by("insats", "enhet")
             .agg(pl.col("kostnad").sum(), pl.col("volym").sum())
             .join(data["brukare_insats"].group_by("insats")
                   .agg(pl.col("person_id").n_unique().alias("antal_brukare")), on="insats",
                   how="left")
             .with_columns(namn=insats_names(data),
                           enhetstext=pl.col("enhet").replace_strict(UNIT_LABELS,
                                                                     default=pl.col("enhet")),
                           prisenhet=pl.col("enhet").replace_strict(PRICE_LABELS,
                                                                    default=pl.col("enhet")),
                           styckkostnad=money_ratio("kostnad", "volym"),
                           per_brukare=money_ratio("kostnad", "antal_brukare"),
                           # for publication: an område's cost on the first page is the sum
                           # of its insatser's costs here
                           omradeskod=pl.col("insats").replace_strict(
                               _omraden(data), default=None, return_dtype=pl.Utf8))
             .join(_reporting_per_insats(data), on="insats", how="left")
             .with_columns(per_rapportenhet=money_ratio("kostnad", "rapport_volym"))
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
         insats_sum_note(data), REPORTING_NOTE),
        Chart("bar", "Kostnad per insats", "namn", "kostnad", "kr"),
        Disclosure("antal_brukare", ("kostnad", "volym", "styckkostnad", "antal_brukare",
                                     "per_brukare", "rapport_volym", "per_rapportenhet"),
                   "kostnad", "storsta",
                   # the same insats' cost and price in Jämförelse: withheld in both or neither
                   margins=(Margin("insats", "jamforelse", "insats"),
                            Margin("omradeskod", "omraden", "kod"))))


def insatser(data: ReportData) -> Table:
    frame = (data["insats"]
             .join(data["pool"].select("pool", "typ"), on="pool", how="left")
             .with_columns(namn=insats_names(data),
                           omrade=area_names(pl.col("insats").replace_strict(
                               _omraden(data), default=None, return_dtype=pl.Utf8)),
                           utforare=pl.col("pool").replace_strict(
                               data.pool_utforare, default="", return_dtype=pl.Utf8),
                           regi=pl.col("pool").replace_strict(
                               data.pool_regi, default="", return_dtype=pl.Utf8),
                           enhetstext=pl.col("enhet").replace_strict(UNIT_LABELS,
                                                                     default=pl.col("enhet")),
                           prisenhet=pl.col("enhet").replace_strict(PRICE_LABELS,
                                                                    default=pl.col("enhet")),
                           per_brukare=money_ratio("kostnad", "antal_brukare"))
             .join(_reporting(data), on="pool", how="left")
             .with_columns(per_rapportenhet=money_ratio("kostnad", "rapport_volym"))
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
         insats_sum_note(data), REPORTING_NOTE), None,
        Disclosure("antal_brukare", ("volym", "kostnad", "styckkostnad", "antal_brukare",
                                     "per_brukare", "rapport_volym", "per_rapportenhet"),
                   "kostnad", "storsta",
                   # an insats' pools sum to its row in Kostnad per insats
                   margins=(Margin("insats", "kostnad_per_insats", "insats"),)))


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


def pooler(data: ReportData) -> Table:
    typ_text = {"verksamhet": "verksamhet", "gemensam": "gemensam", "direkt": "direkt",
                "ej_brukar": "ej brukarrelaterad", "exkludera": "exkluderad"}
    money = ["bokfort", "intakter", "erhallen_gemensam", "fordelad_gemensam", "att_fordela",
             "till_brukare", "ofordelat"]
    pools = (data["pool"].join(revenue_by_pool(data), on="pool", how="left")
             .with_columns(pl.col("intakter").fill_null(0).cast(pl.Decimal(18, 2)),
                           typtext=pl.col("typ").replace_strict(typ_text, default=pl.col("typ")))
             .select("pool", "typtext", *money))
    total = pools.select(pl.lit("Summa").alias("pool"), pl.lit("").alias("typtext"),
                         *[pl.col(c).sum().cast(pl.Decimal(18, 2)) for c in money])
    frame = with_total(pools, total)
    return Table(
        "pooler", "Pooler", f"Pooler {data.year}", frame,
        (Column("pool", "Pool"), Column("typtext", "Typ"), Column("bokfort", "Bokfört", "kr_ore"),
         Column("intakter", "varav intäkter nettade i poolen", "kr_ore"),
         Column("erhallen_gemensam", "Mottagna gemensamma kostnader", "kr_ore"),
         Column("fordelad_gemensam", "Fördelade gemensamma kostnader", "kr_ore"),
         Column("att_fordela", "Att fördela", "kr_ore"),
         Column("till_brukare", "Till brukare", "kr_ore"),
         Column("ofordelat", "Ofördelat", "kr_ore")),
        ("Att fördela = bokfört + mottagna − fördelade gemensamma kostnader.",
         "Bokfört är poolens nettobelopp i huvudboken: intäkter som ligger kvar i poolen "
         "(interna intäkter, försäljning till andra kommuner) är redan avdragna och visas i "
         "egen kolumn. " + revenue_note(data),
         "Summaraden: bokfört = huvudbok totalt; mottagna = fördelade gemensamma kostnader; "
         "till brukare och ofördelat = Avstämningens poster."),
        sums=tuple(money))


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
                                            named_insatser(data, pl.col("orsak").fill_null("")))
    return Table(
        "avstamning", "Avstämning", f"Avstämning {data.year}", frame,
        (Column("post", "Post"), Column("pool", "Pool"), Column("orsak", "Orsak"),
         Column("belopp", "Belopp", "kr_ore")),
        ("Huvudbok totalt = till brukare + ej brukarrelaterat + ofördelat + exkluderat; "
         "differensen ska vara 0,00 kr.",))
