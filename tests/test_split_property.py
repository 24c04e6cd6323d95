"""Properties of the largest-remainder split that every allocation relies on."""

from fractions import Fraction

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.flow.split import largest_remainder, split_fraction

amounts = st.integers(min_value=-10**13, max_value=10**13)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8).filter(
    lambda ws: sum(ws) > 0)
# A direct pool's rest is spread by the persons' direct amounts, which may be credits: weights
# of either sign, as long as they do not sum to 0 (the engine reports such a rest unspread).
signed_weight_lists = st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=8).filter(
    lambda ws: sum(ws) != 0)


def frame_of(groups):
    rows = [(g, amount, f"r{i:02d}", w) for g, (amount, ws) in enumerate(groups)
            for i, w in enumerate(ws)]
    return pl.DataFrame(rows, schema={"g": pl.Int64, "amount": pl.Int64, "receiver": pl.Utf8,
                                      "weight": pl.Int64}, orient="row")


def split_rows(frame):
    out = largest_remainder(frame, ["g"], "amount", "weight", "receiver", "share")
    return sorted(out.select("g", "receiver", "share").iter_rows())


groups = st.lists(st.tuples(amounts, weight_lists), min_size=1, max_size=5)
signed_groups = st.lists(st.tuples(amounts, signed_weight_lists), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(st.one_of(groups, signed_groups))
def test_every_split_sums_exactly_and_stays_within_one_ore(groups):
    result = split_rows(frame_of(groups))
    for g, (amount, ws) in enumerate(groups):
        got = [s for gg, _, s in result if gg == g]
        assert sum(got) == amount
        for share, w in zip(got, ws):
            assert abs(share - Fraction(amount * w, sum(ws))) < 1


@settings(max_examples=40, deadline=None)
@given(st.one_of(groups, signed_groups), st.randoms(use_true_random=False))
def test_independent_of_row_order_and_deterministic(groups, rnd):
    frame = frame_of(groups)
    order = list(range(frame.height))
    rnd.shuffle(order)
    assert split_rows(frame[order]) == split_rows(frame) == split_rows(frame)


@settings(max_examples=60, deadline=None)
@given(amounts, st.one_of(weight_lists, signed_weight_lists))
def test_fraction_sibling_agrees_with_the_column_split(amount, ws):
    columns = {r: s for _, r, s in split_rows(frame_of([(amount, ws)]))}
    fractions = split_fraction(amount, {f"r{i:02d}": Fraction(w) for i, w in enumerate(ws)})
    assert columns == fractions


@settings(max_examples=60, deadline=None)
@given(amounts, signed_weight_lists)
def test_mixed_sign_weights_leave_fewer_left_over_ore_than_receivers(amount, ws):
    """Floors never exceed the exact shares, whatever the signs: the öre handed out after the
    floors are between 0 and the number of receivers, and each goes to a different receiver."""
    got = {r: s for _, r, s in split_rows(frame_of([(amount, ws)]))}
    floors = {f"r{i:02d}": (amount * w) // sum(ws) for i, w in enumerate(ws)}
    extra = [got[r] - floors[r] for r in floors]
    assert set(extra) <= {0, 1} and 0 <= sum(extra) < len(ws)
