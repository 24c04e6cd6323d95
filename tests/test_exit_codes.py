"""Exit codes where the user can act: a full disk, Ctrl-C at any moment and a project folder
whose name holds glob characters are exit 1 with a Swedish line, never a traceback."""

import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from kpb import api
from kpb.cli import main

from builders import copy_fixture

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"


@pytest.mark.parametrize("failure, told", [
    (pl.exceptions.ComputeError("failed to write: No space left on device (os error 28)"),
     "disken är full"),
    (duckdb.InterruptException("INTERRUPT Error: Interrupted!"), "avbrutet (Ctrl-C)"),
    (duckdb.TransactionException("cannot rollback: IO Error: No space left on device"),
     "disken är full"),
])
def test_a_full_disk_or_ctrl_c_inside_a_library_is_exit_1(tmp_path, monkeypatch, failure, told):
    def failing(*args, **kwargs):
        raise failure
    monkeypatch.setattr(api, "compute", failing)
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert told in result.output and "Traceback" not in result.output


def test_ctrl_c_while_kpb_is_still_starting_is_exit_1_without_a_traceback():
    script = ("import kpb.cli, os, signal, time\n"
              "os.kill(os.getpid(), signal.SIGINT)\n"  # as a Ctrl-C during the imports would
              "time.sleep(5)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "avbrutet (Ctrl-C)" in done.stderr and "Traceback" not in done.stderr


def test_a_project_folder_named_with_glob_characters_computes_and_answers_sql(tmp_path):
    root = tmp_path / "KPB [2024] *"
    copy_fixture(EXAMPLE, root)
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"])
    assert result.exit_code == 0, result.output
    persons = pl.read_parquet(root / "ut/2024/brukare.parquet", glob=False).height
    assert persons > 0
    for view in ("brukare", "brukare_alla_ar"):
        answer = api.sql(root, f"select count(*) as n from {view}")
        assert answer["n"][0] == persons
    assert (root / "ut/2024/rapport.html").is_file()


def test_signal_handler_is_python_s_own_once_main_runs(tmp_path):
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_project_folder_with_a_question_mark_is_refused_by_name(tmp_path):
    root = tmp_path / "KPB 2024?"
    copy_fixture(EXAMPLE, root)
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"])
    assert result.exit_code == 1
    assert "innehåller '?'" in result.output and not (root / "kpb.duckdb").exists()
