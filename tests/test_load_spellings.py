"""Each distinct spelling is worked on once and the result reaches exactly its rows."""

from __future__ import annotations

import polars as pl
import pytest

from kpb.load.spellings import TEXT, constant, spellings


@pytest.mark.parametrize("dtype", [pl.Utf8, pl.Categorical])
def test_every_row_gets_the_result_of_its_own_spelling(dtype):
    column = pl.Series(["2024-01-05", None, "20240105", "2024-01-05", "", None], dtype=dtype)
    spelt = spellings(column)
    assert sorted(spelt.distinct[TEXT].to_list(), key=str) == sorted(
        ["2024-01-05", None, "20240105", ""], key=str)  # each once, the missing value too
    lengths = spelt.distinct.select(pl.col(TEXT).str.len_chars().fill_null(-1).alias("n"))
    assert spelt.spread(lengths)["n"].to_list() == [10, -1, 8, 10, 0, -1]


def test_rows_where_picks_the_rows_of_the_failing_spellings_only():
    column = pl.Series(["a", "b", "a", "c", "b"], dtype=pl.Categorical)
    spelt = spellings(column)
    failing = spelt.distinct[TEXT] == "b"
    assert spelt.rows_where(failing).to_list() == [False, True, False, False, True]


def test_codes_are_dense_whatever_else_the_process_has_read():
    pl.Series([f"annat{i}" for i in range(5000)], dtype=pl.Categorical)  # grows global ids
    spelt = spellings(pl.Series(["x", "y", "x"], dtype=pl.Categorical))
    assert spelt.distinct.height == 2 and spelt.codes.max() == 1
    assert spelt.spread(spelt.distinct)[TEXT].to_list() == ["x", "y", "x"]


def test_a_column_the_file_lacks_reads_as_empty_on_every_row():
    spelt = constant("", 3)
    assert spelt.spread(spelt.distinct)[TEXT].to_list() == ["", "", ""]
