"""Review of issue 7: a direkt pool with cost in the ledger and no direkt rows at all (the
invoice file forgotten) passes `kpb check` and `kpb compute` without a warning; its whole cost
(11.8 mnkr in exempelkommun) ends as "ofördelat" in the reconciliation. The issue asks the
check stage to flag pools with cost and no volume."""

import shutil
from pathlib import Path

import pytest

from kpb import api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = "en-testnyckel-som-bara-testerna-anvander-0123456789"


@pytest.mark.xfail(strict=True, reason="check.costs.cost_without_volume does not look at "
                   "direkt pools; a direkt pool without rows needs its own warning")
def test_a_direkt_pool_with_cost_and_no_rows_is_warned_about(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    shutil.copytree(FIXTURES / "exempelkommun", root,
                    ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    (root / "data/2024/direkt/hvb_fakturor_2024.csv").unlink()
    warnings = [str(w) for w in api.check(root, 2024).warnings]
    assert any("hvb_barn" in w for w in warnings), warnings
