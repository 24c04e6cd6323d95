"""The facts the check and the allocation share, computed once: ledger rows onto pools, pool
totals, key weights, volumes, overhead and the amounts each pool gives its insatser.

Below both `kpb.check` and `kpb.allocate`: the check stage asks `Facts` for what it checks, and
the allocation continues from the same object, so no step runs twice.
"""
