"""A frozen copy of the release audit and plan as of commit f68b438 (before the speed work of this round).

Only `test_audit_reference.py` imports it: the current `benchmarks.audit*` and `benchmarks.plan` must give
exactly the same withheld figures and reasons as this copy on every club. Do not edit these files.
"""
