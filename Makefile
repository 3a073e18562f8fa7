# The two commands in the README: `make run` and `make test`. Both are safe to re-run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint test-sqlite test-postgres benchmark clean lock audit

# Installs the exact, hash-checked versions of requirements.lock (runtime) and
# requirements-dev.lock (tests and tools, with the same runtime pins), then the project
# itself without resolving anything again. The production image (Dockerfile) installs only
# requirements.lock. After changing dependencies in pyproject.toml run `make lock`
# (docs/operations.md, "Abhängigkeiten").
LOCKS := requirements.lock requirements-dev.lock
$(STAMP): $(LOCKS) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Both locks from pyproject.toml with pip-tools: requirements.lock from the dependencies,
# requirements-dev.lock from the dependencies + the dev extra, constrained to the runtime
# pins. Existing pins are kept where they still fit; `make lock LOCK_FLAGS=--upgrade` moves
# every package to its newest allowed version. Index URLs are not written into the files:
# pip's own configuration (pip.conf, PIP_* variables) decides where packages come from.
PIP_TOOLS ?= pip-tools>=7.4,<8
LOCK_FLAGS ?=
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(PIP_TOOLS)"
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements.lock \
	  --output-file requirements-dev.lock pyproject.toml

# Known vulnerabilities in the locked versions (pip-audit, PyPI's vulnerability data), of
# requirements-dev.lock: it holds every pin of requirements.lock too.
# --strict: a package the service cannot answer for fails the audit instead of being skipped.
# If the service cannot be reached at all, the audit fails too, unless AUDIT_UNREACHABLE=warn
# (set by .ci/run for machines without access): then it says loudly that nothing was audited.
AUDIT_UNREACHABLE ?= fail
AUDIT_PROBE := https://pypi.org/pypi/pip/24.0/json
audit: $(STAMP)
	@status=0; $(BIN)/pip-audit --strict --progress-spinner off --disable-pip --require-hashes \
	  --requirement requirements-dev.lock || status=$$?; \
	if [ $$status -ne 0 ] && ! $(BIN)/python -c \
	  "import urllib.request as u; u.urlopen('$(AUDIT_PROBE)', timeout=30)" 2>/dev/null; then \
	  echo "Abhängigkeits-Audit NICHT durchgeführt: der Schwachstellendienst" \
	    "($(AUDIT_PROBE)) ist nicht erreichbar." >&2; \
	  if [ "$(AUDIT_UNREACHABLE)" = warn ]; then \
	    echo "WARNUNG: weiter ohne Audit (AUDIT_UNREACHABLE=warn)." >&2; exit 0; fi; \
	fi; exit $$status

# Database, register, demo content and search index on the embedded default (SQLite in var/).
setup: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_register
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py load_funding_programmes
	$(BIN)/python manage.py load_guides
	$(BIN)/python manage.py setup_events
	$(BIN)/python manage.py load_legal_pages
	$(BIN)/python manage.py setup_survey_example
	$(BIN)/python manage.py rebuild_search_index --no-progress

run: setup
	@echo "Kooperationsatlas: http://$(HOST):$(PORT)/  (Redaktion: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests: Debian's Chromium (apt-get, only if missing) and axe-core from npm.
BROWSER_STAMP := node_modules/.installed
$(BROWSER_STAMP): package-lock.json scripts/install-browser-deps
	scripts/install-browser-deps
	touch $(BROWSER_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

test-sqlite: $(STAMP) $(BROWSER_STAMP)
	env -u DATABASE_URL $(BIN)/pytest

# Runs only when DATABASE_URL is set (CI sets postgresql://postgres@127.0.0.1:5432/test).
# The browser tests serve their own SQLite site, so they run once, in the SQLite pass.
test-postgres: $(STAMP)
	@if [ -n "$$DATABASE_URL" ]; then $(BIN)/pytest -m "not e2e"; \
	else echo "DATABASE_URL not set: PostgreSQL suite not run."; fi

test: lint test-sqlite test-postgres

# Speed figures (scripts, not tests); their latest results are in docs/benchmarks.md.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/register_import.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/matchmaking.py
	$(BIN)/python manage.py evaluate_matchmaking

clean:
	rm -rf var $(VENV) node_modules
