"""The check stage: typed inputs and the rules -> every problem at once, before anything is
stored or allocated.

`check_inputs(tables, rules, year, settings)` runs every check of the data against the rules
(ledger rows no pool takes, key problems, activity rows outside the year, unknown insats codes,
rows no pool uses, pools with cost and no volume or volume and no cost, persons without
attributes, implausible volumes) and returns `Checked`: the problems, each tagged with its
kind, and the facts the checks had to compute anyway (ledger rows with their pool, pool totals,
key weights, volumes), which the allocation builds on instead of computing them again.

Both `kpb check` and `kpb compute` call it, so check refuses exactly what compute refuses.
"""

from kpb.check.stage import CheckSettings, Checked, check_inputs

__all__ = ["CheckSettings", "Checked", "check_inputs"]
