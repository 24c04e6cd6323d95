"""XLSX ledgers: every sheet with data read, decimal comma in text cells, no empty formulas
or merged cells taken as empty values."""

import re
import zipfile

import openpyxl
import pytest

from kpb.errors import KpbError
from kpb.load import load_year

from builders import write_project

HEADER = ["Period", "Konto", "Belopp"]


def workbook_project(tmp_path, sheets: dict[str, list[list]], toml: str = "",
                     edit=lambda workbook: None):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    edit(workbook)
    project = write_project(tmp_path, toml, **{"ledger/hb.csv": ""})
    (tmp_path / "data/2024/ledger/hb.csv").unlink()
    workbook.save(tmp_path / "data/2024/ledger/hb.xlsx")
    return project


def errors_of(project) -> list[str]:
    with pytest.raises(KpbError) as raised:
        load_year(project, 2024)
    return [str(p) for p in raised.value.errors]


def test_every_sheet_with_the_same_headers_is_read(tmp_path):
    project = workbook_project(tmp_path, {
        "Jan-Jun": [HEADER, [202401, 5010, 100.5], [202402, 5010, 200]],
        "Jul-Dec": [HEADER, [202407, 5010, 300]], "Tomt": []})
    loaded = load_year(project, 2024)
    assert loaded.ledger.select("kalla_fil", "kalla_rad", "belopp_ore").rows() == [
        ("data/2024/ledger/hb.xlsx[Jan-Jun]", 2, 10050),
        ("data/2024/ledger/hb.xlsx[Jan-Jun]", 3, 20000),
        ("data/2024/ledger/hb.xlsx[Jul-Dec]", 2, 30000)]
    assert loaded.warnings == []


def test_a_bad_value_on_a_later_sheet_names_the_sheet(tmp_path):
    project = workbook_project(tmp_path, {"A": [HEADER, [202401, 5010, 1]],
                                          "B": [HEADER, [202401, 5010, "tio"]]})
    assert errors_of(project)[0].startswith("data/2024/ledger/hb.xlsx[B]:2: Belopp: fann 'tio'")


@pytest.mark.parametrize("decimal", [",", "auto"])
def test_decimal_comma_text_cells_are_read_when_kpb_toml_allows_them(tmp_path, decimal):
    project = workbook_project(tmp_path, {"Blad1": [HEADER, [202401, 5010, "1 234,50"],
                                                    [202401, 5010, 99.25]]},
                               f'[kalla.ledger]\ndecimal = "{decimal}"\n')
    assert load_year(project, 2024).ledger["belopp_ore"].to_list() == [123450, 9925]


def test_a_declared_decimal_point_still_refuses_a_comma(tmp_path):
    project = workbook_project(tmp_path, {"Blad1": [HEADER, [202401, 5010, "1,5"]]},
                               '[kalla.ledger]\ndecimal = "."\n')
    assert errors_of(project)[0].startswith("data/2024/ledger/hb.xlsx:2: Belopp: fann '1,5'")


def test_a_formula_without_a_saved_value_is_an_error_at_its_cell(tmp_path):
    project = workbook_project(tmp_path, {"Blad1": [HEADER, [202401, 5010, 100],
                                                    [202401, 5020, "=C2*2"]]})
    assert errors_of(project) == [
        "data/2024/ledger/hb.xlsx:3: Belopp: cellen C3 är formeln '=C2*2' utan sparat värde: "
        "väntade ett värde (öppna filen i Excel och spara den, eller exportera värden)"]


def test_merged_cells_are_an_error_naming_the_range(tmp_path):
    project = workbook_project(
        tmp_path, {"Blad1": [HEADER, [202401, 5010, 100], [None, 5020, 50]]},
        edit=lambda workbook: workbook["Blad1"].merge_cells("A2:A3"))
    assert errors_of(project) == [
        "data/2024/ledger/hb.xlsx:2: cellerna A2:A3 är sammanfogade: väntade ett värde i varje "
        "cell (dela upp sammanfogningen och fyll i värdet i varje rad)"]


# -- what the declared range and hidden sheets must not change (issue 20) ------------------

