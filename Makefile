# The two commands in the README: `make run` and `make test`. Both are safe to re-run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint test-sqlite test-postgres benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Database, register, demo content and search index on the embedded default (SQLite in var/).
setup: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_register
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py load_funding_programmes
	$(BIN)/python manage.py setup_events
	$(BIN)/python manage.py rebuild_search_index --no-progress

run: setup
	@echo "Kooperationsatlas: http://$(HOST):$(PORT)/  (Redaktion: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest

# Runs only when DATABASE_URL is set (CI sets postgresql://postgres@127.0.0.1:5432/test).
test-postgres: $(STAMP)
	@if [ -n "$$DATABASE_URL" ]; then $(BIN)/pytest; \
	else echo "DATABASE_URL not set: PostgreSQL suite not run."; fi

test: lint test-sqlite test-postgres

# Speed figures (scripts, not tests); their latest results are in docs/benchmarks.md.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/register_import.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/matchmaking.py
	$(BIN)/python manage.py evaluate_matchmaking

clean:
	rm -rf var $(VENV)
