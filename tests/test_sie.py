"""SIE 4 ledgers: #TRANS inside #VER, #PSALDO fallback, objects to dimensions, code page 437."""

from pathlib import Path

import pytest

from kpb.errors import KpbError
from kpb.load import load_year
from kpb.project import Project

from builders import TEST_KEY

HEAD = '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#RAR 0 20240101 20241231\n#DIM 1 "Ansvar"\n'


@pytest.fixture(autouse=True)
def key_from_environment(monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)


def ledger(tmp_path: Path, sie: str | bytes,
           dims: str = '{ 1 = "ansvar", 20 = "verksamhet" }', more: str = ""):
    toml = f'kommun = "Sieby"\n[sie]\ndimensioner = {dims}\n{more}'
    (tmp_path / "kpb.toml").write_text(toml, encoding="utf-8")
    folder = tmp_path / "data" / "2024" / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bok.se").write_bytes(sie if isinstance(sie, bytes) else sie.encode("cp437"))
    return load_year(Project.open(tmp_path), 2024)


def refused(tmp_path: Path, sie: str | bytes, **settings) -> list[str]:
    with pytest.raises(KpbError) as raised:
        ledger(tmp_path, sie, **settings)
    return [str(e) for e in raised.value.errors]


def test_trans_rows_with_objects_dates_and_line_numbers(tmp_path):
    sie = HEAD + ('#VER A 1 20240115 "Lön å ärende"\n{\n'
                  '   #TRANS 5010 {1 "100" 20 "7310"} 1234.50 20240220 "lön"\n'
                  '   #TRANS 1930 {} -1234.50\n}\n')
    loaded = ledger(tmp_path, sie)
    rows = loaded.ledger.select("kalla_rad", "period", "konto", "ansvar", "verksamhet",
                                "belopp_ore").rows()
    assert rows == [(8, 202402, "5010", "100", "7310", 123450),
                    (9, 202401, "1930", "", "", -123450)]
    assert loaded.files["kodning"].to_list() == ["cp437"]


def test_psaldo_is_used_only_without_trans_and_breakdown_beats_total(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 300.00\n'
                  '#PSALDO 0 202401 5010 {1 "100"} 100.00\n'
                  '#PSALDO 0 202401 5010 {1 "200"} 200.00\n'
                  '#PSALDO -1 202301 5010 {} 999.00\n'
                  '#PSALDO 0 202402 4010 {} 50.00\n')
    rows = ledger(tmp_path, sie).ledger.select("kalla_rad", "ansvar", "belopp_ore").rows()
    assert rows == [(7, "100", 10000), (8, "200", 20000), (10, "", 5000)]


def test_psaldo_ignored_when_trans_exist(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 300.00\n'
                  '#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 300.00\n}\n')
    assert ledger(tmp_path, sie).ledger["belopp_ore"].to_list() == [30000]


def test_bad_amount_and_other_year_point_at_their_lines(tmp_path):
    sie = HEAD.replace("20240101 20241231", "20230101 20231231") + (
        '#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 12,345\n}\n')
    with pytest.raises(KpbError) as raised:
        ledger(tmp_path, sie)
    assert [str(e).split(": ")[0] for e in raised.value.errors] == [
        "data/2024/ledger/bok.se:4", "data/2024/ledger/bok.se:8"]


def test_psaldo_breakdown_on_an_unmapped_dimension_does_not_count_the_total_twice(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 1000.00\n'
                  '#PSALDO 0 202401 5010 {6 "A"} 600.00\n'
                  '#PSALDO 0 202401 5010 {6 "B"} 400.00\n')
    rows = ledger(tmp_path, sie).ledger.select("kalla_rad", "ansvar", "belopp_ore").rows()
    assert rows == [(6, "", 100000)]


def test_psaldo_breakdown_with_a_mapped_dimension_beats_the_total(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 1000.00\n'
                  '#PSALDO 0 202401 5010 {1 "100" 6 "A"} 600.00\n'
                  '#PSALDO 0 202401 5010 {1 "200" 6 "B"} 400.00\n')
    rows = ledger(tmp_path, sie).ledger.select("kalla_rad", "ansvar", "belopp_ore").rows()
    assert rows == [(7, "100", 60000), (8, "200", 40000)]


def test_psaldo_unmapped_breakdown_without_total_is_summed_into_one_row(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {6 "A"} 600.25\n'
                  '#PSALDO 0 202401 5010 {6 "B"} -400.5\n'
                  '#PSALDO 0 202402 5010 {6 "A"} 7\n')
    rows = ledger(tmp_path, sie).ledger.select("kalla_rad", "period", "belopp_ore").rows()
    assert rows == [(6, 202401, 19975), (8, 202402, 700)]


