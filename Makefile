# Quick start: `make run` (set up and run the flow on raw/ into curated/), `make test`.
PYTHON ?= python3
VENV ?= .venv
RAW ?= raw
CURATED ?= curated
BIN := $(VENV)/bin
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# pip warns about every configured package index that is absent on this machine; that is
# the machine's pip configuration, not the project's, so those lines are left out.
PIP_INSTALL = $(BIN)/python -m pip install --quiet --disable-pip-version-check
QUIET_PIP = 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

.PHONY: run test browser forge-tools held-out-tools install install-test bench bench-producers bench-held-out clean

run: $(VENV)/.installed
	@$(BIN)/evidence-extract run --raw $(RAW) --curated $(CURATED)

test: $(VENV)/.installed-test browser forge-tools
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

# The review page's browser test drives Debian's Chromium (Playwright's own browser download
# is not used). As root (CI) it is installed here; elsewhere the message says what to run.
browser:
	$(call debian_command,chromium,chromium,make test's browser test)

# $(call debian_command,COMMAND,PACKAGE,WHAT NEEDS IT): install a Debian package when its command is
# missing, as root (CI); elsewhere say what to run.
debian_command = @command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $(2) for $(3)..."; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "$(3) needs $(2): sudo apt-get install $(2)"; exit 1; \
	  fi; }

# The forge's producers convert Word documents with LibreOffice, lay HTML out with WeasyPrint
# (Pango) and read PDFs as text with poppler's pdftotext. As root (CI) they are installed here;
# elsewhere the message says what to run.
FORGE_DEBS = libreoffice-writer poppler-utils libpango-1.0-0 libpangoft2-1.0-0
forge-tools:
	@{ command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
	   && /sbin/ldconfig -p | grep -q libpangoft2-1.0; } || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing LibreOffice Writer and poppler-utils for the forge's producers..."; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(FORGE_DEBS) >/dev/null; \
	  else \
	    echo "make test needs LibreOffice Writer, pdftotext and Pango: sudo apt-get install --no-install-recommends $(FORGE_DEBS)"; exit 1; \
	  fi; }

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@echo "Setting up $(VENV)/ (first run only)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP_INSTALL) --upgrade pip $(QUIET_PIP)

# After installing, Prefect's database is migrated once into the user's cache (flows/server.py),
# so a fresh checkout's first run copies it instead of migrating in front of the user.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing evidence-extract into $(VENV)/..."
	@$(PIP_INSTALL) -e . $(QUIET_PIP)
	@$(BIN)/python -m flows.server --template-only
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@echo "Installing evidence-extract with its test tools into $(VENV)/..."
	@$(PIP_INSTALL) -e '.[test]' $(QUIET_PIP)
	@$(BIN)/python -m flows.server --template-only
	@touch $(VENV)/.installed $@

# CURATED is a symlink to a snapshot in .CURATED.snapshots/ (publish.py), its run lock beside it.
CURATED_STATE = $(dir $(CURATED)).$(notdir $(CURATED))

# Benchmark on a snapshot of the code (the cache key includes a source digest); see bench/run.py.
BENCH_REPORTS ?= 70
bench: $(VENV)/.installed-test
	rm -rf bench/out/code && mkdir -p bench/out/code && cp -r src/extract flows bench/out/code/
	PYTHONPATH=bench/out/code:. $(BIN)/python -m bench.run --reports $(BENCH_REPORTS) --out bench/RESULTS.md

# Every forge producer × variant × seed through our extractor, a pdfplumber baseline and three text exports.
PRODUCER_SEEDS ?= 3
bench-producers: $(VENV)/.installed-test forge-tools
	$(BIN)/python -m bench.producers --seeds $(PRODUCER_SEEDS) --out bench/PRODUCERS.md

# Producers the forge does not draw with (Chromium, MuPDF, wkhtmltopdf, LibreOffice and xhtml2pdf laying out the forge's HTML;
# cairo, through poppler's pdftocairo, drawing Chromium's PDF again), measured apart.
bench-held-out: $(VENV)/.installed-held-out browser forge-tools held-out-tools
	$(BIN)/python -m bench.held_out --seeds 2000 2001 2002 2003 2004 --out bench/HELD_OUT.md

held-out-tools:
	$(call debian_command,wkhtmltopdf,wkhtmltopdf,make bench-held-out)

$(VENV)/.installed-held-out: $(VENV)/.installed-test
	@echo "Installing the held-out producers' tools into $(VENV)/..."
	@$(PIP_INSTALL) -e '.[test,held-out]' $(QUIET_PIP)
	@touch $@

clean:
	rm -rf $(VENV) .prefect $(CURATED) $(CURATED_STATE).snapshots $(CURATED_STATE).lock* .pytest_cache .hypothesis
