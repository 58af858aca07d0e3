"""`make bench`: timings of BenchClub on a synthetic national programme (kept outside the package)."""
