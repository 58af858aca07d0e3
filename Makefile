# BenchClub: `make run` serves the demo club, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench clean browsers migration serve worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	@$(BIN)/python -m benchclub.demo --print-logins
	$(FLASK) run --host 127.0.0.1 --port 5000

browsers:
	@command -v chromium >/dev/null 2>&1 || ( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium )

# Every test on SQLite; then, when TEST_DATABASE_URL is set (CI), every non-browser test on PostgreSQL.
test: install browsers
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== again on $$TEST_DATABASE_URL =="; $(BIN)/python -m pytest -m "not browser"; fi

lint: install
	$(BIN)/ruff check .

# Timings on a synthetic programme in an EMPTY database (SQLite temp file, or BENCH_DATABASE_URL).
# BENCH_ARGS=--quick for a run under a minute. wrk (Debian) measures HTTP throughput; installed if missing.
bench: install
	@command -v wrk >/dev/null 2>&1 || timeout 120 sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)' || echo "wrk could not be installed: the HTTP figures will be skipped"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.db

# Regenerate the initial migration from the models (pre-release only: nothing is deployed yet).
# The old file is kept aside and restored if generation fails.
migration: install
	@tmp=$$(mktemp -d); mv migrations/versions/0001_initial_schema.py $$tmp/; \
	if DATABASE_URL=sqlite:///$$tmp/m.db $(FLASK) db migrate -m "initial schema" --rev-id 0001 >$$tmp/log 2>&1; then \
	  echo "regenerated migrations/versions/0001_initial_schema.py"; \
	else cat $$tmp/log; mv $$tmp/0001_initial_schema.py migrations/versions/; echo "migration NOT regenerated"; exit 1; fi; \
	rm -rf $$tmp

# Production: gunicorn (WEB_CONCURRENCY workers) plus, when REDIS_URL is set, one job worker.
# Settings come from the environment: DATABASE_URL, REDIS_URL, SECRET_KEY, WEB_CONCURRENCY, BIND.
serve: install
	BENCHCLUB_ENV=production $(FLASK) db upgrade
	@trap 'kill 0' INT TERM EXIT; \
	if [ -n "$$REDIS_URL" ]; then BENCHCLUB_ENV=production $(BIN)/python -m benchclub.jobs.worker & fi; \
	BENCHCLUB_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# An RQ worker for background jobs (needs REDIS_URL; without it jobs run inline in the web process).
worker: install
	BENCHCLUB_ENV=$${BENCHCLUB_ENV:-production} $(BIN)/python -m benchclub.jobs.worker
