"""Hostile inputs, round three (issue 20): files that were read wrong without a word are now
refused at their line or read right, through the CLI on a copy of the example project."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).parents[1] / "fixtures"
DATA = "data/2024"


@pytest.fixture
def exempel(tmp_path) -> Path:
    target = tmp_path / "exempelkommun"
    copy_fixture(FIXTURES / "exempelkommun", target)
    return target


def run(*args: str):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def replace_in(project: Path, file: str, old: str, new: str, encoding: str = "utf-8") -> None:
    path = project / DATA / file
    text = path.read_bytes().decode(encoding)
    assert text.count(old) == 1, old
    path.write_bytes(text.replace(old, new).encode(encoding))


def refused(project: Path) -> str:
    result = run("check", "2024", "-p", str(project), "-q")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def ledger_total_ore(project: Path) -> int:
    result = run("load", "2024", "-p", str(project), "-q")
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
        return con.execute("SELECT sum(belopp_ore) FROM ledger WHERE ar = 2024").fetchall()[0][0]


# -- dates: the documented forms, the whole field -------------------------------------------

@pytest.mark.parametrize("written", ["2024083", "2024 8 3", "2024-8-3", "202408030"])
def test_a_date_outside_the_documented_forms_is_an_error_at_its_line(exempel, written):
    replace_in(exempel, "aktivitet/sabo_2024.csv", "440919-8530;sabo;2024-08-30;",
               f"440919-8530;sabo;{written};", "utf-8-sig")
    assert (f"data/2024/aktivitet/sabo_2024.csv:2: Från: fann '{written}': väntade ett datum "
            "ÅÅÅÅ-MM-DD eller ÅÅÅÅMMDD") in refused(exempel)


# -- numbers: thousands separators only between groups of three ----------------------------

@pytest.mark.parametrize("written", ["-2 7435,74", "-274 35,74", "-27 4 35,74", "-27435 ,74"])
def test_a_misplaced_thousands_separator_is_an_error_never_dropped(exempel, written):
    replace_in(exempel, "ledger/huvudbok_2024_ifo_ami.csv", "202401;3050;900;740;;INTERN;-27 435,74",
               f"202401;3050;900;740;;INTERN;{written}")
    output = refused(exempel)
    assert f"data/2024/ledger/huvudbok_2024_ifo_ami.csv:2: Utfall: fann '{written}': " in output


def test_a_misplaced_separator_is_named_in_the_message(exempel):
    replace_in(exempel, "ledger/huvudbok_2024_ifo_ami.csv", "202401;3050;900;740;;INTERN;-27 435,74",
               "202401;3050;900;740;;INTERN;-2 7435,74")
    assert ("huvudbok_2024_ifo_ami.csv:2: Utfall: fann '-2 7435,74': väntade ett belopp med "
            "tusentalsavgränsare (mellanslag) bara mellan grupper om tre siffror, som "
            "1 234 567,50") in refused(exempel)


def test_points_between_groups_of_three_are_read_in_a_declared_comma_file(exempel):
    before = ledger_total_ore(exempel)
    (exempel / "kpb.toml").write_text((exempel / "kpb.toml").read_text().replace(
        "[kalla.ledger]\n", '[kalla.ledger]\ndecimal = ","\n'))
    replace_in(exempel, "ledger/huvudbok_2024_ifo_ami.csv", "202401;4530;630;711;;;793 600,00",
               "202401;4530;630;711;;;793.600,00")
    assert ledger_total_ore(exempel) == before


# -- SIE: labels in any case, amounts split by spaces named as amounts ---------------------

def with_sie_ledger(project: Path) -> Path:
    """The example's ledger as its SIE 4 variant (code page 437, CRLF)."""
    for csv in (project / DATA / "ledger").glob("*.csv"):
        csv.unlink()
    shutil.copy(project / "varianter/sie/huvudbok_2024.se", project / DATA / "ledger")
    return project


