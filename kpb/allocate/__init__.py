"""Polars: ledger -> pools -> overhead -> volumes -> persons, exact to the öre."""

from kpb.allocate.engine import Allocation, allocate
from kpb.flow.split import largest_remainder, round_shares, split_fraction

__all__ = ["Allocation", "allocate", "largest_remainder", "round_shares", "split_fraction"]
