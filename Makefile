# The front door: `make run` and `make test` work on a fresh machine with Python 3.11+ and
# Node.js; everything else they install themselves into .venv/ and frontend/node_modules/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto
STATIC_SOURCES := $(shell find aftersales -path '*/static/*' -type f 2>/dev/null) frontend/package-lock.json

.PHONY: help install run serve test test-postgres lint format messages screenshots clean

help:
	@echo "make run          set up, load demo data on first start, serve http://$(HOST):$(PORT) with the worker"
	@echo "make test         set up and run the test suite (SQLite; browser tests need Chromium)"
	@echo "make lint         ruff check, ruff format --check, makemigrations --check"
	@echo "make messages     refresh and compile the zh-Hans translations"
	@echo "make screenshots  write docs/screenshots/*.png and docs/samples/*.pdf from demo data"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed for the front-end packages (e.g. apt-get install nodejs npm)."; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed frontend/node_modules/.installed

var/static/.collected: $(VENV)/.installed frontend/node_modules/.installed $(STATIC_SOURCES)
	$(BIN)/aftersales collectstatic --noinput -v0
	@touch $@

run: install var/static/.collected
	$(BIN)/aftersales migrate --noinput -v0
	$(BIN)/aftersales demo --first-start
	$(BIN)/aftersales serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/aftersales makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd aftersales && AFTERSALES_VAR_DIR=../var ../$(BIN)/aftersales makemessages -l zh_Hans --no-obsolete --no-location -i "settings/*" -i "*/tests/*"
	cd aftersales && AFTERSALES_VAR_DIR=../var ../$(BIN)/aftersales compilemessages -l zh_Hans

# The sample documents and the page screenshots from a demo database of their own under
# var/samples/, so the database you work with is left alone. Add a sample in an app's samples.py,
# a page in SHOTS of aftersales/core/screenshots.py.
SAMPLES_ENV := AFTERSALES_VAR_DIR=var/samples MEDIA_ROOT=var/samples/media DATABASE_URL=sqlite:///var/samples/aftersales.sqlite3
SAMPLES_PASSWORD := samples-only

screenshots: install
	rm -rf var/samples
	$(SAMPLES_ENV) $(BIN)/aftersales migrate --noinput -v0
	$(SAMPLES_ENV) $(BIN)/aftersales demo --password $(SAMPLES_PASSWORD) >/dev/null
	$(SAMPLES_ENV) $(BIN)/aftersales samples --out docs/samples
	$(SAMPLES_ENV) $(BIN)/aftersales screenshots --out docs/screenshots --password $(SAMPLES_PASSWORD)

clean:
	rm -rf $(VENV) frontend/node_modules var/static
