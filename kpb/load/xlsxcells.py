"""What the values reader does not say about an XLSX sheet, read from the sheet's own XML.

calamine (xlsxfile.py) hands over each cell's saved value; three kinds of cell would reach
kpb as an empty value without a word, so they are found here, in the XML itself:

- merged cells (`<mergeCell ref="A2:A3"/>`): only the first cell holds the value;
- a formula without a saved value (`<c><f>C2*2</f></c>`, written by a program that does not
  calculate; a formula whose saved value is the empty text has `t="str"` and is fine);
- an error value (`<c t="e"><v>#DIV/0!</v></c>`).

The sheet is first scanned in chunks with two regexes (cheap); only a sheet holding a formula
or an error value is parsed cell by cell, and rows are dropped as soon as they are read.
Neither pass looks at the declared range (`<dimension>`), which writers leave stale.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import NamedTuple
from xml.etree import ElementTree

# tags may carry a prefix (`<x:c>`, as the .NET SDK writes them); Strict OOXML has other
# namespaces: both regexes and the parser look at local names only
MERGED = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[ >/]|<(?:\w+:)?c [^>]*t="e"')
CHUNK = 1 << 20
CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


class Cell(NamedTuple):
    """A cell whose value would be read as empty: where it is and what it holds instead."""
    line: int          # the sheet row
    column: int        # 1 = A
    coordinate: str    # "C3"
    formula: str | None  # the formula without a saved value, or None
    error_value: str | None  # "#DIV/0!", or None


def sheet_paths(path) -> dict[str, str]:
    """Each sheet's name -> its XML member in the archive (from workbook.xml and its rels)."""
    with zipfile.ZipFile(path) as archive:
        workbook = _office_document(archive)
        folder = posixpath.dirname(workbook)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        targets = {rel.get("Id"): _member(folder, rel.get("Target", ""))
                   for rel in _named(ElementTree.fromstring(archive.read(rels_name)),
                                     "Relationship")}
        sheets = _named(ElementTree.fromstring(archive.read(workbook)), "sheet")
        return {sheet.get("name"): targets.get(_relationship_id(sheet), "") for sheet in sheets}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _named(root, name: str) -> list:
    return [element for element in root.iter() if _local(element.tag) == name]


def _relationship_id(sheet) -> str | None:
    return next((value for key, value in sheet.attrib.items()
                 if key.startswith("{") and _local(key) == "id"), None)


def _office_document(archive: zipfile.ZipFile) -> str:
    try:
        rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    except KeyError:
        return "xl/workbook.xml"
    for rel in _named(rels, "Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return _member("", rel.get("Target", ""))
    return "xl/workbook.xml"


def _member(folder: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(folder, target))


def scan(path, member: str) -> tuple[list[str], bool]:
    """The merged ranges of a sheet and whether it holds a formula or an error value."""
    merged, suspect, tail = [], False, b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as xml:
        while chunk := xml.read(CHUNK):
            text = tail + chunk
            suspect = suspect or bool(FORMULA_OR_ERROR.search(text))
            cut = max(0, len(text) - 200)  # a tag split between chunks is seen in the next one
            merged += [m.group(1).decode() for m in MERGED.finditer(text) if m.start() < cut]
            tail = text[cut:]
    merged += [m.group(1).decode() for m in MERGED.finditer(tail)]
    return merged, suspect


def empty_looking_cells(path, member: str) -> list[Cell]:
    """Formulas without a saved value and error values, parsed cell by cell."""
    found: list[Cell] = []
    line, column, sheet_data = 0, 0, None
    with zipfile.ZipFile(path) as archive, archive.open(member) as xml:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "sheetData":
                    sheet_data = element
                elif tag == "row":  # r may be left out: then it is the next row
                    line, column = int(element.get("r") or line + 1), 0
                continue
            if tag == "c":
                line, column = _position(element.get("r"), line, column + 1)
                cell = _empty_looking(element, line, column)
                found += [cell] if cell else []
            elif tag == "row" and sheet_data is not None:
                sheet_data.clear()  # rows are never kept: a million of them fit in little
    return found


def _position(ref: str | None, line: int, column: int) -> tuple[int, int]:
    match = CELL_REF.fullmatch(ref or "")
    if not match:
        return line, column
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return int(match.group(2)), number


def _empty_looking(cell, line: int, column: int) -> Cell | None:
    children = {_local(child.tag): child for child in cell}
    formula, value = children.get("f"), children.get("v")
    coordinate = f"{column_letters(column)}{line}"
    if cell.get("t") == "e":
        return Cell(line, column, coordinate, None, value.text if value is not None else "")
    unsaved = value is None or (not value.text and cell.get("t") != "str")
    if formula is not None and unsaved:
        return Cell(line, column, coordinate, formula.text or "", None)
    return None


def column_letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
