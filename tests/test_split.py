"""The largest-remainder method on small, hand-checkable cases (formats.md §4)."""

from fractions import Fraction

import polars as pl
import pytest

from kpb.flow.split import largest_remainder, round_shares, split_fraction


def shares(frame: pl.DataFrame) -> dict:
    return {r: s for r, s in frame.select("receiver", "share").iter_rows()}


def split(amount: int, weights: dict[str, int]) -> dict:
    frame = pl.DataFrame({"g": "x", "amount": amount, "receiver": list(weights),
                          "weight": list(weights.values())})
    return shares(largest_remainder(frame, ["g"], "amount", "weight", "receiver", "share"))


def test_leftover_ore_go_to_largest_remainders():
    # 1000 öre by 1:1:1 -> 333.33 each: one öre left, tie broken by name
    assert split(1000, {"c": 1, "b": 1, "a": 1}) == {"a": 334, "b": 333, "c": 333}
    # 1000 by 2:1 -> 666.67 and 333.33: the larger remainder takes the öre
    assert split(1000, {"a": 1, "b": 2}) == {"a": 333, "b": 667}


def test_negative_amount_uses_floor_and_still_sums():
    # -7 by 1:2 -> -2.33, -4.67: floors -3, -5 (remainders 0.67, 0.33): p gets the öre
    assert split(-7, {"p": 1, "q": 2}) == {"p": -2, "q": -5}


def test_groups_are_split_independently_in_one_pass():
    frame = pl.DataFrame({"pool": ["n", "n", "s", "s"], "amount": [10, 10, 5, 5],
                          "receiver": ["A", "B", "A", "B"], "weight": [1, 1, 1, 4]})
    out = largest_remainder(frame.lazy(), ["pool"], "amount", "weight", "receiver", "share")
    got = {(p, r): s for p, r, s in out.collect().select("pool", "receiver", "share").iter_rows()}
    assert got == {("n", "A"): 5, ("n", "B"): 5, ("s", "A"): 1, ("s", "B"): 4}


def test_zero_weight_group_gives_null_for_the_caller_to_handle():
    assert split(100, {"a": 0, "b": 0}) == {"a": None, "b": None}


def test_fraction_sibling_uses_the_same_tie_break():
    assert split_fraction(1000, {"c": Fraction(1), "b": Fraction(1), "a": Fraction(1)}) == \
        split(1000, {"c": 1, "b": 1, "a": 1})
    assert split_fraction(100, {"x": Fraction(1, 10), "y": Fraction(9, 10)}) == {"x": 10, "y": 90}


def test_round_shares_refuses_a_non_integer_total():
    with pytest.raises(ValueError):
        round_shares({"a": Fraction(1, 2)})
