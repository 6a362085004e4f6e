# Two commands do all the set-up on a fresh machine with Python 3.11+ and make:
#   make run    venv, install, migrate, demo data (once), serve on http://127.0.0.1:8000
#   make test   venv, dev install, the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench schema e2e clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==25.3

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $@

run: $(STAMP)
	$(PY) -m backend.cli migrate
	$(PY) -m backend.cli seed-demo
	$(PY) -m backend.cli serve

test: $(DEV_STAMP)
	$(PY) -m pytest

lint: $(DEV_STAMP)
	$(PY) -m ruff check backend tests
	$(PY) -m ruff format --check backend tests
	$(PY) -m mypy backend

schema: $(STAMP)
	$(PY) -m backend.cli export-schema

bench: $(DEV_STAMP)
	$(PY) -m tests.bench.run_all

e2e: $(DEV_STAMP)
	$(PY) -m pytest tests/e2e -p no:cacheprovider

clean:
	rm -rf $(VENV) var
