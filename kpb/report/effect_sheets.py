"""The effect tables as sheets of the KPB report (kpb.report.tables): households, outcomes of
arbetsmarknad insatser, the comparison with the last KPB (per insats; its flows and shifts
between insatser for the internal report only) and the Kolada comparison.

`effect_frames` reads the outputs they need (each optional: a project without households,
outcomes, a comparison or a Kolada file simply gets fewer sheets); each sheet function returns
a `Table`, or None when its output is absent or empty.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.integrity import stale_for
from kpb.report.disclosure import Disclosure, Margin
from kpb.report.table_model import (AREA_NAMES, PRICE_LABELS, Column, ReportData, Table,
                                    insats_names, money_ratio, with_total)

TOP_HOUSEHOLDS = 20
MONEY = pl.Decimal(18, 2)
YEAR_OUTPUTS = ("hushall", "utfall_insats", "kolada")


def effect_frames(output_dir: Path, year: int) -> dict[str, pl.DataFrame]:
    """hushall, utfall_insats and kolada of the year, and the latest comparison that ends in
    the year (ut/jamfor_<fran>_<year>/jamfor_styckkostnad) as `jamfor_styckkostnad`."""
    frames = {name: pl.read_parquet(output_dir / f"{name}.parquet", glob=False) for name in YEAR_OUTPUTS
              if (output_dir / f"{name}.parquet").is_file()}
    comparisons = sorted(output_dir.parent.glob(
        f"jamfor_[0-9][0-9][0-9][0-9]_{year}/jamfor_styckkostnad.parquet"))
    stale = [c.parent.name for c in comparisons if stale_for(c.parent, year, output_dir)]
    comparisons = [c for c in comparisons if c.parent.name not in stale]
    if stale:  # named in the Sammanfattning (kpb.report.cost_tables), never shown as current
        frames["jamfor_inaktuell"] = pl.DataFrame({"jamforelse": stale})
    if comparisons:
        frames["jamfor_styckkostnad"] = pl.read_parquet(comparisons[-1], glob=False)
        # the change per område on the first page (kpb.report.areas); the flows and shifts
        # between insatser for the internal report
        for name in ("jamfor_omrade", "jamfor_floden", "jamfor_byten"):
            path = comparisons[-1].parent / f"{name}.parquet"
            if path.is_file():
                frames[name] = pl.read_parquet(path, glob=False)
    return frames


def _present(data: ReportData, name: str) -> pl.DataFrame | None:
    frame = data.frames.get(name)
    return frame if frame is not None and frame.height else None


def hushall(data: ReportData) -> Table | None:
    households = _present(data, "hushall")
    if households is None:
        return None
    frame = households.sort("rang").head(TOP_HOUSEHOLDS).with_columns(
        langvarigt=pl.when(pl.col("langvarigt_bistand")).then(pl.lit("ja"))
        .otherwise(pl.lit("nej")),
        ett_hushall=pl.lit(1))  # a row is one family: never published (kpb rapport --publicera)
    long_term = int(households["langvarigt_bistand"].sum())
    return Table(
        "hushall", "Hushåll", f"De dyraste hushållen med ekonomiskt bistånd {data.year}", frame,
        (Column("rang", "Rang", "antal"), Column("antal_medlemmar", "Medlemmar", "antal"),
         Column("bistand", "Ekonomiskt bistånd", "kr"),
         Column("handlaggning", "Handläggning", "kr"),
         Column("ovriga_insatser", "Övriga insatser", "kr"),
         Column("kostnad", "Total kostnad", "kr"),
         Column("manader_med_utbetalning", "Månader med utbetalning", "antal"),
         Column("langvarigt", "Långvarigt bistånd"),
         Column("andel_av_bistand", "Andel av biståndet", "andel"),
         Column("kumulativ_andel_av_bistand", "Andel, ackumulerad", "andel")),
        (f"{households.height} hushåll, varav {long_term} med långvarigt bistånd "
         f"({_share_text(long_term, households.height)}). De "
         f"{min(TOP_HOUSEHOLDS, households.height)} med högst total kostnad visas; i den "
         "publicerade versionen visas inga enskilda hushåll.",
         "Hushållets kostnad = summan av medlemmarnas kostnader (bistånd, handläggning och alla "
         "andra insatser). En person som förekommer i två hushåll räknas i hushållet på sin "
         "senast daterade rad.",
         "Långvarigt bistånd (Socialstyrelsen) = utbetalning minst 10 av årets 12 månader "
         "([hushall] langvarigt_manader i kpb.toml)."),
        None, internal=True, disclosure=Disclosure("ett_hushall", ("antal_medlemmar", "bistand", "handlaggning",
                                             "ovriga_insatser", "kostnad",
                                             "manader_med_utbetalning", "langvarigt",
                                             "andel_av_bistand", "kumulativ_andel_av_bistand")))


SIZE_BANDS = (("1 person", 1, 1), ("2 personer", 2, 2), ("3–4 personer", 3, 4),
              ("5 personer eller fler", 5, None))


def hushall_grupper(data: ReportData) -> Table | None:
    """Households by size band and långvarigt bistånd: the household table that can be
    published (a band of fewer than 3 households is withheld)."""
    households = _present(data, "hushall")
    if households is None:
        return None
    size = pl.col("antal_medlemmar")
    band = pl.lit(SIZE_BANDS[-1][0])
    for label, low, high in reversed(SIZE_BANDS[:-1]):
        band = pl.when(size.is_between(low, high)).then(pl.lit(label)).otherwise(band)
    order = {label: i for i, (label, _, _) in enumerate(SIZE_BANDS)}
    groups = (households.with_columns(storlek=band, langvarigt=pl.when(
        pl.col("langvarigt_bistand")).then(pl.lit("ja")).otherwise(pl.lit("nej")))
        .group_by("storlek", "langvarigt").agg(
            pl.len().cast(pl.Int64).alias("hushall"),
            size.sum().cast(pl.Int64).alias("medlemmar"),
            pl.col("bistand").sum().cast(MONEY), pl.col("kostnad").sum().cast(MONEY),
            pl.col("kostnad").max().cast(MONEY).alias("storsta"))
        .with_columns(ordning=pl.col("storlek").replace_strict(order, return_dtype=pl.Int64))
        .sort("ordning", "langvarigt").drop("ordning"))
    total = groups.select(pl.lit("Alla hushåll").alias("storlek"), pl.lit("").alias("langvarigt"),
                          pl.col("hushall").sum(), pl.col("medlemmar").sum(),
                          pl.col("bistand").sum().cast(MONEY), pl.col("kostnad").sum().cast(MONEY),
                          pl.col("storsta").max())
    frame = with_total(groups, total).with_columns(
        per_hushall=money_ratio("kostnad", "hushall"))
    return Table(
        "hushall_grupper", "Hushåll per storlek",
        f"Hushåll med ekonomiskt bistånd per storlek och långvarighet {data.year}", frame,
        (Column("storlek", "Hushållets storlek"), Column("langvarigt", "Långvarigt bistånd"),
         Column("hushall", "Hushåll", "antal"), Column("medlemmar", "Personer", "antal"),
         Column("bistand", "Ekonomiskt bistånd", "kr"), Column("kostnad", "Total kostnad", "kr"),
         Column("per_hushall", "Kostnad per hushåll", "kr")),
        ("Hushållets storlek = antalet medlemmar under året; långvarigt bistånd = utbetalning "
         "minst 10 av årets 12 månader. Total kostnad = medlemmarnas alla insatser (se "
         "Hushåll).",),
        None, Disclosure("hushall", ("hushall", "medlemmar", "bistand", "kostnad",
                                     "per_hushall"), "kostnad", "storsta", total_row=True),
        sums=("hushall", "medlemmar", "bistand", "kostnad"))


def utfall(data: ReportData) -> Table | None:
    frame = _present(data, "utfall_insats")
    if frame is None:
        return None
    return Table(
        "utfall", "Utfall arbetsmarknad",
        f"Arbetsmarknadsinsatser: utfall och kostnad {data.year}", frame,
        (Column("insats", "Insats"), Column("utforare", "Utförare"),
         Column("deltagare", "Deltagare", "antal"), Column("avslut", "Avslut", "antal"),
         Column("avslut_arbete_eller_studier", "Till arbete eller studier", "antal"),
         Column("andel_arbete_eller_studier", "Andel till arbete eller studier", "andel"),
         Column("kostnad", "Kostnad", "kr"),
         Column("kostnad_per_deltagare", "Kostnad per deltagare", "kr"),
         Column("kostnad_per_avslut", "Kostnad per avslut", "kr"),
         Column("kostnad_per_avslut_arbete_eller_studier",
                "Kostnad per avslut till arbete eller studier", "kr"),
         Column("deltagare_med_bistand_fore", "Med bistånd 6 mån före start", "antal"),
         Column("tackta_manader_fore", "Täckta månader före", "antal"),
         Column("deltagare_med_bistand_efter", "Med bistånd 6 mån efter avslut", "antal"),
         Column("tackta_manader_efter", "Täckta månader efter", "antal")),
        ("Kostnad = deltagarnas KPB-kostnad för insatsen under året; kostnad per avslut till "
         "arbete eller studier = kostnad ÷ sådana avslut (avslutsorsaker grupperade i "
         "[utfall.avslutsorsak] i kpb.toml).",
         "Bistånd före och efter: de sex kalendermånaderna före startmånaden och efter "
         "avslutsmånaden, bara de månader som årets data täcker (personmånader visas); inget "
         "räknas upp."),
        None, Disclosure("deltagare", ("deltagare", "avslut", "avslut_arbete_eller_studier",
                                       "andel_arbete_eller_studier", "kostnad",
                                       "kostnad_per_deltagare", "kostnad_per_avslut",
                                       "kostnad_per_avslut_arbete_eller_studier",
                                       "deltagare_med_bistand_fore",
                                       "deltagare_med_bistand_efter")))


def price_index_text(data: ReportData, frame: pl.DataFrame, key: str) -> str:
    """Which price index the fixed prices of `frame` (a comparison output with `prisindex` per
    row) used: the one of most rows, and the rows with an index of their own by name."""
    used = frame.filter(pl.col("prisindex").fill_null("") != "")
    if not used.height:
        return ("Fasta priser saknas: kpb.toml har inget prisindex under [jamfor] (se "
                "docs/formats.md §7).")
    counts = used.group_by("prisindex").len().sort("len", "prisindex", descending=[True, False])
    main = counts["prisindex"][0]
    text = f"Fasta priser enligt {main} (prisindexet i kpb.toml [jamfor])"
    names = {**AREA_NAMES, **data.insats_names}
    others = used.filter(pl.col("prisindex") != main).sort(key)
    if others.height:  # a handful of rows with [jamfor.eget_index]
        own = "; ".join(f"{names.get(code, code)}: {index}" for code, index in
                        others.select(key, "prisindex").iter_rows())
        text += f"; med eget index (kpb.toml [jamfor.eget_index]) för {own}"
    return text + "."


def jamforelse(data: ReportData) -> Table | None:
    frame = _present(data, "jamfor_styckkostnad")
    if frame is None:
        return None
    fran = int(frame["ar_fran"][0])
    # the brukare of each insats in both years: for publication, a row of the comparison is
    # withheld like the insats' row in Kostnad per insats (the same cost and price)
    brukare = (data["brukare_insats"].group_by("insats")
               .agg(pl.col("person_id").n_unique().cast(pl.Int64).alias("brukare_till")))
    flows = data.frames.get("jamfor_floden")
    before = (flows.select("insats", pl.col("brukare_fran").cast(pl.Int64)) if flows is not None
              else pl.DataFrame(schema={"insats": pl.Utf8, "brukare_fran": pl.Int64}))
    frame = (frame.join(brukare, on="insats", how="left", maintain_order="left")
             .join(before, on="insats", how="left", maintain_order="left")
             .with_columns(pl.col("brukare_till", "brukare_fran").fill_null(0),
                           namn=insats_names(data),
                           per=pl.col("enhet_till").replace_strict(
                               PRICE_LABELS, default=pl.lit("kr/") + pl.col("enhet_till"),
                               return_dtype=pl.Utf8)))
    figures = ("styckkostnad_fran", "styckkostnad_fran_fast", "styckkostnad_till",
               "forandring_nominell", "forandring_fast", "kostnad_fran", "kostnad_till")
    return Table(
        "jamforelse", "Jämförelse", f"Styckkostnad {fran} och {data.year}", frame,
        (Column("namn", "Insats"), Column("insats", "Kod"), Column("per", "Per"),
         Column("styckkostnad_fran", f"Styckkostnad {fran}", "kr_ore"),
         Column("styckkostnad_fran_fast", f"{fran} i {data.year} års priser", "kr_ore"),
         Column("styckkostnad_till", f"Styckkostnad {data.year}", "kr_ore"),
         Column("forandring_nominell", "Förändring, löpande priser", "andel"),
         Column("forandring_fast", "Förändring, fasta priser", "andel"),
         Column("kostnad_fran", f"Kostnad {fran}", "kr"),
         Column("kostnad_till", f"Kostnad {data.year}", "kr")),
        (f"Från kpb jamfor {fran} {data.year} (ut/jamfor_{fran}_{data.year}/): båda årens egna "
         "resultat. Styckkostnad i insatsens enhet eller rapportenhet (kr/timme, kr/dygn, "
         "kr/vårddygn ...); en insats i kronor utan rapportenhet har ingen.",
         price_index_text(data, frame, "insats"),
         "Flöden och byten mellan insatserna står i den interna rapporten (bladen Flöden "
         "och Byten av insats), inte i den publicerade."),
        disclosure=Disclosure("brukare_till", figures, also=("brukare_fran",),
                              margins=(Margin("insats", "kostnad_per_insats", "insats"),)))


def _compared_omrade(data: ReportData) -> pl.Expr:
    """Each insats' område code, from the later year's own rows (none for an insats only the
    earlier year had)."""
    pairs = data["brukare_insats"].select("insats", "omrade").unique(subset="insats")
    codes = dict(zip(pairs["insats"].to_list(), pairs["omrade"].to_list()))
    return pl.col("insats").replace_strict(codes, default=None, return_dtype=pl.Utf8)


INTERNAL_ONLY = ("Visas bara i den interna rapporten: en rad kan gälla en eller två personer, "
                 "så den publicerade versionen (kpb rapport --publicera) har inte bladet.")


def floden(data: ReportData) -> Table | None:
    """Brukare per insats in both years: new, continuing, ended (jamfor_floden)."""
    frame = _present(data, "jamfor_floden")
    if frame is None:
        return None
    fran, till = int(frame["ar_fran"][0]), int(frame["ar_till"][0])
    frame = (frame.with_columns(namn=insats_names(data), omradeskod=_compared_omrade(data))
             .with_columns(omrade=pl.col("omradeskod").replace_strict(
                 AREA_NAMES, default=pl.col("omradeskod"), return_dtype=pl.Utf8))
             .with_columns(forandring=money_ratio("brukare_till", "brukare_fran") - 1,
                           ordning=pl.col("omradeskod").replace_strict(
                               {code: i for i, code in enumerate(AREA_NAMES)},
                               default=len(AREA_NAMES), return_dtype=pl.Int64))
             .sort("ordning", "omradeskod", "namn", nulls_last=True))
    return Table(
        "floden", "Flöden", f"Brukare per insats {fran} och {till}: nya, kvarstående och "
        "avslutade", frame,
        (Column("namn", "Insats"), Column("insats", "Kod"), Column("omrade", "Område"),
         Column("brukare_fran", f"Brukare {fran}", "antal"),
         Column("brukare_till", f"Brukare {till}", "antal"),
         Column("forandring", "Förändring, brukare", "andel"),
         Column("nya", f"Nya {till}", "antal"),
         Column("kvarstaende", "Kvarstående båda åren", "antal"),
         Column("avslutade", f"Avslutade efter {fran}", "antal")),
        (f"Från kpb jamfor {fran} {till}: brukare = personer med någon kostnad för insatsen "
         f"under året. Nya = med insatsen {till} men inte {fran}; kvarstående = med insatsen "
         f"båda åren; avslutade = med insatsen {fran} men inte {till}. Samma person känns "
         "igen på sin pseudonym (båda åren beräknade med samma nyckel).",
         "Kvarstående + nya = brukare " + str(till) + "; kvarstående + avslutade = brukare "
         + str(fran) + ".", INTERNAL_ONLY),
        publish=False)


def byten(data: ReportData) -> Table | None:
    """Persons who left one insats for another of the same område (jamfor_byten)."""
    frame = _present(data, "jamfor_byten")
    if frame is None:
        return None
    fran, till = int(frame["ar_fran"][0]), int(frame["ar_till"][0])
    names = data.insats_names
    frame = (frame.with_columns(
        omrade_namn=pl.col("omrade").replace_strict(AREA_NAMES, default=pl.col("omrade"),
                                                    return_dtype=pl.Utf8),
        fran_namn=pl.col("insats_fran").replace_strict(names, default=pl.col("insats_fran"),
                                                       return_dtype=pl.Utf8),
        till_namn=pl.col("insats_till").replace_strict(names, default=pl.col("insats_till"),
                                                       return_dtype=pl.Utf8),
        kod=pl.concat_str("insats_fran", pl.lit(" → "), "insats_till"))
        .with_columns(forandring=money_ratio("kostnad_till", "kostnad_fran") - 1)
        .with_columns(ordning=pl.col("omrade").replace_strict(
            {code: i for i, code in enumerate(AREA_NAMES)}, default=len(AREA_NAMES),
            return_dtype=pl.Int64))
        .sort("ordning", "omrade", "brukare", "insats_fran", "insats_till",
              descending=[False, False, True, False, False]))
    return Table(
        "byten", "Byten av insats", f"Byten mellan insatser {fran}–{till} (t.ex. HVB → "
        "familjehem)", frame,
        (Column("omrade_namn", "Område"), Column("fran_namn", f"Insats {fran}"),
         Column("till_namn", f"Insats {till}"), Column("kod", "Kod"),
         Column("brukare", "Brukare", "antal"),
         Column("kostnad_fran", f"Kostnad {fran} för insatsen de lämnade", "kr"),
         Column("kostnad_till", f"Kostnad {till} för insatsen de fick", "kr"),
         Column("forandring", "Förändring, löpande priser", "andel")),
        (f"Brukare som båda åren hade en kostnad och som {fran} hade den första insatsen men "
         f"inte den andra och {till} den andra men inte den första, inom samma område. "
         f"Kostnaden = deras kostnad {fran} för insatsen de lämnade och {till} för insatsen "
         f"de fick, i kronor (löpande priser: {fran} års kronor räknas inte om).",
         INTERNAL_ONLY),
        publish=False)


def kolada(data: ReportData) -> Table | None:
    frame = _present(data, "kolada")
    if frame is None:
        return None
    frame = frame.with_columns(namn=_kolada_names(data))
    return Table(
        "kolada", "Jämförelsekommuner", f"Kolada-värden bredvid kpb:s nyckeltal {data.year}",
        frame,
        (Column("kpi", "Kolada-id"), Column("nyckeltal", "Kod"),
         Column("namn", "Nyckeltal"), Column("kommun", "Kommun"),
         Column("kpb_varde", "kpb:s värde", "tal"),
         Column("kolada_varde", "Kolada-värde", "tal")),
        ("Kolada-värdena kommer ur kolada/*.csv; andelar i procent som Kolada anger dem. "
         "Kolada bygger på räkenskapssammandraget, så skillnader mot kpb:s egna värden är "
         "väntade och värda att förklara.",))


KOLADA_MEASURES = {"kostnad_per_invanare": "Kostnad per invånare",
                   "kostnad_per_brukare": "Kostnad per brukare", "styckkostnad": "Styckkostnad",
                   "andel_avslut_arbete_eller_studier": "Andel avslut till arbete eller studier",
                   "andel_hushall_langvarigt_bistand": "Andel hushåll med långvarigt bistånd"}


def _kolada_names(data: ReportData) -> pl.Expr:
    """"kostnad_per_invanare:AMI" as "Kostnad per invånare, Arbetsmarknad" (insatser by
    their names in the rules, områden by theirs)."""
    parts = pl.col("nyckeltal").str.split_exact(":", 1)
    measure, subject = parts.struct.field("field_0"), parts.struct.field("field_1")
    names = {**AREA_NAMES, **data.insats_names}
    named = subject.replace_strict(names, default=subject, return_dtype=pl.Utf8)
    label = measure.replace_strict(KOLADA_MEASURES, default=measure, return_dtype=pl.Utf8)
    return (pl.when(subject.is_null() | (subject == "")).then(label)
            .otherwise(pl.concat_str(label, pl.lit(", "), named)))


def _share_text(part: int, whole: int) -> str:
    tenths = (2000 * part + whole) // (2 * whole) if whole else 0
    return f"{tenths // 10},{tenths % 10} %"


EFFECT_TABLES = [hushall, hushall_grupper, utfall, jamforelse, floden, byten, kolada]
