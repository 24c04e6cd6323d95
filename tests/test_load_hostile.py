"""Hostile inputs at load (issue 8, phase 2): duplicate headers, personnummer in other text
columns, encodings, amounts too long to parse. Each problem is a located message."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.cli import main
from kpb.errors import KpbError
from kpb.load import load_year, parse, pseudonym

from builders import TEST_KEY, copy_fixture, write_project

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(autouse=True)
def key_from_environment(monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)


def errors_of(project) -> list[str]:
    with pytest.raises(KpbError) as raised:
        load_year(project, 2024)
    return [str(problem) for problem in raised.value.errors]


# -- duplicate headers ---------------------------------------------------------------------

@pytest.mark.parametrize("header", ["period;konto;ansvar;belopp;ansvar",
                                    "period;konto;Ansvar;belopp;ansvar",
                                    "period;konto;ANSVAR ;belopp;ansvar"])
def test_two_columns_with_the_same_header_are_an_error_naming_both(tmp_path, header):
    text = header + "\n202401;5010;100;12,00;200\n"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": text}))
    assert len(errors) == 1, errors
    assert errors[0].startswith("data/2024/ledger/hb.csv:1: ansvar: rubriken finns i kolumn "
                                "3 och 5"), errors


def test_a_mapped_header_that_is_also_there_in_another_case_is_an_error(tmp_path):
    text = "period;konto;Enhet;enhet;belopp\n202401;5010;100;200;12,00\n"
    toml = '[kalla.ledger]\nkolumner = { ansvar = "Enhet" }\n'
    errors = errors_of(write_project(tmp_path, toml, **{"ledger/hb.csv": text}))
    assert [e.split(": rubriken")[0] for e in errors] == ["data/2024/ledger/hb.csv:1: Enhet"]
    assert "kolumn 3 och 4" in errors[0]


def test_duplicate_headers_kpb_does_not_read_are_left_alone(tmp_path):
    text = "period;konto;belopp;kommentar;kommentar\n202401;5010;12,00;a;b\n"
    loaded = load_year(write_project(tmp_path, **{"ledger/hb.csv": text}), 2024)
    assert loaded.ledger["belopp_ore"].to_list() == [1200]


def test_duplicate_headers_in_xlsx_are_an_error_too(tmp_path):
    project = write_project(tmp_path)
    (tmp_path / "data/2024/ledger/hb.csv").unlink()
    book = openpyxl.Workbook()
    book.active.append(["period", "konto", "belopp", "Belopp"])
    book.active.append(["202401", "5010", "12", "13"])
    book.save(tmp_path / "data/2024/ledger/hb.xlsx")
    errors = errors_of(project)
    assert errors == ["data/2024/ledger/hb.xlsx:1: belopp: rubriken finns i kolumn 3 och 4 "
                      "('belopp', 'Belopp'): väntade varje kolumn en gång (ta bort eller döp om "
                      "den ena)"]


# -- amounts longer than Int64 can hold --------------------------------------------------------

@pytest.mark.parametrize("amount", ["9" * 16, "-" + "9" * 19 + ",99", "18446744073709551616",
                                    "1" + "0" * 30 + ".00"])
def test_an_amount_with_more_digits_than_int64_holds_is_refused_where_it_is(tmp_path, amount):
    text = f"period;konto;belopp\n202401;5010;1,00\n202401;5010;{amount}\n"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": text}))
    assert errors == [f"data/2024/ledger/hb.csv:3: belopp: fann {amount!r}: väntade ett belopp "
                      "med högst 15 siffror före decimaltecknet (kpb räknar belopp upp till "
                      "100 000 000 000,00 kr per rad)"]


@given(digits=st.text("0123456789", min_size=1, max_size=40), sign=st.sampled_from(["", "-"]),
       fraction=st.sampled_from(["", ",5", ",05"]))
@settings(max_examples=150, deadline=None)
def test_parsing_an_amount_never_wraps(digits, sign, fraction):
    frame = pl.DataFrame({"belopp": [sign + digits + fraction]})
    parsed = parse.money_ore(pl.col("belopp"), ",")
    for stage in parsed.stages:
        frame = frame.with_columns(**stage)
    value, problem = frame.select(parsed.value, parsed.error.alias("fel")).row(0)
    exact = Decimal(sign + digits + fraction.replace(",", ".")) * 100
    if problem is None:
        assert value == exact
    else:
        assert value is None and len(digits) > 15


# -- personnummer in other text columns ------------------------------------------------------

AKTIVITET = "person;insats;from;timmar;utforare\n"


def test_a_personnummer_as_utforare_is_an_error_with_the_number_masked(tmp_path):
    text = AKTIVITET + ("640823-3234;hemtjanst;2024-01-05;1;Hemtjänst Norr\n"
                        "640823-3234;hemtjanst;2024-01-06;1;811218-9876\n"
                        "640823-3234;hemtjanst;2024-01-07;1;Firma 198112189876\n")
    errors = errors_of(write_project(tmp_path, **{"aktivitet/a.csv": text}))
    assert [e.split(": fann")[0] for e in errors] == ["data/2024/aktivitet/a.csv:3: utforare",
                                                     "data/2024/aktivitet/a.csv:4: utforare"]
    assert "fann '811218-****'" in errors[0] and "fann 'Firma 19811218-****'" in errors[1]
    assert 'pseudonymisera = ["utforare"] under [kalla.aktivitet]' in errors[0]
    assert not any("9876" in e for e in errors)


@pytest.mark.parametrize("column,value", [("motpart", "19640823 3234"), ("projekt", "750570-1834"),
                                          ("konto", "6408233234"), ("ansvar", "701063+2391")])
def test_a_personnummer_or_samordningsnummer_in_the_ledger_is_an_error(tmp_path, column, value):
    text = f"period;konto;belopp;{column}\n202401;5010;1,00;{value}\n"
    if column == "konto":
        text = f"period;konto;belopp\n202401;{value};1,00\n"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": text}))
    assert len(errors) == 1 and errors[0].startswith(f"data/2024/ledger/hb.csv:2: {column}: fann")
    assert value[-4:] not in errors[0]


def test_numbers_that_are_no_personnummer_are_left_alone(tmp_path):
    text = ("period;konto;belopp;motpart;projekt\n"
            "202401;5010;1,00;556036-0793;2024-01-31\n"      # an organisationsnummer
            "202401;5010;1,00;640823-3235;1234567890\n"      # wrong check digit; no date
            "202401;5010;1,00;Faktura 6408233234567;\n")     # part of a longer number
    loaded = load_year(write_project(tmp_path, **{"ledger/hb.csv": text}), 2024)
    assert loaded.ledger["motpart"].to_list() == ["556036-0793", "640823-3235",
                                                  "Faktura 6408233234567"]


def test_pseudonymisera_replaces_only_the_values_holding_a_number_by_keyed_pseudonyms(tmp_path):
    text = AKTIVITET + ("640823-3234;hemtjanst;2024-01-05;1;Hemtjänst Norr\n"
                        "640823-3234;hemtjanst;2024-01-06;1;811218-9876\n"
                        "640823-3234;hemtjanst;2024-01-07;1;19811218-9876\n")
    toml = '[kalla.aktivitet]\npseudonymisera = ["utforare"]\n'
    loaded = load_year(write_project(tmp_path, toml, **{"aktivitet/a.csv": text}), 2024)
    expected = pseudonym.person_id(TEST_KEY.encode(), "utforare:198112189876")
    assert loaded.aktivitet["utforare"].to_list() == ["Hemtjänst Norr", expected, expected]
    assert expected != pseudonym.person_id(TEST_KEY.encode(), "198112189876")


def test_pseudonymisera_names_columns_of_the_source(tmp_path):
    with pytest.raises(KpbError) as raised:
        write_project(tmp_path, '[kalla.aktivitet]\npseudonymisera = ["person", "konto"]\n')
    assert "kpb.toml: kalla.aktivitet.pseudonymisera: fann ['person', 'konto']" in str(
        raised.value.errors[0])


# -- encodings ------------------------------------------------------------------------------

LEDGER_TEXT = "period;konto;ansvar;belopp\n202401;5010;Hemtjänst;1 234,50\n202402;5010;Äldre;-50\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
                                   "utf-32-be"])
def test_utf16_and_utf32_exports_are_read_with_or_without_bom(tmp_path, codec):
    loaded = load_year(write_project(tmp_path, **{"ledger/hb.csv": LEDGER_TEXT.encode(codec)}),
                       2024)
    assert loaded.ledger["ansvar"].to_list() == ["Hemtjänst", "Äldre"]
    assert loaded.ledger["belopp_ore"].to_list() == [123450, -5000]
    assert loaded.ledger["kalla_rad"].to_list() == [2, 3]


def test_a_broken_utf16_file_is_an_error_with_its_line(tmp_path):
    raw = LEDGER_TEXT.encode("utf-16-le") + "202403;5010;".encode("utf-16-le") + b"\x00\xdc1\x00"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": raw}))
    assert len(errors) == 1 and errors[0].startswith("data/2024/ledger/hb.csv:4: ogiltig "
                                                     "UTF-16-kodning"), errors


def test_one_invalid_byte_in_a_utf8_file_is_named_with_its_line(tmp_path):
    raw = LEDGER_TEXT.encode("utf-8") + b"202403;5010;Fel\xff;1\n"
    errors = errors_of(write_project(tmp_path, '[kalla.ledger]\nkodning = "utf-8"\n',
                                     **{"ledger/hb.csv": raw}))
    assert errors == ["data/2024/ledger/hb.csv:4: byten 0xFF är inte UTF-8: väntade UTF-8 som "
                      "kodning i kpb.toml säger (spara om filen som UTF-8, eller ändra kodning i "
                      'kpb.toml, t.ex. till "cp1252")']


@pytest.mark.parametrize("toml", ["", '[kalla.ledger]\nkodning = "cp1252"\n'])
def test_a_cp1252_file_with_utf8_rows_is_mixed_encoding_at_the_first_such_line(tmp_path, toml):
    raw = (LEDGER_TEXT.encode("cp1252") + "202403;5010;Hemtjänst;1\n".encode("utf-8")
           + "202404;5010;Hemtjänst;1\n".encode("cp1252"))
    errors = errors_of(write_project(tmp_path, toml, **{"ledger/hb.csv": raw}))
    assert len(errors) == 1 and errors[0].startswith(
        "data/2024/ledger/hb.csv:4: blandad teckenkodning: filen läses som Windows-1252 men "
        "raden har UTF-8 ('Ã¤' där det står 'ä' i UTF-8)"), errors


def test_a_utf8_file_with_twice_encoded_letters_is_mixed_encoding(tmp_path):
    raw = LEDGER_TEXT.encode("utf-8") + "202403;5010;HemtjÃ¤nst;1\n".encode("utf-8")
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": raw}))
    assert errors == ["data/2024/ledger/hb.csv:4: blandad teckenkodning: 'Ã¤' är ett tecken "
                      "som kodats två gånger (UTF-8 läst som Windows-1252 och sparat igen): "
                      "väntade 'ä' (spara om exporten direkt från källsystemet)"]


def test_an_ordinary_cp1252_file_is_still_read(tmp_path):
    raw = (LEDGER_TEXT + "202403;5010;Åsa – “kök” ÄÖ é;1\n").encode("cp1252")
    loaded = load_year(write_project(tmp_path, **{"ledger/hb.csv": raw}), 2024)
    assert loaded.ledger["ansvar"].to_list()[-1] == "Åsa – “kök” ÄÖ é"


def test_through_compute_a_pseudonymised_utforare_is_written_nowhere_as_a_number(tmp_path):
    root = tmp_path / "lillby"
    copy_fixture(FIXTURES / "lillby", root)
    sole_trader = root / "data/2024/aktivitet/hemtjanst.csv"
    sole_trader.write_text(sole_trader.read_text().replace(";NORR;", ";811218-9876;"))
    toml = root / "kpb.toml"
    toml.write_text(toml.read_text() + '\n[kalla.aktivitet]\npseudonymisera = ["utforare"]\n')
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"])
    assert result.exit_code == 0, result.output
    written = [p for p in root.rglob("*") if p.is_file() and "data" not in p.parts]
    assert not [p for p in written if b"9876" in p.read_bytes() and b"811218" in p.read_bytes()]
    with duckdb.connect(str(root / "kpb.duckdb"), read_only=True) as con:
        found = con.sql("select distinct utforare from aktivitet where kalla_fil like "
                        "'%hemtjanst.csv' and kalla_rad = 2").fetchall()
    assert found == [(pseudonym.person_id(TEST_KEY.encode(), "utforare:198112189876"),)]


def test_an_invalid_byte_after_a_utf8_bom_is_named_with_its_line(tmp_path):
    raw = b"\xef\xbb\xbf" + LEDGER_TEXT.encode("utf-8") + b"202403;5010;\xc3;1\n"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": raw}))
    assert len(errors) == 1 and errors[0].startswith(
        "data/2024/ledger/hb.csv:4: byten 0xC3 är inte UTF-8"), errors


# -- text after a closing quote ---------------------------------------------------------------

@pytest.mark.parametrize("field,separator", [('"1"5', ";"), ('"0,68"Á', ";"), ('"1" ', "\t"),
                                             ('"1"5', "|")])
def test_text_after_a_closing_quote_is_an_error_never_a_lost_digit(tmp_path, field, separator):
    text = (f"period;konto;belopp\n202401;5010;1\n202401;5010;{field}\n"
            ).replace(";", separator)
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": text.encode("cp1252")}))
    assert len(errors) == 1 and errors[0].startswith(
        "data/2024/ledger/hb.csv:3: ett fält har tecken efter sitt avslutande citattecken"), errors


def test_quotes_inside_an_unquoted_field_are_still_read(tmp_path):
    text = 'period;konto;ansvar;belopp\n202401;5010;Rum "Norr" 2;1\n202401;5010;"a ""b""";2\n'
    loaded = load_year(write_project(tmp_path, **{"ledger/hb.csv": text}), 2024)
    assert loaded.ledger["ansvar"].to_list() == ['Rum "Norr" 2', 'a "b"']


@pytest.mark.parametrize("tail", ['"12', '"1ä\u3000'])
def test_a_quote_never_closed_is_an_error_never_a_lost_digit(tmp_path, tail):
    text = f"period;konto;belopp\n202401;5010;1\n202401;5010;{tail}"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": text}))
    assert len(errors) == 1 and errors[0].startswith(
        "data/2024/ledger/hb.csv:3: ett citattecken stängs aldrig"), errors


@pytest.mark.parametrize("header", ["*", "^.*$"])
def test_a_header_polars_reads_as_a_pattern_is_an_error(tmp_path, header):
    text = f"period;konto;belopp;{header}\n202401;5010;1;\n"
    errors = errors_of(write_project(tmp_path, **{"ledger/hb.csv": text}))
    assert errors == [f"data/2024/ledger/hb.csv:1: rubriken {header!r} kan inte användas (den "
                      "läses som ett mönster över alla kolumner): väntade ett kolumnnamn, döp om "
                      "kolumnen i exporten"]
