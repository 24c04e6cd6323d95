"""The report as one self-contained web page: every table of kpb.report.tables, SVG charts.

The page fetches nothing: styles are inline and the charts are static SVG drawn here, so it
opens offline, can be mailed as one file and prints to a clean PDF (print CSS below). Two
chart shapes (horizontal bars, one curve against a diagonal) are a few dozen lines of SVG;
a chart library would add a dependency and a JavaScript runtime for no gain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape
from pathlib import Path

from kpb.money import swedish_decimal
from kpb.report.disclosure import PROTECTED
from kpb.report.table_model import DELSUMMA
from kpb.report.tables import Table

STYLE = """
body { font-family: "Segoe UI", Calibri, Arial, sans-serif; margin: 2em auto; max-width: 110em;
       color: #1a1a1a; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 2px solid #2F5597; }
nav a { margin-right: 1em; color: #2F5597; white-space: nowrap; }
p.note { color: #444; font-style: italic; margin: 0.2em 0; font-size: 0.92em; max-width: 60em; }
p.text { margin: 0.4em 0; max-width: 60em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.82em; max-width: 100%; }
th, td { padding: 0.25em 0.3em; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #DCE6F1; text-align: left; font-weight: 600; overflow-wrap: break-word;
     hyphens: auto; }
td { overflow-wrap: break-word; }
td.tal { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
td.kod { overflow-wrap: anywhere; font-size: 0.92em; color: #333; }
/* a code breaks after its underscores first (<wbr>), inside a word only when a part is
   wider than its column */
tr.summa td { font-weight: bold; border-top: 1.5px solid #555; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
svg text { font-family: inherit; }
footer { margin-top: 3em; color: #666; font-size: 0.85em; }
@media screen and (max-width: 1300px) { table { font-size: 0.72em; } }
/* a narrow screen: every row a small card of label and value, never a sideways scroll;
   tables of many columns already below 1100 px */
@media screen and (max-width: 760px) {
  table, thead, tbody, tr, th, td { display: block; }
  thead { position: absolute; left: -9999px; }
  tr { border-bottom: 2px solid #2F5597; margin-bottom: 0.6em; }
  td, td.tal { text-align: left; white-space: normal; border: none; padding: 0.1em 0; }
  td::before { content: attr(data-rubrik) ": "; font-weight: 600; }
}
@media screen and (max-width: 1100px) {
  table.bred, table.bred thead, table.bred tbody, table.bred tr, table.bred th,
  table.bred td { display: block; }
  table.bred thead { position: absolute; left: -9999px; }
  table.bred tr { border-bottom: 2px solid #2F5597; margin-bottom: 0.6em; }
  table.bred td { text-align: left; white-space: normal; border: none; padding: 0.1em 0; }
  table.bred td::before { content: attr(data-rubrik) ": "; font-weight: 600; }
}
@media print {
  @page { size: A4 landscape; margin: 12mm 10mm; }
  body { margin: 0; max-width: none; font-size: 9pt; padding: 0; }
  nav { display: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  table { font-size: 7.5pt; }
  th, td { padding: 0.15em 0.3em; }
  h2 { break-after: avoid; margin-top: 0; }
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""
BAR_COLOUR = "#2F5597"
WIDE = 12  # a table of more columns is shown as cards on a screen below 1100 px
# columns of codes and pseudonyms: they may break anywhere rather than widen the table
CODE_LABELS = ("Kod", "Pool", "Pseudonym", "Från pool", "Till pool")


def write_html(path: Path, tables: list[Table], title: str, subtitle: str = "",
               workbook: str = "", created: dt.datetime | None = None) -> Path:
    """`workbook`: the name of the workbook written beside the page (kpb_2024.xlsx);
    `created`: when the year's outputs were written (ReportData.created)."""
    path.write_text(render_html(tables, title, subtitle, workbook, created), encoding="utf-8")
    return path


def render_html(tables: list[Table], title: str, subtitle: str = "", workbook: str = "",
                created: dt.datetime | None = None) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1>"]
    if subtitle:
        parts.append(f"<p>{escape(subtitle)}</p>")
    parts.append("<nav>" + " ".join(f'<a href="#{t.key}">{escape(t.sheet)}</a>'
                                    for t in tables) + "</nav>")
    parts += [_section(table) for table in tables]
    made = f"Skapad av kpb ur resultaten från {created.date().isoformat()}." if created else \
        "Skapad av kpb."
    book = (f"arbetsboken {escape(workbook)}" if workbook
            else "arbetsboken (.xlsx) som skrevs bredvid sidan")
    parts.append(f"<footer>{made} Samma tabeller, med formler och utskriftsformat, finns i "
                 f"{book}.</footer></body></html>")
    return "\n".join(parts) + "\n"


def _section(table: Table) -> str:
    parts = [f'<section id="{table.key}"><h2>{escape(table.title)}</h2>']
    parts += [f'<p class="text">{escape(text)}</p>' for text in table.texts]
    parts += [f'<p class="note">{escape(note)}</p>' for note in table.notes]
    if table.chart is not None and table.frame.height:
        parts.append(f'<figure class="diagram">{_svg(table)}</figure>')
    parts.append(_table(table))
    parts.append("</section>")
    return "\n".join(parts)


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(c.label)}</th>' for c in table.columns)
    frame = table.frame
    kinds = frame["format"].to_list() if "format" in frame.columns else None
    totals = frame[DELSUMMA].to_list() if DELSUMMA in frame.columns else [None] * frame.height
    hidden = set(table.disclosure.hide) if table.disclosure else set()
    rows = []
    for i, row in enumerate(frame.iter_rows(named=True)):  # a table of the report: few rows
        cells = []
        for column in table.columns:
            kind = kinds[i] if column.kind == "rad" else column.kind
            text = escape(format_value(row[column.name], kind))
            if kind == "text" and column.label in CODE_LABELS:
                text = text.replace("_", "_<wbr>").replace("/", "/<wbr>")
            if row.get(PROTECTED) and column.name in hidden:
                text = ".."
            label = escape(column.label, quote=True)
            style = "tal" if kind != "text" else "kod" if column.label in CODE_LABELS else ""
            style = f' class="{style}"' if style else ""
            cells.append(f'<td{style} data-rubrik="{label}">{text}</td>')
        row_class = ' class="summa"' if totals[i] is not None else ""
        rows.append(f"<tr{row_class}>" + "".join(cells) + "</tr>")
    wide = ' class="bred"' if len(table.columns) > WIDE else ""
    return (f'<div class="tabell"><table{wide}><thead><tr>{head}</tr></thead><tbody>'
            + "\n".join(rows) + "</tbody></table></div>")


def format_value(value, kind: str) -> str:
    """Swedish display: non-breaking space between thousands, decimal comma."""
    if value is None:
        return ""
    if kind == "text":
        return str(value)
    if kind == "andel":
        return _number(Decimal(str(value)) * 100, 1) + "\u00a0%"
    if kind == "heltal":
        return str(value)
    decimals = {"kr": 0, "kr_ore": 2, "tal": 2, "antal": 0, "volym": 3, "tal4": 4}[kind]
    text = _number(Decimal(str(value)), decimals)
    if kind == "volym" and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + (" kr" if kind in ("kr", "kr_ore") else "")


def _number(value: Decimal, decimals: int) -> str:
    return swedish_decimal(value, decimals, thousands="\u00a0", minus="−")


# -- charts --------------------------------------------------------------------------------

def _svg(table: Table) -> str:
    chart = table.chart
    categories = table.frame[chart.category].to_list()
    values = [None if v is None else float(v) for v in table.frame[chart.value].to_list()]
    if chart.kind == "bar":
        return bar_chart(chart.title, [str(c) for c in categories], values)
    shown = [(float(c), v) for c, v in zip(categories, values) if v is not None]
    return curve_chart(chart.title, [c for c, _ in shown], [v for _, v in shown],
                       chart.category_label, chart.value_label)


def bar_chart(title: str, labels: list[str], values: list[float | None]) -> str:
    """Horizontal bars, one per label, with the amount in kronor at the end of each; a value
    withheld for publication (None) is drawn as `..` without a bar."""
    label_width, bar_width, row, top = 260, 420, 26, 34
    width, height = label_width + bar_width + 140, top + row * len(labels) + 10
    largest = max([abs(v) for v in values if v is not None] + [1])
    items = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        items.append(f'<text x="{label_width - 8}" y="{y + 16}" font-size="12" '
                     f'text-anchor="end">{escape(_short(label, 40))}</text>')
        if value is None:
            items.append(f'<text x="{label_width + 6}" y="{y + 16}" font-size="12">..</text>')
            continue
        length = max(bar_width * abs(value) / largest, 1)
        items.append(f'<rect class="stapel" x="{label_width}" y="{y + 3}" '
                     f'width="{length:.1f}" height="{row - 8}" fill="{BAR_COLOUR}"/>')
        items.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="12">'
                     f'{escape(format_value(value, "kr"))}</text>')
    items.append("</svg>")
    return "".join(items)


def curve_chart(title: str, xs: list[float], ys: list[float], x_label: str,
                y_label: str) -> str:
    """y against x on [0, 1] × [0, 1] with the diagonal for reference (a Lorenz curve)."""
    left, top, size = 60, 34, 320
    width, height = left + size + 40, top + size + 56
    def px(x): return left + x * size
    def py(y): return top + size - y * size
    items = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for step in range(6):
        tick = step / 5
        items.append(f'<line x1="{px(0)}" y1="{py(tick):.1f}" x2="{px(1)}" y2="{py(tick):.1f}" '
                     'stroke="#e4e4e4"/>')
        items.append(f'<text x="{left - 6}" y="{py(tick) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{step * 20} %</text>')
        items.append(f'<text x="{px(tick):.1f}" y="{top + size + 16}" font-size="11" '
                     f'text-anchor="middle">{step * 20} %</text>')
    items.append(f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" '
                 'stroke="#888"/>')
    items.append(f'<line class="diagonal" x1="{px(0)}" y1="{py(0)}" x2="{px(1)}" y2="{py(1)}" '
                 'stroke="#999" stroke-dasharray="5,4"/>')
    points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys))
    items.append(f'<polyline class="kurva" points="{points}" fill="none" '
                 f'stroke="{BAR_COLOUR}" stroke-width="2.5"/>')
    items.append(f'<text x="{left + size / 2}" y="{height - 8}" font-size="12" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    items.append(f'<text x="14" y="{top + size / 2}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + size / 2})">{escape(y_label)}</text>')
    items.append("</svg>")
    return "".join(items)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
