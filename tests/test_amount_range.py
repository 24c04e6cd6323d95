"""Amounts have a range and are checked before any sum is taken: no money wraps silently.

The attack that found it: 187 ledger rows of 15-digit amounts summing to 2⁶⁴ öre gave exit 0
and "avstämning stämmer på öret"."""

from pathlib import Path

from click.testing import CliRunner

from kpb.allocate.inputs import input_tables
from kpb.check.amounts import MAX_ROW_ORE, amounts_out_of_range
from kpb.cli import main

from builders import copy_fixture

LILLBY = Path(__file__).resolve().parents[1] / "fixtures" / "lillby"


def test_rows_summing_to_two_to_the_64_are_refused_at_their_lines(tmp_path):
    root = tmp_path / "lillby"
    copy_fixture(LILLBY, root)
    ledger = root / "data/2024/ledger/huvudbok.csv"
    first_new = len(ledger.read_text(encoding="utf-8").splitlines()) + 1
    per_row_ore = 2**64 // 187 + 1  # 187 rows: the sum passes 2⁶⁴ öre
    kronor, ore = divmod(per_row_ore, 100)
    ledger.write_text(ledger.read_text(encoding="utf-8")
                      + f"202406;5010;200;510;{kronor},{ore:02d}\n" * 187, encoding="utf-8")
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"])
    assert result.exit_code == 1
    assert f"data/2024/ledger/huvudbok.csv:{first_new}: belopp: 187 rader med belopp över" in result.output
    assert "ledger: beloppen summerar till 184 467 440 7" in result.output  # > 2⁶⁴ öre, exact
    assert "stämmer" not in result.output and not (root / "ut").exists()


def test_a_total_out_of_range_is_refused_even_when_every_row_is_in_range():
    rows = [{"konto": "5010", "ansvar": "200", "belopp_ore": MAX_ROW_ORE}] * 1001
    problems = amounts_out_of_range(input_tables(ledger=rows))
    assert [(p.column, p.message.split(":")[0]) for p in problems] == [
        ("ledger", "beloppen summerar till 100 100 000 000 000,00 kr i absoluta tal")]


def test_credits_count_by_their_size_and_amounts_in_range_pass():
    rows = [{"konto": "5010", "belopp_ore": MAX_ROW_ORE}, {"konto": "3010", "belopp_ore": -MAX_ROW_ORE}]
    assert amounts_out_of_range(input_tables(ledger=rows)) == []
    assert amounts_out_of_range(input_tables(ledger=rows * 501)) != []  # net 0, sizes too large
