# BenchClub: `make run` serves the demo club, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench clean browsers migration

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
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m benchclub.benchmarks.bench

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
