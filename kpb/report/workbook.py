"""The report as an Excel workbook: one sheet per table of kpb.report.tables, native charts.

Number formats are written in Excel's locale-neutral code (`#,##0 "kr"`); Excel shows them
in the reader's locale, so Swedish Excel displays `1 234 567 kr` and `1 234,56`. Cells hold
the exact values (money to the öre); the format only decides how many decimals are shown.

Every sheet prints as it shows: A4 landscape, fitted to the page width, the header row
repeated on every page, the print area over the table (and its chart, on a page of its own),
the report's title (kommun and year) in the page header and the page number in the footer.
Totals and subtotals are SUBTOTAL formulas over their rows with the exact value cached, so
they show before Excel recalculates and stay true when a reader filters or edits a row.
The file is the same, byte for byte, for the same tables and creation time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from kpb.report.disclosure import PROTECTED
from kpb.report.table_model import DELSUMMA
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
TEXT_WIDTH = 40  # a longer text wraps in its cell (Excel fits the row's height)
NOTE_WIDTH = 110  # characters a definition may take before it wraps (landscape A4)
A4 = 9  # Excel's paper code
# Without a creation time from the run the workbook still gets a fixed one, so that two runs
# over the same outputs write the same bytes.
FIXED_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def write_workbook(path: Path, tables: list[Table], title: str = "",
                   created: dt.datetime | None = None) -> Path:
    """`created`: when the year's outputs were written (ReportData.created)."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"title": title, "author": "kpb", "comments": "Skapad av kpb",
                             "created": _naive_utc(created or FIXED_CREATED)})
    formats = _formats(workbook)
    for table in tables:
        _write_sheet(workbook, formats, table, title)
    workbook.close()
    return path


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _formats(workbook) -> dict:
    formats = {kind: workbook.add_format({"num_format": code, "valign": "top"})
               for kind, code in NUMBER_FORMATS.items()}
    formats["text"] = workbook.add_format({"valign": "top"})
    formats |= {f"{kind}_summa": workbook.add_format({"num_format": code, "bold": True,
                                                       "top": 1, "valign": "top"})
                for kind, code in NUMBER_FORMATS.items()}
    formats["text_summa"] = workbook.add_format({"bold": True, "top": 1, "valign": "top"})
    formats["text_lang"] = workbook.add_format({"text_wrap": True, "valign": "top"})
    formats["text_summa_lang"] = workbook.add_format({"bold": True, "top": 1, "text_wrap": True,
                                                      "valign": "top"})
    formats["protected"] = workbook.add_format({"align": "right", "font_color": "#666666"})
    formats["title"] = workbook.add_format({"bold": True, "font_size": 14})
    formats["note"] = workbook.add_format({"italic": True, "font_color": "#444444",
                                           "text_wrap": True, "valign": "top"})
    formats["paragraph"] = workbook.add_format({"text_wrap": True, "valign": "top"})
    formats["header"] = workbook.add_format({"bold": True, "bg_color": "#DCE6F1",
                                             "bottom": 1, "text_wrap": True,
                                             "valign": "top"})
    return formats


