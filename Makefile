# Frontdesk — two commands: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
LOCALE := src/frontdesk/locale

.PHONY: run test lint typecheck translations screenshots clean

run: $(RUNTIME_STAMP)
	$(BIN)/frontdesk serve

test: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pybabel compile --use-fuzzy -d $(LOCALE) -D messages
	touch $@

$(DEV_STAMP): requirements-dev.lock $(RUNTIME_STAMP)
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

# The workspace screenshots of docs/user, from the demo data (needs Debian's Chromium).
screenshots: $(DEV_STAMP)
	$(BIN)/python docs/user/screenshots.py

# Re-extract UI strings after changing templates or messages, then translate the .po files.
translations: $(RUNTIME_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k ui_text -o $(LOCALE)/messages.pot src/frontdesk
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages
	$(BIN)/pybabel compile --use-fuzzy -d $(LOCALE) -D messages

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
