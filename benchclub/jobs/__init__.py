"""Background jobs: long tasks (closing periods across clubs, PDF reports, reminders, big imports)
run on an RQ worker when REDIS_URL is set, inline otherwise; a Job row tracks progress and result."""
