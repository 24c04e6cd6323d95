"""Small project folders written by tests: kpb.toml plus data files, inline."""

import shutil
from pathlib import Path

from kpb.project import Project


def write_project(tmp_path: Path, toml: str = "", **files: bytes | str) -> Project:
    """A project in tmp_path with `toml` after a kommun line and `files` under data/2024/
    (e.g. `**{"aktivitet/a.csv": "..."}`); a one-row ledger unless one is given."""
    (tmp_path / "kpb.toml").write_text('kommun = "Testby"\n' + toml, encoding="utf-8")
    files.setdefault("ledger/hb.csv", "period;konto;belopp\n202401;5010;1\n")
    for name, content in files.items():
        path = tmp_path / "data" / "2024" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return Project.open(tmp_path)

# The pseudonym key of the tests: kpb refuses keys shorter than 32 bytes. tests/conftest.py
# sets it for every test; a test that needs no key or another one changes the variable itself.
TEST_KEY = "kpb-testnyckel-som-bara-finns-i-testerna"


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLE = FIXTURES / "exempelkommun"
# What a run leaves in a project: never copied with a fixture.
GENERATED = shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key", ".kpb-*")


def copy_fixture(source: Path, target: Path) -> Path:
    """A fixture project copied to `target` without what an earlier run left in it."""
    shutil.copytree(source, target, ignore=GENERATED)
    return target


def copy_example(tmp: Path, name: str = "exempelkommun") -> Path:
    """The bundled example municipality, copied to `tmp/name`."""
    return copy_fixture(EXAMPLE, tmp / name)


def copy_project(name: str, tmp: Path) -> Path:
    """The fixture project `fixtures/<name>`, copied to `tmp/name`."""
    return copy_fixture(FIXTURES / name, tmp / name)


def computed_example(tmp: Path, *options: str, year: str = "2024") -> Path:
    """The example municipality copied to `tmp` and computed for `year` by `kpb compute`
    (quiet, with `options`): the module fixture of the tests that read its outputs."""
    project = copy_project("exempelkommun", tmp)
    result = run("compute", year, "--project", str(project), "--tyst", *options)
    assert result.exit_code == 0, result.output
    return project


def run(*args: str):
    """The `kpb` command through click's runner, with the tests' key."""
    from click.testing import CliRunner

    from kpb.cli import main

    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


def outputs(project: Path, name: str, year: int = 2024):
    """A result the run wrote, read back: ut/<year>/<name>.parquet."""
    import polars as pl

    return pl.read_parquet(project / "ut" / str(year) / f"{name}.parquet")


def open_with(tmp_path: Path, text: str) -> Project:
    """A project whose kpb.toml is `text`, opened."""
    (tmp_path / "kpb.toml").write_text(text, encoding="utf-8")
    return Project.open(tmp_path)


def problems_of(tmp_path: Path, text: str) -> list[str]:
    """The messages of the KpbError that opening a project with kpb.toml `text` raises."""
    import pytest

    from kpb.errors import KpbError

    with pytest.raises(KpbError) as raised:
        open_with(tmp_path, text)
    return [str(p) for p in raised.value.problems]
