# Quick start: `make demo` (whole pipeline on the built-in cohort), `make test` (the test suite
# without the end-to-end and whole-file real-data tests, marked `slow`); CI runs `make test`
# and then `make test-slow`, so the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-slow test-all lint docs clean serve

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# a migrated Prefect database that new Prefect homes start from (flows/prefect_api.py)
	$(BIN)/python -c "from flows.prefect_api import make_template_database as m; m()"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/omics run --out omics-demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

test-all: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check omics graphs flows tests examples benchmarks docs

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build

clean:
	rm -rf omics-demo .omics docs/_build

serve: $(STAMP)
	$(BIN)/omics serve
