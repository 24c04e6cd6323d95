"""A direkt pool with cost in the ledger and no direkt rows at all (the
invoice file forgotten) used to pass `kpb check` and `kpb compute` without a warning while its
whole cost (11.8 mnkr in exempelkommun) ended as "ofördelat"; it is a "kostnad utan volym"
warning now."""

from pathlib import Path

import polars as pl

from kpb import api
from kpb.money import format_sek

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = TEST_KEY


def test_a_direkt_pool_with_cost_and_no_rows_is_warned_about(tmp_path, monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", KEY)
    root = tmp_path / "projekt"
    copy_fixture(FIXTURES / "exempelkommun", root)
    # The pool's cost after overhead, as the allocation states it in pool.parquet (the
    # invoices do not change it: no key of the example reads direct amounts).
    api.compute(root, 2024, report=False)
    pool = pl.read_parquet(root / "ut/2024/pool.parquet").filter(pool="hvb_barn")
    cost = format_sek(int(pool["att_fordela"].item() * 100))
    (root / "data/2024/direkt/hvb_fakturor_2024.csv").unlink()
    warnings = [str(w) for w in api.check(root, 2024).warnings]
    told = [w for w in warnings if "pool hvb_barn" in w]
    assert told == ["regler/2024.toml: varning: pool hvb_barn: direktpoolen har kostnad "
                    f"{cost} kr för insats 'hvb_barn' men inga direktrader (t.ex. fakturor "
                    "per brukare): hela beloppet redovisas som ofördelat"], warnings
