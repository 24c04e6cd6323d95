"""Load messages: masked values in every message, pseudonym mode checks, no silent coercions."""


import openpyxl
import polars as pl
import pyarrow as pa
import pytest

from kpb.errors import KpbError
from kpb.load import csvtext, load_year
from kpb.load.personnummer import mask_within
from kpb.load.problems import Check, failures, problems_of
from kpb.project import Project

from builders import TEST_KEY, write_project

PNR = "196408233234"  # valid (the KPB method's test vector 640823-3234)
REDAN = "[pseudonym]\nredan_pseudonym = true\n"


@pytest.fixture(autouse=True)
def key_from_environment(monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)


project = write_project  # the project builder shared by the load tests


def load_problems(project: Project) -> list[str]:
    with pytest.raises(KpbError) as raised:
        load_year(project, 2024)
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize("text, expected", [
    ("196408233234", "19640823-****"), ("640823-3234", "640823-****"),
    ("19640823+3234", "19640823-****"), ("6408233234", "640823-****"),
    ("pnr 640823-3234 och 701063-2391", "pnr 640823-**** och 701063-****"),
    ("1500,50", "1500,50"), ("2024-01-15", "2024-01-15"), ("12345678901234", "12345678901234"),
])
def test_mask_within_hides_every_number_shaped_like_a_personnummer(text, expected):
    assert mask_within(text) == expected


def test_a_check_quotes_its_values_masked_by_default():
    frame = pl.DataFrame({"kalla_rad": [2, 3], "_raw_from": [PNR, "x"],
                          "_fel_from": ["väntade ett datum", "väntade ett datum"]})
    check = Check("from", "_fel_from", "_raw_from")
    messages = [str(p) for p in problems_of("a.csv", [failures(frame, check)])]
    assert messages == ["a.csv:2: from: fann '19640823-****': väntade ett datum",
                        "a.csv:3: from: fann 'x': väntade ett datum"]


def test_a_personnummer_in_a_shifted_column_is_masked_in_the_error(tmp_path):
    text = f"person;insats;from\n640823-3234;hemtjanst;{PNR}\n"
    messages = load_problems(project(tmp_path, **{"aktivitet/a.csv": text}))
    assert messages == ["data/2024/aktivitet/a.csv:2: from: fann '19640823-****': "
                        "väntade ett datum ÅÅÅÅ-MM-DD eller ÅÅÅÅMMDD"]


def test_a_file_without_header_row_does_not_show_the_number_it_starts_with(tmp_path):
    text = f"{PNR};hemtjanst;2024-01-01\n"
    messages = load_problems(project(tmp_path, **{"aktivitet/a.csv": text}))
    assert messages and all("3234" not in message for message in messages)
    assert "19640823-****" in messages[0]


def test_pseudonym_mode_refuses_a_valid_personnummer_and_masks_it(tmp_path):
    text = ("person;insats;from\nabc123;a;2024-01-01\n640823-3234;a;2024-01-01\n"
            f"{PNR};a;2024-01-02\n")
    messages = load_problems(project(tmp_path, REDAN, **{"aktivitet/a.csv": text}))
    assert messages == [
        "data/2024/aktivitet/a.csv:3: person: fann '640823-****': ser ut som ett personnummer: "
        "väntade en pseudonym",
        "data/2024/aktivitet/a.csv:4: person: fann '19640823-****': ser ut som ett "
        "personnummer: väntade en pseudonym"]


def test_pseudonym_mode_still_hashes_hushall(tmp_path):
    text = f"person;insats;from;hushall\nabc;a;2024-01-01;{PNR}\ndef;a;2024-01-01;\n"
    loaded = load_year(project(tmp_path, REDAN, **{"aktivitet/a.csv": text}), 2024)
    households = loaded.aktivitet["hushall"].to_list()
    assert len(households[0]) == 20 and "3234" not in households[0] and households[1] == ""


