# Two commands: `make run` serves the demo town, `make test` runs every test.
# Both install what is missing first; see README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
DATABASE_URL ?= $(shell scripts/pg.sh url webmap)
TEST_DATABASE_URL ?= $(shell scripts/pg.sh url webmap_test)
# A DATABASE_URL given from outside names someone else's PostGIS: leave its server alone.
OWN_SERVER := $(if $(filter environment,$(origin DATABASE_URL)),,yes)
export DATABASE_URL TEST_DATABASE_URL

.PHONY: run test check setup deps venv vendor translations db server

# The monitor (webmap monitor) works beside the web server and stops with it.
run: setup db
	$(BIN)/webmap monitor & monitor=$$!; \
	trap 'kill $$monitor 2>/dev/null; wait $$monitor 2>/dev/null' EXIT INT TERM; \
	$(BIN)/webmap run --host 127.0.0.1 --port 5000

test: setup server
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Static checks: lint and format (ruff), types (mypy on webmap and geo), layer contracts (import-linter).
check: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

setup: deps venv vendor translations

deps:
	@scripts/install-deps.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Compiled message catalogues (.mo) are built, not committed.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d webmap/translations

# Front-end libraries come from the npm registry and are copied to static/vendor.
vendor: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor
	cp -r node_modules/leaflet/dist static/vendor/leaflet
	cp -r node_modules/leaflet.markercluster/dist static/vendor/leaflet.markercluster
	cp -r node_modules/jquery/dist static/vendor/jquery
	mkdir -p static/vendor/leaflet.heat && cp node_modules/leaflet.heat/dist/leaflet-heat.js node_modules/leaflet.heat/LICENSE static/vendor/leaflet.heat/  # maps: operator heat layer
	mkdir -p static/vendor/chart.js && cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md static/vendor/chart.js/
	mkdir -p static/vendor/swagger-ui && cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE node_modules/swagger-ui-dist/NOTICE static/vendor/swagger-ui/  # /api/docs
	touch $@

server:
ifeq ($(OWN_SERVER),yes)
	@scripts/pg.sh start
endif

db: server
	@scripts/pg.sh createdb "$(DATABASE_URL)"
	$(BIN)/webmap db upgrade
	$(BIN)/webmap triage train --if-missing
	$(BIN)/webmap demo load --if-empty