def test_trans_without_object_list_takes_the_amount_from_the_third_token(tmp_path):
    sie = HEAD + ('#VER A 1 20240310 ""\n{\n'
                  '#TRANS 4010 1500.00 20240115\n'
                  '#TRANS 1930 -1500.00\n}\n')
    rows = ledger(tmp_path, sie).ledger.select("kalla_rad", "period", "konto", "belopp_ore").rows()
    assert rows == [(8, 202401, "4010", 150000), (9, 202403, "1930", -150000)]


def test_trans_with_too_few_tokens_is_an_error_at_its_line(tmp_path):
    sie = HEAD + ('#VER A 1 20240310 ""\n{\n'
                  '#TRANS 4010 {}\n'
                  '#TRANS 4010\n'
                  '#TRANS 1930 {} 1.00\n}\n')
    with pytest.raises(KpbError) as raised:
        ledger(tmp_path, sie)
    assert [str(e).split(": ")[:2] for e in raised.value.errors] == [
        ["data/2024/ledger/bok.se:8", "#TRANS"], ["data/2024/ledger/bok.se:9", "#TRANS"]]


# -- SIE 4B object balances: {} is the total, object rows a breakdown of it -----------------

VISMA_COMPACT = ('#FLAGGA 0\n#PROGRAM "Visma Compact" 2024\n#FORMAT PC8\n#SIETYP 3\n'
                 '#RAR 0 20240101 20241231\n#DIM 6 "Projekt"\n#OBJEKT 6 "SALJ" "Säljprojekt"\n'
                 '#PSALDO 0 202401 3001 {} -104688.00\n'
                 '#PSALDO 0 202401 3001 {6 "SALJ"} -21588.00\n'
                 '#PSALDO 0 202401 4010 {} 5000.00\n')
PROJEKT = '{ 1 = "ansvar", 6 = "projekt" }'


def psaldo(loaded):
    return loaded.ledger.select("kalla_rad", "konto", "ansvar", "projekt", "belopp_ore").rows()


def test_visma_compact_partial_breakdown_keeps_the_rest_without_projekt(tmp_path):
    rows = psaldo(ledger(tmp_path, VISMA_COMPACT, PROJEKT))
    assert rows == [(8, "3001", "", "", -8310000), (9, "3001", "", "SALJ", -2158800),
                    (10, "4010", "", "", 500000)]
    assert sum(r[-1] for r in rows) == -10468800 + 500000


def test_without_a_total_every_object_row_is_summed(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {1 "100"} 100.00\n'
                  '#PSALDO 0 202401 5010 {1 "200"} 250.50\n')
    assert psaldo(ledger(tmp_path, sie)) == [(6, "5010", "100", "", 10000),
                                            (7, "5010", "200", "", 25050)]


def test_each_mapped_dimension_with_its_own_breakdown_loads_the_money_once(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 1000.00\n'
                  '#PSALDO 0 202401 5010 {6 "P1"} 300.00\n'
                  '#PSALDO 0 202401 5010 {1 "100"} 600.00\n'
                  '#PSALDO 0 202401 5010 {1 "200"} 400.00\n')
    loaded = ledger(tmp_path, sie, PROJEKT)
    assert psaldo(loaded) == [(8, "5010", "100", "", 60000), (9, "5010", "200", "", 40000)]
    [note] = [str(w) for w in loaded.warnings]
    assert note.startswith("data/2024/ledger/bok.se:7: varning: #PSALDO: konto 5010 period "
                           "202401: uppdelningen på projekt används inte, bara den på ansvar")


def test_a_combined_object_list_wins_over_single_dimension_breakdowns(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 1000.00\n'
                  '#PSALDO 0 202401 5010 {1 "100"} 700.00\n'
                  '#PSALDO 0 202401 5010 {1 "100" 6 "P1"} 300.00\n'
                  '#PSALDO 0 202401 5010 {1 "100" 6 "P2"} 400.00\n')
    loaded = ledger(tmp_path, sie, PROJEKT)
    assert psaldo(loaded) == [(6, "5010", "", "", 30000), (8, "5010", "100", "P1", 30000),
                              (9, "5010", "100", "P2", 40000)]
    assert loaded.warnings == []


