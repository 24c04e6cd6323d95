"""The effect tables as a report shows them: read from a project's outputs, Swedish labels.

For `kpb rapport` (workbook sheets, web sections): each function returns one Polars frame
whose columns are the labels a reader sees. They only read ut/; the figures are the outputs'
own (docs/formats.md §6–§9).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl


def _read(root: Path, folder: str, name: str) -> pl.DataFrame:
    path = Path(root) / "ut" / folder / f"{name}.parquet"
    return pl.read_parquet(path) if path.is_file() else pl.DataFrame()


def hushall_topplista(root: Path, year: int, antal: int = 20) -> pl.DataFrame:
    """The most costly ekonomiskt bistånd households, with their share of the bistånd."""
    table = _read(root, str(year), "hushall")
    if table.is_empty():
        return table
    return table.sort("rang").head(antal).select(
        pl.col("rang").alias("Rang"), pl.col("antal_medlemmar").alias("Medlemmar"),
        pl.col("bistand").alias("Ekonomiskt bistånd, kr"),
        pl.col("handlaggning").alias("Handläggning, kr"),
        pl.col("ovriga_insatser").alias("Övriga insatser, kr"),
        pl.col("kostnad").alias("Total kostnad, kr"),
        pl.col("manader_med_utbetalning").alias("Månader med utbetalning"),
        pl.col("langvarigt_bistand").alias("Långvarigt bistånd"),
        pl.col("kumulativ_andel_av_bistand").alias("Andel av biståndet, ackumulerad"))


def kostnad_per_avslut(root: Path, year: int) -> pl.DataFrame:
    """Per arbetsmarknad insats and utförare: avslut to arbete or studier and their cost."""
    table = _read(root, str(year), "utfall_insats")
    if table.is_empty():
        return table
    return table.select(
        pl.col("insats").alias("Insats"), pl.col("utforare").alias("Utförare"),
        pl.col("deltagare").alias("Deltagare"), pl.col("avslut").alias("Avslut"),
        pl.col("avslut_arbete_eller_studier").alias("Till arbete eller studier"),
        pl.col("andel_arbete_eller_studier").alias("Andel till arbete eller studier"),
        pl.col("kostnad_per_deltagare").alias("Kostnad per deltagare, kr"),
        pl.col("kostnad_per_avslut_arbete_eller_studier").alias(
            "Kostnad per avslut till arbete eller studier, kr"),
        pl.col("tackta_manader_fore").alias("Täckta månader före start"),
        pl.col("deltagare_med_bistand_fore").alias("Deltagare med bistånd före start"))


def styckkostnad_jamford(root: Path, fran: int, till: int) -> pl.DataFrame:
    """Styckkostnad per insats in the last KPB and this one, nominal and in fixed prices."""
    table = _read(root, f"jamfor_{fran}_{till}", "jamfor_styckkostnad")
    if table.is_empty():
        return table
    return table.select(
        pl.col("insats").alias("Insats"),
        pl.col("styckkostnad_fran").alias(f"Styckkostnad {fran}, kr"),
        pl.col("styckkostnad_fran_fast").alias(f"Styckkostnad {fran} i {till} års priser, kr"),
        pl.col("styckkostnad_till").alias(f"Styckkostnad {till}, kr"),
        pl.col("forandring_nominell").alias("Förändring, löpande priser"),
        pl.col("forandring_fast").alias("Förändring, fasta priser"))


def kolada_jamford(root: Path, year: int) -> pl.DataFrame:
    """kpb's own key figures beside the comparison municipalities' Kolada values."""
    table = _read(root, str(year), "kolada")
    if table.is_empty():
        return table
    return table.select(
        pl.col("kpi").alias("Kolada-id"), pl.col("nyckeltal").alias("Nyckeltal i kpb"),
        pl.col("kommun").alias("Kommun"), pl.col("kpb_varde").alias("kpb:s värde"),
        pl.col("kolada_varde").alias("Kolada-värde"))


def effect_summary(allocation) -> list:
    """What `kpb compute` prints about the households and the outcomes of the year."""
    from kpb.money import format_sek
    from kpb.report.summary import Section

    rows = []
    households = allocation.hushall
    if households is not None and households.height:
        lang = int(households["langvarigt_bistand"].sum())
        rows.append(("hushåll", (f"{households.height}, varav {lang} med långvarigt bistånd "
                                 f"({_percent(lang, households.height)})")))
    outcomes = allocation.utfall_insats
    if outcomes is not None and outcomes.height:
        ended, positive = int(outcomes["avslut"].sum()), int(
            outcomes["avslut_arbete_eller_studier"].sum())
        cost = int(outcomes["kostnad_ore"].sum())
        per = f"{format_sek(_rounded(cost, positive))} kr" if positive else "–"
        rows += [("deltagare", f"{int(outcomes['deltagare'].sum())} i arbetsmarknadsinsatser"),
                 ("avslut", (f"{ended}, varav {positive} till arbete eller studier "
                             f"({_percent(positive, ended)})")),
                 ("per avslut", f"{per} per avslut till arbete eller studier")]
    return [Section("Hushåll och utfall", rows)] if rows else []


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    tenths = (2000 * part + whole) // (2 * whole)  # half up, in tenths of a percent
    return f"{tenths // 10},{tenths % 10} %"


def _rounded(ore: int, count: int) -> int:
    return (2 * ore + count) // (2 * count)
