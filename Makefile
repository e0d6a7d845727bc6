# Quick start: `make run` (set up and run the flow on raw/ into curated/), `make test`.
PYTHON ?= python3
VENV ?= .venv
RAW ?= raw
CURATED ?= curated
BIN := $(VENV)/bin

.PHONY: run test install install-test bench clean

run: $(VENV)/.installed
	$(BIN)/evidence-extract run --raw $(RAW) --curated $(CURATED)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .prefect curated .pytest_cache .hypothesis
