"""Render the report files of one computed year into a folder that holds its outputs.

The report only renders: it reads the year's Parquet outputs in `folder` (the staging folder of
a run, or a staged copy for `kpb rapport`), and is given what is not in them (the rules'
catalogue, the reporting volumes counted from the engine's own mapped rows, the population).
Writing the files into place is the commit's job (kpb.write.commit).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpb.report.disclosure import DEFAULT_RULE, Rule, publish_all
from kpb.report.html import write_html
from kpb.report.tables import read_outputs, tables
from kpb.report.workbook import write_workbook


def report_names(year: int, publish: bool = False) -> tuple[str, str]:
    if publish:
        return f"kpb_{year}_publicerad.xlsx", "rapport_publicerad.html"
    return f"kpb_{year}.xlsx", "rapport.html"


def render_report(folder: Path, year: int, kommun: str, invanare: int | None, rules,
                  population: pl.DataFrame | None, publish: bool = False,
                  rule: Rule = DEFAULT_RULE) -> list[Path]:
    """Write kpb_<year>.xlsx and rapport.html into `folder` (with `publish`: the protected
    kpb_<year>_publicerad.xlsx and rapport_publicerad.html, with every published table
    protected in one pass, kpb.report.disclosure.publish_all, under `rule`: kpb.toml
    [publicering])."""
    data = read_outputs(folder, year, kommun, invanare, rules, population, rule)
    report_tables = tables(data)
    title = f"Kostnad per brukare {year}" + (f", {data.kommun}" if data.kommun else "")
    subtitle = ("Kostnad per brukare (KPB) enligt kpb, beräknad ur huvudbok och "
                "verksamhetssystem. Alla belopp i kronor.")
    if publish:
        report_tables = publish_all(report_tables, rule)
        title += " (för publicering)"
        subtitle += (f" Publicerad version: uppgifter om färre än {rule.persons} personer, "
                     f"eller där en person bär mer än {rule.share_text()} av kostnaden, och "
                     "uppgifter som skulle avslöja dem, visas som ..")
    workbook, page = (folder / name for name in report_names(year, publish))
    write_workbook(workbook, report_tables, title, created=data.created)
    write_html(page, report_tables, title, subtitle, workbook=workbook.name, created=data.created)
    return [workbook, page]
