"""One direction through the house: the facts check and allocation share are computed once,
the optional inputs are read once, the report is part of the run, and a project with nothing
but an ej_brukar pool computes with its report."""

from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
from click.testing import CliRunner

import kpb.flow.facts
import kpb.load.side_inputs
from kpb import api
from kpb.cli import main

from builders import copy_fixture

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"


def example(tmp_path: Path) -> Path:
    root = tmp_path / "exempelkommun"
    copy_fixture(EXAMPLE, root)
    return root


def counted(monkeypatch, module, name: str) -> list:
    calls, real = [], getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, counting)
    return calls


def test_overhead_pool_amounts_and_optional_inputs_run_once_per_compute(tmp_path, monkeypatch):
    root = example(tmp_path)
    overhead = counted(monkeypatch, kpb.flow.facts, "overhead_flows")
    amounts = counted(monkeypatch, kpb.flow.facts, "insats_amounts")
    kolada = counted(monkeypatch, kpb.load.side_inputs, "read_kolada")
    population = counted(monkeypatch, kpb.load.side_inputs, "read_population")
    api.compute(root, 2024)
    assert (len(overhead), len(amounts), len(kolada), len(population)) == (1, 1, 1, 1)


def test_check_and_compute_report_the_same_problems_of_the_optional_inputs(tmp_path):
    root = example(tmp_path)
    (root / "kolada" / "fel.csv").write_text("kpi;kommun;år;värde\nN33100;Grannby;2024;tre\n",
                                            encoding="cp1252")
    checked = CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"])
    computed = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"])
    assert checked.exit_code == computed.exit_code == 1
    line = "kolada/fel.csv:2: värde: fann 'tre'"
    assert line in checked.output and line in computed.output
    assert not (root / "ut" / "2024").exists()


LEDGER = "Period;Konto;Ansvar;Utfall\n202401;5010;100;12 500,00\n202402;4010;100;3 000,50\n"


def test_a_project_with_one_ej_brukar_pool_and_no_insatser_computes_and_writes_its_report(
        tmp_path):
    (tmp_path / "kpb.toml").write_text(
        'kommun = "Tomby"\n[kalla.ledger]\nkolumner = { belopp = "Utfall" }\n', encoding="utf-8")
    (tmp_path / "data/2024/ledger").mkdir(parents=True)
    (tmp_path / "data/2024/ledger/huvudbok.csv").write_bytes(LEDGER.encode("cp1252"))
    (tmp_path / "regler").mkdir()
    (tmp_path / "regler/2024.toml").write_text(
        'ar = 2024\n[[pool]]\nnamn = "allt"\ntyp = "ej_brukar"\nkonto = ["*"]\n',
        encoding="utf-8")
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    posts = dict(pl.read_parquet(tmp_path / "ut/2024/avstamning.parquet")
                 .select("post", "belopp").iter_rows())
    ledger_total = Decimal("12500.00") + Decimal("3000.50")  # the two rows of LEDGER
    assert posts["Huvudbok totalt"] == posts["Ej brukarrelaterat"] == ledger_total
    assert posts["Till brukare"] == posts["Differens"] == 0
    workbook = openpyxl.load_workbook(tmp_path / "ut/2024/kpb_2024.xlsx")
    assert "Avstämning" in workbook.sheetnames
    assert (tmp_path / "ut/2024/rapport.html").stat().st_size > 0


def _vårddygn(root: Path) -> tuple[Decimal, Decimal]:
    """HVB barn's vårddygn as insats.parquet states them and as the report reads them."""
    from kpb.report.tables import read_outputs

    api.compute(root, 2024)
    engine = pl.read_parquet(root / "ut/2024/insats.parquet").filter(pool="hvb_barn")
    report = read_outputs(root / "ut/2024", 2024).reporting.filter(pool="hvb_barn")
    return engine["rapportvolym"].item(), report["rapport_volym"].item()


def test_the_report_takes_its_volumes_from_the_engines_mapped_codes_not_the_raw_ones(
        tmp_path):
    plain = copy_fixture(EXAMPLE, tmp_path / "plain")
    mapped = copy_fixture(EXAMPLE, tmp_path / "mapped")
    placements = mapped / "data/2024/aktivitet/barn_och_unga_2024.csv"
    placements.write_bytes(placements.read_bytes().replace(b";hvb_barn_placering;", b";HVBPL;"))
    rules = mapped / "regler/2024.toml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        'hvb_barn           = {', 'hvb_barn_placering = { enhet = "dygn", omrade = "BUF", '
        'namn = "HVB-placering", koder = ["HVBPL"] }\nhvb_barn           = {', 1),
        encoding="utf-8")
    engine, report = _vårddygn(plain)
    assert engine == report > 0
    assert _vårddygn(mapped) == (engine, report)
