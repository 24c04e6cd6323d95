"""A second kpb command started while a compute runs (a `kpb sql`, a
`kpb load` or another compute) runs `recover` at its start. Recovery takes the running
compute's staging folder `ut/.2024.tmp-<pid>` for a leftover of a dead run and removes it,
so the running compute then stores its inputs in kpb.duckdb but cannot swap its results in:
kpb.duckdb and ut/2024 disagree. Now the commit holds a project lock and recovery skips
while another process holds it."""

import json
from pathlib import Path

from kpb import api
from kpb.write import commit as commit_module

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = TEST_KEY


def test_a_command_started_during_a_compute_leaves_inputs_and_results_together(
        tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    copy_fixture(FIXTURES / "lillby", root)
    api.compute(root, 2024)
    hours = root / "data/2024/aktivitet/hemtjanst.csv"
    hours.write_text(hours.read_text(encoding="utf-8")
                     + "19390314-2713;hemtjanst;2024-02-01;2024-02-01;40;;NORR;\n",
                     encoding="utf-8")
    original_store = commit_module.store

    def store_while_another_command_starts(project, *args, **kwargs):
        api.sql(root, "select 1")  # a second command, started now, recovers first
        return original_store(project, *args, **kwargs)

    monkeypatch.setattr(commit_module, "store", store_while_another_command_starts)
    api.compute(root, 2024)  # used to fail with a FileNotFoundError from the swap
    monkeypatch.setattr(commit_module, "store", original_store)
    assert stored_hashes(root) == manifest_hashes(root)  # kpb.duckdb and ut/2024 agree


def stored_hashes(root: Path) -> dict:
    rows = api.sql(root, "select kalla_fil, sha256 from inlast_fil").rows()
    return dict(rows)


def manifest_hashes(root: Path) -> dict:
    manifest = json.loads((root / "ut/2024/manifest.json").read_text(encoding="utf-8"))
    return {f["kalla_fil"]: f["sha256"] for f in manifest["indata"]}