def test_a_breakdown_larger_than_the_total_is_a_warning_and_the_total_holds(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {} 100.00\n'
                  '#PSALDO 0 202401 5010 {1 "100"} 150.00\n')
    loaded = ledger(tmp_path, sie)
    assert psaldo(loaded) == [(6, "5010", "", "", -5000), (7, "5010", "100", "", 15000)]
    assert "objektraderna summerar till 150,00 kr, mer än kontots total 100,00 kr" in str(
        loaded.warnings[0])


def test_pbudget_is_never_read_as_outcome(tmp_path):
    sie = HEAD + ('#PBUDGET 0 202401 5010 {} 999.00\n#PSALDO 0 202401 5010 {} 100.00\n')
    assert psaldo(ledger(tmp_path, sie)) == [(7, "5010", "", "", 10000)]


# -- vouchers ----------------------------------------------------------------------------

def test_a_ver_without_a_date_is_an_error_and_never_inherits(tmp_path):
    sie = HEAD + ('#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 1.00\n#TRANS 1930 {} -1.00\n}\n'
                  '#VER A 2 "" "utan datum"\n{\n#TRANS 5010 {} 2.00\n#TRANS 1930 {} -2.00\n}\n')
    errors = refused(tmp_path, sie)
    assert errors[0] == ("data/2024/ledger/bok.se:11: #VER: fann inget datum: väntade #VER "
                         "serie nr verdatum med datumet som ÅÅÅÅMMDD")
    assert [e.split(": ")[0] for e in errors[1:]] == ["data/2024/ledger/bok.se:13",
                                                      "data/2024/ledger/bok.se:14"]


def test_trans_outside_a_voucher_is_an_error(tmp_path):
    sie = HEAD + '#TRANS 5010 {} 1.00\n#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 1.00\n}\n'
    assert refused(tmp_path, sie) == [
        "data/2024/ledger/bok.se:6: #TRANS: står utanför en verifikation: väntade raden inom "
        "{ } efter en #VER"]


def test_a_voucher_that_never_closes_is_an_error(tmp_path):
    sie = HEAD + '#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 1.00\n'
    assert "verifikationen avslutas aldrig" in refused(tmp_path, sie)[0]


def test_unbalanced_vouchers_are_one_warning_with_their_count(tmp_path):
    sie = HEAD + ''.join(f'#VER A {n} 20240115 ""\n{{\n#TRANS 5010 {{}} 10.50\n}}\n'
                         for n in (1, 2, 3))
    loaded = ledger(tmp_path, sie)
    assert loaded.ledger["belopp_ore"].sum() == 3150
    assert [str(w) for w in loaded.warnings] == [
        "data/2024/ledger/bok.se:6: varning: #VER: verifikationen är obalanserad: #TRANS "
        "summerar till 10,50 kr (och 2 verifikationer till), väntade 0 (saknas konton i "
        "exporten?)"]


# -- encoding and formats kpb does not read ----------------------------------------------

UTF8_UNDER_PC8 = HEAD.replace('"Ansvar"', '"Ansvar"\n#OBJEKT 1 "SÄLJ" "Sälj"') + (
    '#VER A 1 20240115 "Lön"\n{\n#TRANS 5010 {1 "SÄLJ"} 1.00\n#TRANS 1930 {} -1.00\n}\n')


def test_utf8_under_format_pc8_is_read_as_utf8(tmp_path):
    loaded = ledger(tmp_path, UTF8_UNDER_PC8.encode("utf-8"))
    assert loaded.ledger["ansvar"].to_list() == ["SÄLJ", ""]
    assert loaded.files["kodning"].to_list() == ["utf-8"]


def test_cp437_is_still_read_as_cp437(tmp_path):
    loaded = ledger(tmp_path, UTF8_UNDER_PC8.encode("cp437"))
    assert loaded.ledger["ansvar"].to_list() == ["SÄLJ", ""]
    assert loaded.files["kodning"].to_list() == ["cp437"]


def test_kodning_in_kpb_toml_wins(tmp_path):
    loaded = ledger(tmp_path, UTF8_UNDER_PC8.encode("cp1252"), more='kodning = "cp1252"\n')
    assert loaded.ledger["ansvar"].to_list() == ["SÄLJ", ""]