def test_pseudonym_mode_bad_kon_and_fodelsear_are_errors(tmp_path):
    text = ("person;insats;from;Kön;fodelsear\nabc;a;2024-01-01;x;1950\n"
            "def;a;2024-01-01;m;19x0\nghi;a;2024-01-01;;\n")
    toml = REDAN + '[kalla.aktivitet]\nkolumner = { kon = "Kön" }\n'
    messages = load_problems(project(tmp_path, toml, **{"aktivitet/a.csv": text}))
    assert messages == [
        "data/2024/aktivitet/a.csv:2: Kön: fann 'x': väntade K, M eller tomt",
        "data/2024/aktivitet/a.csv:3: fodelsear: fann '19x0': väntade ett födelseår ÅÅÅÅ"]


def test_pseudonym_mode_good_kon_and_fodelsear_are_kept(tmp_path):
    text = "person;insats;from;kon;fodelsear\nabc;a;2024-01-01; m ;1950\ndef;a;2024-01-01;;\n"
    loaded = load_year(project(tmp_path, REDAN, **{"aktivitet/a.csv": text}), 2024)
    assert loaded.person.select("person_id", "kon", "fodelsear").rows() == [
        ("abc", "M", 1950), ("def", "", None)]


def test_csv_lines_shorter_than_the_header_are_errors(tmp_path):
    text = 'period;konto;belopp;ansvar\n202401;5010;1;\n202401;5010\n\n"202401";"5010";"1"\n'
    messages = load_problems(project(tmp_path, **{"ledger/hb.csv": text}))
    assert [m.split(" som ")[0] for m in messages] == [
        "data/2024/ledger/hb.csv:3: fann 2 fält, väntade 4",
        "data/2024/ledger/hb.csv:5: fann 3 fält, väntade 4"]


def test_csv_short_line_after_a_quoted_newline_has_its_own_line_number(tmp_path):
    text = 'period;konto;belopp;projekt\n202401;5010;1;"två\nrader"\n202401;5010\n'
    messages = load_problems(project(tmp_path, **{"ledger/hb.csv": text}))
    assert [m.split(" som ")[0] for m in messages] == [
        "data/2024/ledger/hb.csv:4: fann 2 fält, väntade 4"]


def test_many_short_lines_are_capped_with_a_summary(tmp_path):
    text = "period;konto;belopp\n" + "202401;5010\n" * 25
    messages = load_problems(project(tmp_path, **{"ledger/hb.csv": text}))
    assert len(messages) == 21 and messages[19].startswith("data/2024/ledger/hb.csv:21: fann 2")
    assert messages[20] == "data/2024/ledger/hb.csv:22: ... och 5 fler rader med fel antal fält"


def test_short_lines_are_still_found_when_pyarrow_refuses_the_file(tmp_path, monkeypatch):
    def refuse(text, separator):
        raise pa.ArrowInvalid("refused")
    monkeypatch.setattr(csvtext, "short_records", refuse)
    text = "period;konto;belopp\n202401;5010;1\n202401;5010\n"
    messages = load_problems(project(tmp_path, **{"ledger/hb.csv": text}))
    assert messages == ["data/2024/ledger/hb.csv:3: fann 2 fält, väntade 3 som rubrikraden"]


def test_undefined_cp1252_bytes_are_a_warning_naming_the_file(tmp_path):
    text = "period;konto;belopp;ansvar\n202401;5010;1;Äldre\n202401;5010;1;Fel\x81\n"
    loaded = load_year(project(tmp_path, **{"ledger/hb.csv": text.encode("cp1252", "ignore")
                                            .replace(b"Fel", b"Fel\x81")}), 2024)
    assert [str(w) for w in loaded.warnings] == [
        "data/2024/ledger/hb.csv:3: varning: 1 byte saknar tecken i Windows-1252 och "
        "ersattes med \ufffd"]


def test_xlsx_sheet_with_other_headers_is_an_error_naming_it(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["nyckel", "mottagare", "varde"])
    workbook.active.append(["lokalyta", "norr", 10])
    workbook.create_sheet("Blad2").append(["lokalyta", "soder", 20])
    workbook.create_sheet("Tomt")
    path = tmp_path / "data" / "2024" / "nycklar" / "n.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    messages = load_problems(project(tmp_path))
    assert messages == [
        "data/2024/nycklar/n.xlsx: bladet 'Blad2' har andra rubriker än 'Sheet' (fann "
        "lokalyta, soder, 20, väntade nyckel, mottagare, varde): kpb läser alla blad med data, "
        "ge bladet samma rubriker eller flytta det till en egen fil"]
