"""What a member sees: the dashboard, its position on every KPI, the KPI and certificate pages, the
downloads and the home-page card. Every number comes from `benchmarks.queries` through `disclosure`."""
