"""Moved: the period service is `benchclub.periods.services`, month arithmetic is `benchclub.months`.

Only `benchclub.benchmarks.snapshots` still imports `month_end` from here; that file is being edited on
another branch, so this one line stays until the merge changes its import to `..months` (then delete).
"""
from ..months import month_end as month_end