def with_declared_range(project, ref: str):
    """The workbook rewritten with `<dimension ref=...>` as a stale writer leaves it."""
    path = project.root / "data/2024/ledger/hb.xlsx"
    with zipfile.ZipFile(path) as old:
        parts = [(item, old.read(item.filename)) for item in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item, data in parts:
            if item.filename.startswith("xl/worksheets/"):
                data, count = re.subn(rb'<dimension ref="[^"]*"',
                                      b'<dimension ref="%s"' % ref.encode(), data)
                assert count == 1
            new.writestr(item, data)
    return project


@pytest.mark.parametrize("ref", ["A1:C2", "A1", "A1:A1", "B2"])
def test_rows_past_a_stale_declared_range_are_read(tmp_path, ref):
    project = with_declared_range(workbook_project(tmp_path, {"Blad1": [
        HEADER, [202401, 5010, 100.5], [202402, 5010, "1 200,25"], [202403, 5020, -0.75]]},
        '[kalla.ledger]\ndecimal = "auto"\n'), ref)
    loaded = load_year(project, 2024)
    assert loaded.ledger.select("kalla_rad", "belopp_ore").rows() == [
        (2, 10050), (3, 120025), (4, -75)]


def test_a_hidden_sheet_is_not_read_and_is_named_in_a_warning(tmp_path):
    rows = [HEADER, [202401, 5010, 100], [202402, 5010, 200]]

    def hide(workbook):
        workbook["Kopia"].sheet_state = "hidden"
        workbook["Gammal"].sheet_state = "veryHidden"
        workbook["Tom"].sheet_state = "hidden"

    project = workbook_project(tmp_path, {"Blad1": rows, "Kopia": rows,
                                          "Gammal": [HEADER, [202401, 9, 1]], "Tom": []},
                               edit=hide)
    loaded = load_year(project, 2024)
    assert loaded.ledger.select("kalla_fil", "belopp_ore").rows() == [
        ("data/2024/ledger/hb.xlsx", 10000), ("data/2024/ledger/hb.xlsx", 20000)]
    assert [str(w) for w in loaded.warnings] == [
        "data/2024/ledger/hb.xlsx: varning: de dolda bladen 'Kopia', 'Gammal' lästes inte (kpb läser "
        "bara synliga blad, en dold kopia skulle räkna pengarna två gånger): visa bladet i "
        "Excel om dess rader ska läsas, annars ta bort det"]


def test_a_workbook_whose_data_is_only_on_hidden_sheets_is_an_error(tmp_path):
    def hide(workbook):
        workbook["Data"].sheet_state = "hidden"

    project = workbook_project(tmp_path, {"Tomt": [], "Data": [HEADER, [202401, 5010, 1]]},
                               edit=hide)
    assert errors_of(project) == [
        "data/2024/ledger/hb.xlsx: arbetsboken är tom (bara dolda blad har data), väntade en "
        "rubrikrad och data på ett synligt blad"]


def test_an_error_value_is_an_error_at_its_cell_never_an_empty_value(tmp_path):
    project = workbook_project(tmp_path, {"Blad1": [HEADER, [202401, 5010, 100],
                                                    [202401, 5020, "=1/0"]]})
    path = tmp_path / "data/2024/ledger/hb.xlsx"
    with zipfile.ZipFile(path) as old:
        parts = [(item, old.read(item.filename)) for item in old.infolist()]
    with zipfile.ZipFile(path, "w") as new:
        for item, data in parts:  # the value Excel saves for a division by zero
            new.writestr(item, re.sub(rb'<c r="C3"[^>]*><f>1/0</f><v ?/>',
                                      b'<c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v>', data))
    assert errors_of(project) == [
        "data/2024/ledger/hb.xlsx:3: Belopp: cellen C3 har felvärdet '#DIV/0!': väntade ett "
        "värde (rätta formeln i Excel, eller exportera värden)"]


def test_a_file_that_is_no_workbook_is_an_error_naming_it(tmp_path):
    project = workbook_project(tmp_path, {"Blad1": [HEADER]})
    (tmp_path / "data/2024/ledger/hb.xlsx").write_bytes(b"Period;Konto;Belopp\n")
    assert errors_of(project) == [
        "data/2024/ledger/hb.xlsx: kunde inte läsas som XLSX (BadZipFile)"]


def test_cells_are_checked_in_a_sheet_written_with_prefixed_tags(tmp_path):
    """The .NET OpenXML SDK writes `<x:c>`: a merged range is found all the same."""
    project = workbook_project(
        tmp_path, {"Blad1": [HEADER, [202401, 5010, 100], [None, 5020, 50]]},
        edit=lambda workbook: workbook["Blad1"].merge_cells("A2:A3"))
    path = tmp_path / "data/2024/ledger/hb.xlsx"
    with zipfile.ZipFile(path) as old:
        parts = [(item, old.read(item.filename)) for item in old.infolist()]
    with zipfile.ZipFile(path, "w") as new:
        for item, data in parts:
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<(/?)([A-Za-z]+)([ />])", rb"<\1x:\2\3", data).replace(
                    b'<x:worksheet xmlns="', b'<x:worksheet xmlns:x="')
            new.writestr(item, data)
    assert errors_of(project) == [
        "data/2024/ledger/hb.xlsx:2: cellerna A2:A3 är sammanfogade: väntade ett värde i varje "
        "cell (dela upp sammanfogningen och fyll i värdet i varje rad)"]
