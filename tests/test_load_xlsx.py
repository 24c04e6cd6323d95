"""XLSX ledgers: every sheet with data read, decimal comma in text cells, no empty formulas
or merged cells taken as empty values."""

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
