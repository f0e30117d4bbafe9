# The README's two commands: `make serve` (install, compile the message catalogues, build a
# release if there is none, serve) and `make test` (install with test extras and system test
# dependencies, compile the catalogues, run the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
YASGUI := publisher/web/static/vendor/yasgui/yasgui.min.js
HOST ?= 127.0.0.1
PORT ?= 8000
# empty: one gunicorn worker per CPU (publisher serve's default)
WORKERS ?=

.PHONY: serve build test install install-test assets catalogues messages system-test-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP) assets catalogues
install-test: $(TESTSTAMP) assets catalogues

# The texts people read: translators edit the .po files, gettext reads the compiled .mo files
# (not committed: made here from the .po whenever it is newer).
LOCALES := publisher/i18n/locale
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po))

catalogues: $(CATALOGUES)

$(CATALOGUES): %.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile -l $(word 4,$(subst /, ,$@)) -i $< -o $@

# After changing texts in the code or templates: add new message ids to the .po files (then
# translate the empty fi and sv entries; tests/i18n fails until they are).
messages: | $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --add-location=file -o $(LOCALES)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-fuzzy-matching \
		--ignore-obsolete
	rm $(LOCALES)/messages.pot

# The SPARQL editor (YASGUI) from npm, copied into our static files: never a CDN.
$(YASGUI): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(YASGUI); \
	else echo "npm not found: the query editor will fall back to a plain form" >&2; fi

releases/latest: $(STAMP) catalogues
	$(BIN)/publisher build

build: $(STAMP) catalogues
	$(BIN)/publisher build

serve: install releases/latest
	$(BIN)/publisher serve --host $(HOST) --port $(PORT)$(if $(WORKERS), --workers $(WORKERS))

system-test-deps:
	./scripts/install-test-system-deps.sh

test: system-test-deps $(TESTSTAMP) catalogues
	$(MAKE) --no-print-directory $(YASGUI)
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) releases data node_modules .pytest_cache
