"""The report as an Excel workbook: one sheet per table of kpb.report.tables, native charts.

Number formats are written in Excel's locale-neutral code (`#,##0 "kr"`); Excel shows them
in the reader's locale, so Swedish Excel displays `1 234 567 kr` and `1 234,56`. Cells hold
the exact values (money to the öre); the format only decides how many decimals are shown.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import xlsxwriter

from kpb.report.disclosure import PROTECTED
from kpb.report.tables import Table

NUMBER_FORMATS = {
    "kr": '#,##0 "kr"',
    "kr_ore": '#,##0.00 "kr"',
    "tal": "#,##0.00",
    "antal": "#,##0",
    "volym": "#,##0.0##",
    "andel": "0.0%",
    "heltal": "0",
    "tal4": "#,##0.0000",
}
MAX_WIDTH = 60


def write_workbook(path: Path, tables: list[Table], title: str = "") -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"title": title, "author": "kpb", "comments": "Skapad av kpb"})
    formats = _formats(workbook)
    for table in tables:
        _write_sheet(workbook, formats, table)
    workbook.close()
    return path


def _formats(workbook) -> dict:
    formats = {kind: workbook.add_format({"num_format": code})
               for kind, code in NUMBER_FORMATS.items()}
    formats["text"] = workbook.add_format({})
    formats["protected"] = workbook.add_format({"align": "right", "font_color": "#666666"})
    formats["title"] = workbook.add_format({"bold": True, "font_size": 14})
    formats["note"] = workbook.add_format({"italic": True, "font_color": "#444444"})
    formats["header"] = workbook.add_format({"bold": True, "bg_color": "#DCE6F1",
                                             "bottom": 1, "text_wrap": True,
                                             "valign": "top"})
    return formats


def _write_sheet(workbook, formats: dict, table: Table) -> None:
    sheet = workbook.add_worksheet(table.sheet[:31])
    sheet.write_string(0, 0, table.title, formats["title"])
    for i, note in enumerate(table.notes, start=1):
        sheet.write_string(i, 0, note, formats["note"])
    header = len(table.notes) + 2
    frame = table.frame
    widths = []
    protected = frame[PROTECTED].to_list() if PROTECTED in frame.columns else [False] * frame.height
    hidden = set(table.disclosure.hide) if table.disclosure else set()
    for c, column in enumerate(table.columns):
        sheet.write_string(header, c, column.label, formats["header"])
        values = frame[column.name].to_list()
        kinds = (frame["format"].to_list() if column.kind == "rad"
                 else [column.kind] * len(values))
        width = len(column.label) + 2
        for r, (value, kind, hide) in enumerate(zip(values, kinds, protected), start=header + 1):
            if hide and column.name in hidden:
                sheet.write_string(r, c, "..", formats["protected"])
                continue
            if value is None or value == "":
                continue
            if kind == "text":
                text = str(value)
                sheet.write_string(r, c, text, formats["text"])
                width = max(width, len(text) + 2)
            elif isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
                text = str(value)  # dates and other values from `kpb sql`
                sheet.write_string(r, c, text, formats["text"])
                width = max(width, len(text) + 2)
            else:
                number = float(value) if isinstance(value, Decimal) else value
                sheet.write_number(r, c, number, formats[kind])
                width = max(width, _shown_width(number, kind))
        widths.append(min(width, MAX_WIDTH))
        sheet.set_column(c, c, widths[-1])
    last = header + frame.height
    sheet.freeze_panes(header + 1, 0)
    if frame.height:
        sheet.autofilter(header, 0, last, len(table.columns) - 1)
    if table.chart is not None and frame.height:
        _chart(workbook, sheet, table, header, last)


def _shown_width(number: float, kind: str) -> int:
    digits = len(f"{abs(number):,.0f}") + (1 if number < 0 else 0)
    extra = {"kr": 4, "kr_ore": 7, "tal": 4, "volym": 5, "andel": 3, "tal4": 6}.get(kind, 1)
    return digits + extra + 2


def _chart(workbook, sheet, table: Table, header: int, last: int) -> None:
    chart_spec = table.chart
    names = [c.name for c in table.columns]
    category, value = names.index(chart_spec.category), names.index(chart_spec.value)
    name = table.sheet[:31]
    if chart_spec.kind == "bar":
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series({
            "name": chart_spec.title,
            "categories": [name, header + 1, category, last, category],
            "values": [name, header + 1, value, last, value],
            "fill": {"color": "#2F5597"},
            "data_labels": {"value": True, "num_format": NUMBER_FORMATS["kr"]},
        })
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"num_format": NUMBER_FORMATS["kr"],
                          "major_gridlines": {"visible": True}})
        height = max(320, 26 * (last - header) + 100)
    else:
        chart = workbook.add_chart({"type": "scatter", "subtype": "straight"})
        chart.add_series({
            "name": "Fördelningskurva",
            "categories": [name, header + 1, category, last, category],
            "values": [name, header + 1, value, last, value],
            "line": {"color": "#2F5597", "width": 2.25},
        })
        chart.add_series({
            "name": "Lika kostnad för alla",
            "categories": [name, header + 1, category, last, category],
            "values": [name, header + 1, category, last, category],
            "line": {"color": "#999999", "dash_type": "dash"},
        })
        axis = {"min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%"}
        chart.set_x_axis({**axis, "name": chart_spec.category_label})
        chart.set_y_axis({**axis, "name": chart_spec.value_label,
                          "major_gridlines": {"visible": True}})
        height = 420
    chart.set_title({"name": chart_spec.title})
    chart.set_legend({"position": "bottom"} if chart_spec.kind == "line" else {"none": True})
    chart.set_size({"width": 760, "height": height})
    sheet.insert_chart(header, len(table.columns) + 1, chart)