SIE_LINE = '   #TRANS 6110 {1 "110" 20 "500"} 135607.47 20240131'


@pytest.mark.parametrize("label", ["#trans", "#Trans"])
def test_a_lower_case_sie_label_is_read_like_the_upper_case_one(exempel, label):
    project = with_sie_ledger(exempel)
    before = ledger_total_ore(project)
    (project / "kpb.duckdb").unlink()
    replace_in(project, "ledger/huvudbok_2024.se", SIE_LINE,
               SIE_LINE.replace("#TRANS", label), "cp437")
    replace_in(project, "ledger/huvudbok_2024.se", "#VER \"A\" 2 20240131",
               "#ver \"A\" 2 20240131", "cp437")
    assert ledger_total_ore(project) == before


def test_a_sie_amount_split_by_a_space_is_blamed_on_the_amount(exempel):
    project = with_sie_ledger(exempel)
    sie = (project / DATA / "ledger/huvudbok_2024.se").read_text(encoding="cp437")
    line = sie.splitlines().index(SIE_LINE) + 1  # the file's line, as an editor counts it
    replace_in(project, "ledger/huvudbok_2024.se", SIE_LINE,
               SIE_LINE.replace("135607.47", "135 607.47"), "cp437")
    output = refused(project)
    assert (f"data/2024/ledger/huvudbok_2024.se:{line}: #TRANS: fann beloppet '135 607.47' delat av "
            "mellanslag: väntade beloppet som ett fält utan mellanslag (135607.47), eller inom "
            "citattecken") in output
    assert "period" not in output.lower()


# -- XLSX: the declared range never cuts rows, a hidden sheet never counts -------------------

def csv_as_workbook(project: Path, name: str, hidden_copy: bool = False,
                    declared: str | None = None) -> Path:
    """A ledger CSV of the example saved as the XLSX an ekonomisystem would export: numbers
    in number cells, with a hidden copy of the data and a stale declared range if asked."""
    csv = project / DATA / "ledger" / f"{name}.csv"
    rows = [line.split(";") for line in csv.read_text(encoding="utf-8").splitlines()]
    csv.unlink()
    workbook = openpyxl.Workbook()
    sheets = [workbook.active] + ([workbook.create_sheet("Kopia")] if hidden_copy else [])
    for sheet in sheets:
        sheet.append(rows[0])
        for row in rows[1:]:
            amount = float(row[-1].replace(" ", "").replace(",", "."))
            sheet.append([int(row[0]), *row[1:-1], amount])
    if hidden_copy:
        sheets[1].sheet_state = "hidden"
    path = csv.with_suffix(".xlsx")
    workbook.save(path)
    if declared:
        with zipfile.ZipFile(path) as old:
            parts = [(item, old.read(item.filename)) for item in old.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            for item, data in parts:
                new.writestr(item, re.sub(rb'<dimension ref="[^"]*"',
                                          f'<dimension ref="{declared}"'.encode(), data))
    return path


@pytest.mark.parametrize("declared", ["A1:F20", "A1"])
def test_an_xlsx_ledger_with_a_stale_declared_range_is_read_whole(exempel, declared):
    before = ledger_total_ore(exempel)
    (exempel / "kpb.duckdb").unlink()
    csv_as_workbook(exempel, "huvudbok_2024_ifo_ami", declared=declared)
    assert ledger_total_ore(exempel) == before


def test_a_hidden_copy_sheet_is_not_counted_and_is_named(exempel):
    before = ledger_total_ore(exempel)
    (exempel / "kpb.duckdb").unlink()
    csv_as_workbook(exempel, "huvudbok_2024_ifo_ami", hidden_copy=True)
    result = run("load", "2024", "-p", str(exempel))
    assert result.exit_code == 0, result.output
    assert ("data/2024/ledger/huvudbok_2024_ifo_ami.xlsx: varning: det dolda bladet 'Kopia' "
            "lästes inte") in result.output
    assert ledger_total_ore(exempel) == before
