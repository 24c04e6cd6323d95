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


def ledger(tmp_path: Path, sie: str):
    toml = 'kommun = "Sieby"\n[sie]\ndimensioner = { 1 = "ansvar", 20 = "verksamhet" }\n'
    (tmp_path / "kpb.toml").write_text(toml, encoding="utf-8")
    folder = tmp_path / "data" / "2024" / "ledger"
    folder.mkdir(parents=True)
    (folder / "bok.se").write_bytes(sie.encode("cp437"))
    return load_year(Project.open(tmp_path), 2024)


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


def test_two_different_psaldo_breakdowns_are_an_error(tmp_path):
    sie = HEAD + ('#PSALDO 0 202401 5010 {1 "100"} 100.00\n'
                  '#PSALDO 0 202401 5010 {20 "7310"} 100.00\n')
    with pytest.raises(KpbError) as raised:
        ledger(tmp_path, sie)
    assert "#PSALDO" in str(raised.value.errors[0])


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
