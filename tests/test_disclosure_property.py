"""`kpb rapport --publicera`: no protected cell can be derived from its table's published
total and published rows, checked by enumerating every table the published figures allow."""

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.report.disclosure import DOMINANCE, MIN_PERSONS, protected_rows

# a table: rows of persons, each person an annual cost in öre; the last row is the total
persons = st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=0, max_size=6)
tables = st.lists(persons, min_size=1, max_size=5)


@cache
def compositions(total: int, parts: int) -> tuple[tuple[int, ...], ...]:
    """Every way to write `total` as `parts` counts of at least 1 person."""
    if parts == 1:
        return ((total,),) if total >= 1 else ()
    return tuple((first, *rest) for first in range(1, total - parts + 2)
                 for rest in compositions(total - first, parts - 1))


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_protected_cell_can_be_derived(rows):
    counts = [len(r) for r in rows]
    costs = [sum(r) for r in rows]
    largest = [max(r, default=0) for r in rows]
    flags = protected_rows(counts + [sum(counts)], costs + [sum(costs)],
                           largest + [max(largest)], total_row=True)
    body, total_protected = flags[:-1], flags[-1]
    for count, cost, big, protected in zip(counts, costs, largest, body):
        if not protected:  # what is published is safe on its own
            assert count == 0 or count >= MIN_PERSONS
            assert big <= DOMINANCE * cost
    if total_protected:
        assert all(body)  # nothing is published when the total itself is withheld
        return
    hidden = [c for c, p in zip(counts, body) if p]
    if not hidden:
        return
    assert min(hidden) >= 1  # so "at least 1 each" is all a reader may assume
    assert len(hidden) >= 2  # else its cost is the total minus the published costs
    possible = compositions(sum(hidden), len(hidden))  # what a reader can reconstruct
    for position in range(len(hidden)):
        assert len({table[position] for table in possible}) >= 2


def test_a_lone_small_row_takes_a_partner_and_the_partner_is_not_derivable():
    flags = protected_rows([1, 5, 9, 15], total_row=True)
    assert flags == [True, True, False, False]


def test_two_single_persons_are_not_enough_since_both_must_be_one():
    # 1 + 1 = 2 protected: a reader knows each is at least 1, so each is exactly 1
    assert protected_rows([1, 1, 7, 9], total_row=True) == [True, True, True, False]


def test_dominance_protects_a_row_of_many():
    flags = protected_rows([4, 5, 9], costs=[100, 50, 150], largest=[60, 20, 60])
    assert flags == [True, False, False]


def distribution_tables(n: int):
    """Fördelning and Fördelningskurva of n brukare with distinct costs, as published."""
    from decimal import Decimal

    import polars as pl

    from kpb.report.disclosure import PROTECTED, publish
    from kpb.report.tables import ReportData, fordelning, fordelningskurva

    people = pl.DataFrame({"person_id": [f"p{i:04d}" for i in range(n)],
                           "kostnad": pl.Series([Decimal(1000 + 37 * i * i) for i in range(n)],
                                                dtype=pl.Decimal(18, 2))})
    data = ReportData(2024, "", {"brukare": people})
    return [publish(make(data)).frame for make in (fordelning, fordelningskurva)], PROTECTED


def test_small_distributions_withhold_deciles_and_the_curve_together():
    (groups, curve), protected = distribution_tables(25)
    deciles = groups.filter(pl_col("grupp").str.starts_with("Decil"))
    assert deciles[protected].all() and deciles["kostnad"].is_null().all()
    top = groups.filter(~pl_col("grupp").str.starts_with("Decil"))
    assert (top.filter(~pl_col(protected))["antal"] >= MIN_PERSONS).all()
    assert curve["andel_kostnad"].is_null().sum() == curve.height - 2  # only 0 % and 100 %


def test_large_distributions_are_published_whole():
    (groups, curve), protected = distribution_tables(400)
    assert not groups[protected].any() and not curve[protected].any()


def pl_col(name):
    import polars as pl
    return pl.col(name)
