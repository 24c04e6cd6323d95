"""kpb replaces only folders it wrote, and names what is out of date: `kpb natverk --ut` and
`kpb dela --ut` never wipe a folder of something else; a follow-up made before the year was
computed again is left out of the report and named; a copied project is not 'changed'."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from kpb.cli import main

from builders import copy_example


def kpb(*arguments: str):
    return CliRunner().invoke(main, list(arguments))


def computed(tmp_path: Path) -> Path:
    root = copy_example(tmp_path)
    assert kpb("compute", "2024", "-p", str(root), "-q").exit_code == 0
    return root


def test_natverk_never_replaces_a_folder_it_did_not_write(tmp_path):
    root = computed(tmp_path)
    packages = tmp_path / "paket"
    shared = kpb("dela", "2024", "--kommunkod", "1499", "--ut", str(packages), "-p", str(root))
    assert shared.exit_code == 0, shared.output
    ledger = root / "data/2024/ledger"
    before = sorted(p.name for p in ledger.iterdir())
    result = kpb("natverk", str(packages), "--ut", str(ledger))
    assert result.exit_code == 1
    assert "kpb ersätter bara sina egna mappar" in result.output
    assert sorted(p.name for p in ledger.iterdir()) == before
    fresh = tmp_path / "natverk"
    assert kpb("natverk", str(packages), "--ut", str(fresh)).exit_code == 0
    assert kpb("natverk", str(packages), "--ut", str(fresh)).exit_code == 0  # its own: replaced


def test_a_follow_up_made_before_a_recompute_is_named_not_shown(tmp_path):
    root = computed(tmp_path)
    assert kpb("uppfoljning", "2024", "-p", str(root), "-q").exit_code == 0
    ledger = root / "data/2024/ledger/huvudbok_2024_vard_och_omsorg.csv"
    lines = ledger.read_bytes().split(b"\n")
    personnel = next(i for i, line in enumerate(lines) if line.split(b";")[1:2] == [b"5011"])
    lines.insert(personnel, lines[personnel])  # one personnel cost booked twice
    ledger.write_bytes(b"\n".join(lines))
    result = kpb("compute", "2024", "-p", str(root), "-q")
    assert result.exit_code == 0
    assert "ut/uppfoljning_2024 är inaktuell" in result.output
    import openpyxl

    book = openpyxl.load_workbook(root / "ut/2024/kpb_2024.xlsx")
    assert "Uppföljning" not in book.sheetnames
    summary = " ".join(str(c.value) for row in book["Sammanfattning"].iter_rows()
                       for c in row if c.value)
    assert "Uppföljningen ut/uppfoljning_2024 visas inte" in summary


def test_a_copied_project_is_not_taken_for_one_changed_by_hand(tmp_path):
    root = computed(tmp_path)
    copy = tmp_path / "kopia"
    shutil.copytree(root, copy)  # new modification times, the same bytes
    result = kpb("sql", "select 1 as x", "-p", str(copy))
    assert result.exit_code == 0 and "har ändrats" not in result.output


def test_jamfor_refuses_results_changed_by_hand_in_its_own_name(tmp_path):
    root = computed(tmp_path)
    assert kpb("compute", "2022", "-p", str(root), "-q").exit_code == 0
    brukare = root / "ut/2024/brukare.parquet"
    brukare.write_bytes(brukare.read_bytes()[:-100] + bytes(100))
    result = kpb("jamfor", "2022", "2024", "-p", str(root), "-q")
    assert result.exit_code == 1
    assert "steget jämförelse misslyckades" in result.output
    assert "brukare.parquet har ändrats" in result.output


def test_an_export_into_a_missing_folder_is_named(tmp_path):
    root = computed(tmp_path)
    result = kpb("sql", "select 1 as x", "-p", str(root), "--parquet",
                 str(tmp_path / "finns-inte" / "x.parquet"))
    assert result.exit_code == 1 and "finns inte" in result.output
    assert "FileNotFoundError" not in result.output
