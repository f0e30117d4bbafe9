# The README's two commands: `make serve` (install, build a release if there is none, serve)
# and `make test` (install with test extras and system test dependencies, run the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
YASGUI := publisher/web/static/vendor/yasgui/yasgui.min.js
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: serve build test install install-test assets system-test-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP) assets
install-test: $(TESTSTAMP) assets

# The SPARQL editor (YASGUI) from npm, copied into our static files: never a CDN.
$(YASGUI): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(YASGUI); \
	else echo "npm not found: the query editor will fall back to a plain form" >&2; fi

releases/latest: $(STAMP)
	$(BIN)/publisher build

build: $(STAMP)
	$(BIN)/publisher build

serve: install releases/latest
	$(BIN)/publisher serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

system-test-deps:
	./scripts/install-test-system-deps.sh

test: system-test-deps $(TESTSTAMP)
	$(MAKE) --no-print-directory $(YASGUI)
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) releases data node_modules .pytest_cache
