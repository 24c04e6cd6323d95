"""Readers and parsing: encodings, separators, decimal marks, mappings, XLSX, warnings."""


import hashlib

import openpyxl
import polars as pl
import pytest

from kpb.errors import KpbError
from kpb.load import load_year

from builders import TEST_KEY, write_project

VALID = ["640823-3234", "811218-9876", "701063-2391", "750570-1834"]


@pytest.fixture(autouse=True)
def key_from_environment(monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)


project = write_project  # the project builder shared by the load tests


def test_cp1252_tab_separated_with_mapping_and_swedish_numbers(tmp_path):
    text = "Period\tKonto\tAnsvar\tUtfall\n202401\t5010\tÄldre\t1 234,50\n202402\t3110\t\t-50 000\n"
    loaded = load_year(project(tmp_path, '[kalla.ledger]\nkolumner = { belopp = "Utfall" }\n',
                               **{"ledger/hb.csv": text.encode("cp1252")}), 2024)
    assert loaded.ledger["belopp_ore"].to_list() == [123450, -5000000]
    assert loaded.ledger["ansvar"].to_list() == ["Äldre", ""]
    assert loaded.ledger["kalla_rad"].to_list() == [2, 3]
    files = loaded.files.row(0, named=True)
    assert (files["kodning"], files["separator"], files["rader"]) == ("cp1252", "\t", 2)


def test_utf8_bom_comma_separator_quoted_decimal_comma_and_blank_lines(tmp_path):
    text = '\ufeffperiod,konto,belopp\r\n202401,5010,"1\u00a0000,5"\r\n\r\n202403,5020,\u22127.25\r\n'
    loaded = load_year(project(tmp_path, **{"ledger/hb.csv": text}), 2024)
    assert loaded.ledger.select("kalla_rad", "belopp_ore").rows() == [(2, 100050), (4, -725)]


def test_quoted_newline_keeps_later_line_numbers_right(tmp_path):
    text = 'period;konto;belopp;projekt\n202401;5010;1;"två\nrader"\n202402;5010;fel;\n'
    with pytest.raises(KpbError) as raised:
        load_year(project(tmp_path, **{"ledger/hb.csv": text}), 2024)
    assert str(raised.value.errors[0]).startswith("data/2024/ledger/hb.csv:4: belopp:")


def test_declared_decimal_point_rejects_decimal_comma(tmp_path):
    text = "period;konto;belopp\n202401;5010;1,5\n"
    with pytest.raises(KpbError):
        load_year(project(tmp_path, '[kalla.ledger]\ndecimal = "."\n',
                          **{"ledger/hb.csv": text}), 2024)


def test_missing_column_names_mapping_and_found_columns(tmp_path):
    text = "Period;Konto;Summa\n202401;5010;1\n"
    with pytest.raises(KpbError) as raised:
        load_year(project(tmp_path, '[kalla.ledger]\nkolumner = { belopp = "Utfall" }\n',
                          **{"ledger/hb.csv": text}), 2024)
    message = str(raised.value.errors[0])
    assert message.startswith("data/2024/ledger/hb.csv:1: belopp:")
    assert "'Utfall'" in message and "'Summa'" in message


def test_aktivitet_values_and_defaults(tmp_path):
    text = ("person;insats;from;tom;timmar;antal\n"
            f"{VALID[0]};hemtjanst;20240101;;1 500,125;\n"
            f"{VALID[1]};larm;2024-07-15;2024-12-31;;2,5\n")
    loaded = load_year(project(tmp_path, **{"aktivitet/a.csv": text}), 2024)
    rows = loaded.aktivitet.select("timmar_milli", "antal_milli", "tom").rows()
    assert rows[0][:2] == (1500125, 1000) and rows[0][2] is None
    assert rows[1][:2] == (None, 2500)


