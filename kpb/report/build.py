"""Build the report files of one computed year from its outputs (used by `kpb rapport`)."""

from __future__ import annotations

import os
from pathlib import Path

from kpb.project import Project
from kpb.report.disclosure import publish as protect
from kpb.report.html import write_html
from kpb.report.tables import read_outputs, tables
from kpb.report.workbook import write_workbook


def report_data(project: Project, year: int):
    rules = None
    if project.rules_file(year).is_file():
        from kpb.rules import read_rules
        rules = read_rules(project.rules_file(year), year, project.relative(project.rules_file(year)))
    from kpb.load.population import read_population
    from kpb.report.volumes import reporting_volumes

    return read_outputs(project.output_dir(year), year, project.kommun, project.invanare, rules,
                        reporting_volumes(project, year, rules), read_population(project, year))


def write_report(project: Project, year: int, publish: bool = False) -> list[Path]:
    """Write kpb_<year>.xlsx and rapport.html into ut/<year>/ (with `publish`: the protected
    kpb_<year>_publicerad.xlsx and rapport_publicerad.html instead, kpb.report.disclosure).
    Each file is written beside its target and renamed into place, so a failure leaves the
    previous report intact."""
    data = report_data(project, year)
    report_tables = tables(data)
    title = f"Kostnad per brukare {year}" + (f", {data.kommun}" if data.kommun else "")
    subtitle = ("Kostnad per brukare (KPB) enligt kpb, beräknad ur huvudbok och "
                "verksamhetssystem. Alla belopp i kronor.")
    names = (f"kpb_{year}.xlsx", "rapport.html")
    if publish:
        report_tables = [protect(t) for t in report_tables]
        title += " (för publicering)"
        subtitle += (" Publicerad version: uppgifter om färre än 3 personer, och uppgifter som "
                     "skulle avslöja dem, visas som ..")
        names = (f"kpb_{year}_publicerad.xlsx", "rapport_publicerad.html")
    target = project.output_dir(year)
    written = []
    for name, write in zip(names, (write_workbook, write_html)):
        final = target / name
        staging = target / f".{name}.tmp-{os.getpid()}"
        try:
            if write is write_workbook:
                write(staging, report_tables, title)
            else:
                write(staging, report_tables, title, subtitle)
            os.replace(staging, final)
        finally:
            staging.unlink(missing_ok=True)
        written.append(final)
    return written