def _write_sheet(workbook, formats: dict, table: Table, title: str) -> None:
    sheet = workbook.add_worksheet(table.sheet[:31])
    sheet.write_string(0, 0, table.title, formats["title"])
    header = len(table.texts) + len(table.notes) + 2
    frame = table.frame
    protected = frame[PROTECTED].to_list() if PROTECTED in frame.columns else [False] * frame.height
    hidden = set(table.disclosure.hide) if table.disclosure else set()
    subtotals = (frame[DELSUMMA].to_list() if DELSUMMA in frame.columns
                 else [None] * frame.height)
    widths, lines = [], {}  # lines: rows with wrapped text, their height in lines
    for c, column in enumerate(table.columns):
        sheet.write_string(header, c, column.label, formats["header"])
        values = frame[column.name].to_list()
        kinds = (frame["format"].to_list() if column.kind == "rad"
                 else [column.kind] * len(values))
        withheld = [bool(hide) and column.name in hidden for hide in protected]
        width = min(len(column.label) + 2, 16)  # a long label wraps in its header cell
        for i, (value, kind) in enumerate(zip(values, kinds)):
            r = header + 1 + i
            style = formats[f"{kind}_summa" if subtotals[i] is not None else kind]
            if withheld[i]:
                sheet.write_string(r, c, "..", formats["protected"])
                continue
            if value is None or value == "":
                if subtotals[i] is not None:
                    sheet.write_blank(r, c, None, style)
                continue
            if kind == "text" or isinstance(value, bool) or not isinstance(
                    value, (int, float, Decimal)):
                text = str(value)  # dates and other values from `kpb sql` as text
                long = "_lang" if len(text) + 2 > TEXT_WIDTH else ""
                sheet.write_string(r, c, text, formats[("text_summa" if subtotals[i] is not None
                                                        else "text") + long])
                width = max(width, min(len(text) + 2, TEXT_WIDTH))
                if long:
                    lines[r] = max(lines.get(r, 1), -(-len(text) // (TEXT_WIDTH - 4)))
                continue
            number = float(value) if isinstance(value, Decimal) else value
            span = subtotals[i]
            if span and column.name in table.sums and not any(withheld[i - span:i]):
                first = xl_rowcol_to_cell(r - span, c)
                last = xl_rowcol_to_cell(r - 1, c)
                sheet.write_formula(r, c, f"=SUBTOTAL(9,{first}:{last})", style, number)
            else:
                sheet.write_number(r, c, number, style)
            width = max(width, _shown_width(number, kind))
        widths.append(min(width, MAX_WIDTH))
        sheet.set_column(c, c, widths[-1])
    label_lines = [-(-len(column.label) // max(int(w) - 2, 1))
                   for column, w in zip(table.columns, widths)]
    sheet.set_row(header, 15 * max(label_lines + [1]))
    for r, count in lines.items():  # LibreOffice does not fit a wrapped row by itself
        sheet.set_row(r, 15 * count)
    _write_notes(sheet, formats, table, widths)
    last = header + frame.height
    sheet.freeze_panes(header + 1, 0)
    if frame.height:
        sheet.autofilter(header, 0, last, len(table.columns) - 1)
    last_row, last_column = last, len(table.columns) - 1
    if table.chart is not None and frame.height:
        last_row, chart_column = _chart(workbook, sheet, table, header, last, widths)
        last_column = max(last_column, chart_column)
    _page_setup(sheet, table, title, header, last_row, last_column)


def _write_notes(sheet, formats: dict, table: Table, widths: list[float]) -> None:
    """Each definition over the table's width, wrapped, so that it prints inside the page."""
    span = 0
    for count, width in enumerate(widths, start=1):
        span += width
        if span >= NOTE_WIDTH:
            break
    else:
        count = len(widths)
    span = max(span, 1)
    lines_of = [(text, formats["paragraph"]) for text in table.texts]
    lines_of += [(note, formats["note"]) for note in table.notes]
    for i, (note, style) in enumerate(lines_of, start=1):
        lines = max(1, -(-len(note) // int(span)))
        if count > 1:
            sheet.merge_range(i, 0, i, count - 1, note, style)
        else:
            sheet.write_string(i, 0, note, style)
        sheet.set_row(i, 15 * lines)


def _page_setup(sheet, table: Table, title: str, header: int, last_row: int,
                last_column: int) -> None:
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # the width of one page, as many pages down as needed
    sheet.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
    sheet.repeat_rows(header)
    sheet.print_area(0, 0, last_row, last_column)
    heading = _escape(title or table.title)
    sheet.set_header(f"&L&8{heading}&R&8{_escape(table.sheet)}")
    sheet.set_footer("&L&8Skapad av kpb&R&8Sida &P av &N")


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def _shown_width(number: float, kind: str) -> int:
    digits = len(f"{abs(number):,.0f}") + (1 if number < 0 else 0)
    extra = {"kr": 4, "kr_ore": 7, "tal": 4, "volym": 5, "andel": 3, "tal4": 6}.get(kind, 1)
    return digits + extra + 2


def _chart(workbook, sheet, table: Table, header: int, last: int,
           widths: list[float]) -> tuple[int, int]:
    """The chart below the table on a page of its own; returns the last row and column it
    covers (for the print area)."""
    chart_spec = table.chart
    frame = table.frame
    hidden = set(table.disclosure.hide) if table.disclosure else set()
    withheld = (frame[PROTECTED].fill_null(False).to_list()
                if PROTECTED in frame.columns and chart_spec.value in hidden
                else [False] * frame.height)
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
            # a withheld bar: its cell holds "..", so the bar is empty; its label says ..
            "data_labels": {"value": True, "num_format": NUMBER_FORMATS["kr"],
                            **({"custom": [{"value": ".."} if w else None for w in withheld]}
                               if any(withheld) else {})},
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
    width = 760
    chart.set_size({"width": width, "height": height})
    top = last + 2
    sheet.set_h_pagebreaks([top])
    sheet.insert_chart(top, 0, chart)
    covered, column = 0.0, 0
    for column, characters in enumerate(widths):  # Excel's pixels per column width
        covered += characters * 7 + 5
        if covered >= width:
            break
    else:
        column += -(-int(width - covered) // 64)  # default columns beyond the table
    return top + -(-height // 20) + 1, column
