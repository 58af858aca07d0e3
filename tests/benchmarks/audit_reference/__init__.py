"""A frozen copy of the release audit and plan as of commit f68b438 (before the speed work of this round).

Only `test_audit_reference.py` imports it: the current `benchmarks.audit*` and `benchmarks.plan` must give
exactly the same withheld figures and reasons as this copy on every club. Do not edit these files.
It duplicates production code on purpose (a differential test of a rewrite that must not change any
answer). When a later change is meant to withhold differently, retire this copy and its test in that
commit; the independent brute-force oracle (`test_audit_oracle.py`) remains the check of safety.
"""
