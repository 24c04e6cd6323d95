"""`kpb sql --xlsx/--parquet` write only where they are told and never over the project: not
into ut/, data/, regler/, kolada/ or .kpb-cache/, not over the key, the database or the
settings, and over an existing file only with --skriv-over."""

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kpb.cli import main

from builders import copy_fixture

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sql") / "exempelkommun"
    copy_fixture(EXAMPLE, root)
    assert CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"]).exit_code == 0
    return root


def export(project: Path, *arguments: str):
    return CliRunner().invoke(main, ["sql", "select insats from insats", "-p", str(project),
                                     *arguments])


@pytest.mark.parametrize("option", ["--parquet", "--xlsx"])
@pytest.mark.parametrize("target", ["kpb.key", "kpb.duckdb", "kpb.duckdb.wal", "kpb.toml",
                                    "ut/2024/brukare.parquet", "ut/ny.parquet",
                                    "data/2024/ledger/x.xlsx", "regler/2024.toml",
                                    "kolada/x.parquet", ".kpb-cache/2024/aktivitet.arrow",
                                    ".kpb-cache/x.parquet"])
def test_a_target_in_the_project_is_refused_and_left_as_it_was(project, option, target):
    path = project / target
    before = path.read_bytes() if path.is_file() else None
    result = export(project, option, str(path), "--skriv-over")
    assert result.exit_code == 1
    assert "skriver aldrig över projektets egna filer" in result.output
    assert (path.read_bytes() if path.is_file() else None) == before


def test_an_existing_file_is_replaced_only_with_skriv_over(project, tmp_path):
    target = tmp_path / "insatser.parquet"
    target.write_bytes(b"mitt eget arbete")
    refused = export(project, "--parquet", str(target))
    assert refused.exit_code == 1 and "finns redan" in refused.output
    assert target.read_bytes() == b"mitt eget arbete"
    assert export(project, "--parquet", str(target), "--skriv-over").exit_code == 0
    written = pl.read_parquet(target)
    assert written["insats"].to_list() == pl.read_parquet(
        project / "ut/2024/insats.parquet")["insats"].to_list()