@pytest.mark.parametrize("content, expected", [
    ('<?xml version="1.0" encoding="UTF-8"?>\n<Sie xmlns="http://www.sie.se/sie5">\n</Sie>\n',
     "bok.se: är SIE 5 (XML), som kpb inte läser"),
    ("<!DOCTYPE html>\n<html><body>Logga in</body></html>\n", "bok.se: är ingen SIE-fil"),
    ('#FLAGGA 0\n#SIETYP 1\n#RAR 0 20240101 20241231\n#UB 0 1930 100.00\n',
     "bok.se:2: #SIETYP: SIE typ 1 har bara årssaldon"),
    ('#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#KONTO 5010 "Lön"\n',
     "bok.se: filen innehåller inga #TRANS- eller #PSALDO-rader"),
])
def test_formats_kpb_does_not_read_are_refused_by_name(tmp_path, content, expected):
    [message] = refused(tmp_path, content.encode("utf-8"))
    assert message.startswith("data/2024/ledger/" + expected)


# -- issue 20: labels in any case, amounts split by spaces, transaction dates --------------

def test_every_label_kpb_reads_is_read_in_any_case(tmp_path):
    sie = ('#flagga 0\n#Format PC8\n#sietyp 4\n#rar 0 20240101 20241231\n'
           '#ver A 1 20240115 ""\n{\n#trans 5010 {1 "100"} 10.00\n#Trans 1930 {} -4.00\n}\n')
    assert ledger(tmp_path, sie).ledger.select("ansvar", "belopp_ore").rows() == [
        ("100", 1000), ("", -400)]
    psaldo = '#sietyp 3\n#rar 0 20240101 20241231\n#psaldo 0 202401 5010 {} 12.00\n'
    assert ledger(tmp_path, psaldo).ledger["belopp_ore"].to_list() == [1200]
    assert refused(tmp_path, "#sietyp 1\n#rar 0 20240101 20241231\n")[0].startswith(
        "data/2024/ledger/bok.se:1: #SIETYP: SIE typ 1 har bara årssaldon")


def test_an_amount_split_by_spaces_is_an_error_about_the_amount(tmp_path):
    sie = HEAD + ('#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 1 000.00 20240115\n'
                  '#TRANS 1930 {} -1 000 000\n}\n')
    assert refused(tmp_path, sie) == [
        "data/2024/ledger/bok.se:8: #TRANS: fann beloppet '1 000.00' delat av mellanslag: "
        "väntade beloppet som ett fält utan mellanslag (1000.00), eller inom citattecken",
        "data/2024/ledger/bok.se:9: #TRANS: fann beloppet '-1 000 000' delat av mellanslag: "
        "väntade beloppet som ett fält utan mellanslag (-1000000), eller inom citattecken"]
    psaldo = HEAD.replace("#SIETYP 4", "#SIETYP 3") + "#PSALDO 0 202401 5010 {} 12 500.00\n"
    assert refused(tmp_path, psaldo) == [
        "data/2024/ledger/bok.se:6: #PSALDO: fann beloppet '12 500.00' delat av mellanslag: "
        "väntade beloppet som ett fält utan mellanslag (12500.00), eller inom citattecken"]


def test_a_quoted_amount_with_a_thousands_space_is_read(tmp_path):
    sie = HEAD + '#VER A 1 20240115 ""\n{\n#TRANS 5010 {} "1 000.00"\n#TRANS 1930 {} -1000\n}\n'
    assert ledger(tmp_path, sie).ledger["belopp_ore"].to_list() == [100000, -100000]


def test_a_transaction_date_that_is_no_date_is_named(tmp_path):
    sie = HEAD + '#VER A 1 20240115 ""\n{\n#TRANS 5010 {} 10.00 2024-01-15\n}\n'
    assert refused(tmp_path, sie) == [
        "data/2024/ledger/bok.se:8: #TRANS: fann transaktionsdatumet '2024-01-15': väntade "
        'ÅÅÅÅMMDD (eller "" när raden saknar eget datum)']


def test_a_date_the_calendar_lacks_is_named_on_its_own_line(tmp_path):
    sie = HEAD + ('#VER A 1 20241301 ""\n{\n#TRANS 5010 {} 1.00\n#TRANS 1930 {} -1.00 20240230\n'
                  '}\n')
    assert refused(tmp_path, sie) == [
        "data/2024/ledger/bok.se:6: #VER: fann '20241301': väntade #VER serie nr verdatum med "
        "datumet som ÅÅÅÅMMDD",
        "data/2024/ledger/bok.se:8: period: fann '': värde saknas, väntade en period ÅÅÅÅMM",
        "data/2024/ledger/bok.se:9: #TRANS: fann transaktionsdatumet '20240230': väntade "
        'ÅÅÅÅMMDD (eller "" när raden saknar eget datum)']