def test_same_person_in_any_spelling_gets_one_person_id_with_attributes(tmp_path):
    aktivitet = f"person;insats;from\n{VALID[0]};a;2024-01-01\n196408233234;a;2024-01-02\n"
    direkt = "person;insats;datum;belopp\n6408233234;eb;2024-03-05;100\n"
    loaded = load_year(project(tmp_path, **{"aktivitet/a.csv": aktivitet,
                                            "direkt/d.csv": direkt}), 2024)
    assert loaded.aktivitet["person_id"].n_unique() == 1
    assert loaded.direkt["person_id"].to_list() == loaded.aktivitet["person_id"][:1].to_list()
    assert loaded.direkt["period"].to_list() == [202403]
    person = loaded.person.row(0, named=True)
    assert (person["kon"], person["fodelsear"], person["alder"], person["aldersgrupp"]) == (
        "M", 1964, 60, "20-64")


def test_invalid_id_as_warning_keeps_row_flagged(tmp_path):
    text = f"person;insats;from\n640823-3235;a;2024-01-01\n{VALID[1]};a;2024-01-01\n"
    loaded = load_year(project(tmp_path, '[pseudonym]\nogiltigt_id = "varning"\n',
                               **{"aktivitet/a.csv": text}), 2024)
    assert loaded.aktivitet["flagga"].to_list() == ["ogiltigt_id", ""]
    assert [p.line for p in loaded.warnings] == [2]
    assert "640823-3235" not in str(loaded.warnings[0])
    assert loaded.person.filter(pl.col("flagga") == "ogiltigt_id")["aldersgrupp"].to_list() == [
        "okänd"]


def test_existing_pseudonyms_are_kept_with_given_attributes(tmp_path):
    text = "person;insats;from;kon;fodelsear\nabc123;a;2024-01-01;k;1950\n"
    loaded = load_year(project(tmp_path, "[pseudonym]\nredan_pseudonym = true\n",
                               **{"aktivitet/a.csv": text}), 2024)
    assert loaded.person.select("person_id", "kon", "alder", "aldersgrupp").rows() == [
        ("abc123", "K", 74, "65-79")]


def test_xlsx_first_sheet_with_numbers_and_dates(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["nyckel", "mottagare", "varde"])
    sheet.append(["lokalyta", "norr", 1500.5])
    sheet.append(["lokalyta", "soder", 200])
    path = tmp_path / "data" / "2024" / "nycklar" / "n.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    loaded = load_year(project(tmp_path), 2024)
    assert loaded.nycklar.select("kalla_rad", "varde").rows() == [(2, "1500.5"), (3, "200")]


def test_missing_folders_give_empty_frames_with_the_schema(tmp_path):
    loaded = load_year(project(tmp_path), 2024)
    assert loaded.aktivitet.height == 0 and "timmar_milli" in loaded.aktivitet.columns
    assert loaded.person.schema["fodelsear"] == pl.Int32


def test_ragged_line_is_reported_with_its_line(tmp_path):
    text = "period;konto;belopp\n202401;5010;1\n202401;5010;1;extra\n"
    with pytest.raises(KpbError) as raised:
        load_year(project(tmp_path, **{"ledger/hb.csv": text}), 2024)
    assert str(raised.value.errors[0]).startswith("data/2024/ledger/hb.csv:3:")


@pytest.mark.parametrize("name", ["hb.csv", "hb [2024].csv", "hb*{1}?.csv"])
def test_a_file_parsed_from_disk_or_from_memory_gives_the_same_rows(tmp_path, name):
    """ASCII/UTF-8 files are parsed from disk, converted ones from memory, names Polars would
    take for a pattern from memory too: the rows, lines and SHA-256 are the same."""
    text = ('period;konto;ansvar;belopp\n202401;5010;"Hem\ntjänst";1 234,50\n\n'
            "202402;3110;Äldre;-50 000\n")
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    utf8 = load_year(project(tmp_path / "a", **{f"ledger/{name}": text.encode("utf-8")}), 2024)
    cp1252 = load_year(project(tmp_path / "b", **{"ledger/hb.csv": text.encode("cp1252")}), 2024)
    ours = pl.col("kalla_fil") == f"data/2024/ledger/{name}"  # beside the builder's hb.csv
    columns = ["kalla_rad", "ansvar", "belopp_ore"]
    assert utf8.ledger.filter(ours).select(columns).rows() == cp1252.ledger.select(
        columns).rows() == [(2, "Hem\ntjänst", 123450), (5, "Äldre", -5000000)]
    assert utf8.files.filter(ours)["sha256"].to_list() == [
        hashlib.sha256(text.encode("utf-8")).hexdigest()]
