"""Exports whose lines end in CR alone (old Mac programs, some case systems) through the CLI:
read as lines, every krona and person as in the same export with LF or CRLF line ends.

Before, such a file was one long header line and no rows: `kpb compute` ended with exit 0,
its persons gone and their money in ofördelat."""

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
# an activity export, the HVB invoices (direkt) and a ledger file, each as Windows-1252
REWRITTEN = ("aktivitet/vuxna_2024.csv", "direkt/hvb_fakturor_2024.csv",
             "ledger/huvudbok_2024_ifo_ami.csv")


def run(*args: str):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def summary(output: str) -> list[str]:
    """The check's report without its progress lines (they hold timings)."""
    return [line for line in output.splitlines() if not line.startswith("·")]


def copy_example(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("ut", "kpb.duckdb*",
                                                                   "kpb.key"))
    return target


def with_cr_line_ends(project: Path) -> Path:
    for name in REWRITTEN:
        path = project / "data" / "2024" / name
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        path.write_bytes(text.replace("\n", "\r").encode("cp1252"))
    return project


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("radslut")
    normal = copy_example(folder / "lf")
    cr = with_cr_line_ends(copy_example(folder / "cr"))
    for project in (normal, cr):
        result = run("compute", "2024", "--project", str(project), "--tyst")
        assert result.exit_code == 0, result.output
    return normal, cr


def table(project: Path, name: str) -> pl.DataFrame:
    frame = pl.read_parquet(project / "ut" / "2024" / f"{name}.parquet")
    return frame.sort(frame.columns)


def test_the_rewritten_files_hold_no_line_feed(tmp_path):
    project = with_cr_line_ends(copy_example(tmp_path / "cr"))
    for name in REWRITTEN:
        raw = (project / "data" / "2024" / name).read_bytes()
        lines = (EXAMPLE / "data" / "2024" / name).read_bytes().count(b"\n")
        assert b"\n" not in raw and raw.count(b"\r") == lines > 10
    vuxna = (project / "data" / "2024" / REWRITTEN[0]).read_bytes()
    assert "Från".encode("cp1252") in vuxna  # Windows-1252: å ä ö one byte each


def test_check_reads_cr_line_ends_as_the_normal_export(tmp_path):
    normal = run("check", "2024", "--project", str(copy_example(tmp_path / "lf")))
    cr = run("check", "2024", "--project",
             str(with_cr_line_ends(copy_example(tmp_path / "cr"))))
    assert (cr.exit_code, summary(cr.output)) == (normal.exit_code, summary(normal.output))
    rows = sum(len(f.read_bytes().splitlines()) - 1  # each file's lines but its header
               for f in (EXAMPLE / "data/2024/aktivitet").glob("*.csv"))
    shown = f"{rows:,}".replace(",", " ")
    assert normal.exit_code == 0 and f"aktivitet      {shown} rader" in normal.output


@pytest.mark.parametrize("name", ["brukare", "brukare_insats", "insats", "pool",
                                  "avstamning", "ledger_pool"])
def test_compute_gives_the_same_money_and_persons_to_the_ore(runs, name):
    normal, cr = runs
    assert table(cr, name).equals(table(normal, name))


def test_every_line_of_the_cr_files_is_a_row(runs):
    def rows(project: Path) -> dict[str, tuple[int, str]]:
        with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
            found = con.execute("select kalla_fil, rader, kodning from inlast_fil").fetchall()
        return {file: (count, encoding) for file, count, encoding in found}
    normal, cr = rows(runs[0]), rows(runs[1])
    for name in REWRITTEN:
        file = f"data/2024/{name}"
        lines = (EXAMPLE / "data" / "2024" / name).read_bytes().count(b"\n") - 1
        encoding = "utf-8" if (EXAMPLE / "data" / "2024" / name).read_bytes().isascii() \
            else "cp1252"
        assert cr[file] == (normal[file][0], encoding) and normal[file][0] == lines > 0
