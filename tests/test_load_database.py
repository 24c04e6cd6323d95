"""kpb.duckdb: one year replaced in one transaction; frames read back through Arrow."""

import dataclasses
import os
import stat
from pathlib import Path

import polars as pl
import pytest

from kpb.errors import KpbError
from kpb.load import load_year
from kpb.load.database import read_tables, store
from kpb.load.pseudonym import load_key, pseudonymise
from kpb.project import Project


def make_project(tmp_path: Path, amount: str = "100") -> Project:
    (tmp_path / "kpb.toml").write_text('kommun = "Dbby"\n', encoding="utf-8")
    for year in (2023, 2024):
        folder = tmp_path / "data" / str(year)
        (folder / "ledger").mkdir(parents=True, exist_ok=True)
        (folder / "ledger" / "hb.csv").write_text(
            f"period;konto;belopp\n{year}01;5010;{amount}\n", encoding="utf-8")
        (folder / "aktivitet").mkdir(exist_ok=True)
        (folder / "aktivitet" / "a.csv").write_text(
            f"person;insats;from;tom\n640823-3234;a;{year}-01-01;{year}-02-01\n",
            encoding="utf-8")
    return Project.open(tmp_path)


def test_store_and_read_back_round_trip_per_year(tmp_path):
    project = make_project(tmp_path)
    loaded = {year: load_year(project, year) for year in (2023, 2024)}
    for year in (2023, 2024):
        store(project, year, loaded[year])
    back = read_tables(project, 2024)
    for name, frame in loaded[2024].tables().items():
        assert back[name].equals(frame.sort(frame.columns, nulls_last=False)), name
    assert read_tables(project, 2023)["ledger"]["period"].to_list() == [202301]


def test_loading_a_year_again_replaces_only_that_year(tmp_path):
    project = make_project(tmp_path)
    store(project, 2023, load_year(project, 2023))
    store(project, 2024, load_year(project, 2024))
    make_project(tmp_path, amount="250")
    store(project, 2024, load_year(project, 2024))
    assert read_tables(project, 2024)["ledger"]["belopp_ore"].to_list() == [25000]
    assert read_tables(project, 2023)["ledger"]["belopp_ore"].to_list() == [10000]


def test_a_failing_store_leaves_the_previous_content(tmp_path):
    project = make_project(tmp_path)
    store(project, 2024, load_year(project, 2024))
    before = read_tables(project, 2024)
    make_project(tmp_path, amount="999")
    broken = dataclasses.replace(load_year(project, 2024),
                                 person=pl.DataFrame({"fodelsear": ["inte ett år"]}))
    with pytest.raises(Exception):
        store(project, 2024, broken)  # ledger is written before person fails
    after = read_tables(project, 2024)
    assert all(after[name].equals(before[name]) for name in before)


def test_key_file_is_created_once_private_and_env_must_agree(tmp_path, monkeypatch):
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL", raising=False)
    project = make_project(tmp_path)
    said = []
    key = load_key(project, said.append)
    assert len(key) == 32 and load_key(project, said.append) == key and len(said) == 1
    assert stat.S_IMODE(os.stat(tmp_path / "kpb.key").st_mode) == 0o600
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", key.hex())
    assert load_key(project) == key
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", "ab" * 32)  # another key: never wins silently
    with pytest.raises(KpbError, match="pseudonymnyckel"):
        load_key(project)


def test_pseudonymise_maps_each_distinct_id_once_and_keeps_nulls():
    ids = pl.Series(["196408233234", None, "196408233234", "198112189876"])
    first = pseudonymise(ids, b"k")
    assert first[0] == first[2] != first[3] and first[1] is None
    assert len(first[0]) == 20 and pseudonymise(ids, b"other")[0] != first[0]
