"""The report's Uppföljning sheet: the year month by month per område, from
ut/uppfoljning_<year>/ (`kpb uppfoljning`), when the year has been followed up.

`followup_frames(output_dir, year)` reads the follow-up beside the year's folder (the report
is rendered in a staging folder under ut/, so its parent is ut/); `uppfoljning(data)` is the
table: cost, year to date, brukare, kr per brukare and per invånare, new and ended brukare
of the område as a whole, and brukare with an open insats on the month's measuring day.
In the published version a row of 1 or 2 brukare is withheld.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.integrity import stale_for
from kpb.money import MONTH_NAMES
from kpb.report.disclosure import Disclosure
from kpb.report.table_model import Column, ReportData, Table

FRAMES = ("manad_omrade", "floden_manad", "punkt")


def followup_frames(output_dir: Path, year: int) -> dict[str, pl.DataFrame]:
    """The follow-up tables of the year, prefixed `uppfoljning_` (none when not followed up)."""
    folder = output_dir.parent / f"uppfoljning_{year}"
    if folder.is_dir() and stale_for(folder, year, output_dir):  # named in Sammanfattning
        return {"uppfoljning_inaktuell": pl.DataFrame({"jamforelse": [folder.name]})}
    return {f"uppfoljning_{name}": pl.read_parquet(folder / f"{name}.parquet", glob=False)
            for name in FRAMES if (folder / f"{name}.parquet").is_file()}


def uppfoljning(data: ReportData) -> Table | None:
    months = data.frames.get("uppfoljning_manad_omrade")
    if months is None or not months.height:
        return None
    flows = data.frames["uppfoljning_floden_manad"].filter(pl.col("insats").is_null()) \
        .group_by("manad", "omrade").agg(
            nya=pl.when(pl.col("nya").null_count() == 0).then(pl.col("nya").sum()),
            avslutade=pl.when(pl.col("avslutade").null_count() == 0)
            .then(pl.col("avslutade").sum()))
    points = data.frames["uppfoljning_punkt"].filter(pl.col("insats").is_null()) \
        .group_by(manad=pl.col("datum").dt.month().cast(pl.Int32), omrade="omrade") \
        .agg(pl.col("brukare").sum().alias("oppna_den_15"))
    frame = (months.join(flows, on=["manad", "omrade"], how="left")
             .join(points, on=["manad", "omrade"], how="left").sort("omrade", "manad"))
    delar = bool(months["delar"].any())
    last = int(months["manad"].max())
    return Table(
        "uppfoljning", "Uppföljning",
        f"Månad för månad {data.year}" + (f" (delår, januari–{MONTH_NAMES[int(last) - 1]})" if delar else ""),
        frame,
        (Column("omrade", "Område"), Column("manad", "Månad", "antal"),
         Column("kostnad", "Kostnad", "kr"), Column("kostnad_hittills", "Hittills i år", "kr"),
         Column("brukare", "Brukare", "antal"),
         Column("kostnad_per_brukare", "Kr per brukare", "kr"),
         Column("kostnad_per_invanare", "Kr per invånare", "kr_ore"),
         Column("nya", "Nya", "antal"), Column("avslutade", "Avslutade", "antal"),
         Column("oppna_den_15", "Öppna mätdagen", "antal")),
        ("Från kpb uppfoljning (ut/uppfoljning_<år>/). Månadens kostnad = kostnaden hittills i "
         "år minus den förra månadens, räknad med årets metod och nycklar, så månaderna "
         "summerar till årets kostnad på öret.",
         "Brukare = personer med volym i någon av områdets insatser i månaden. Nya: ingen "
         "volym de N månaderna före (tomt de första N månaderna), avslutade: ingen de N "
         "månaderna efter (tomt de sista N). Öppna mätdagen: personer med öppen insats den "
         "15:e (eller dagen som --datum angav). Definitionerna: docs/formats.md §11."),
        None, Disclosure("brukare", ("kostnad", "kostnad_hittills", "brukare",
                                     "kostnad_per_brukare", "kostnad_per_invanare", "nya",
                                     "avslutade", "oppna_den_15")))
