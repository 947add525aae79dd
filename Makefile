# One command runs PeerPulse (`make demo`), one passes the tests (`make test`).
# Both bootstrap what they need: uv (pinned) in .tools/, the locked environment in .venv/.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compile the packages' bytecode when they are installed: where PYTHONDONTWRITEBYTECODE is set (CI sets
# it), every `peerpulse` process otherwise compiled Dagster and its kin from source, 5-7 s each time.
export UV_COMPILE_BYTECODE := 1

.PHONY: demo dagster test test-fast lint format pg-start browser venv bench clean docs

venv: $(VENV)/.synced

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

demo: venv
	$(VENV)/bin/peerpulse demo

## Dagster's UI and daemon (`dg dev`) on loopback, with the project's instance, dagster_home/dagster.yaml:
## telemetry off, so nothing leaves the machine. DAGSTER_DISABLE_TELEMETRY also stops the upload of any
## usage log left from elsewhere. DG_ARGS passes more options (e.g. DG_ARGS="-p 3001").
DAGSTER_ENV := DAGSTER_HOME=$(CURDIR)/dagster_home DAGSTER_DISABLE_TELEMETRY=1
dagster: venv
	$(DAGSTER_ENV) $(VENV)/bin/dg dev -h 127.0.0.1 $(DG_ARGS)

## Starts (installing it if needed) the local PostgreSQL the tests run against.
pg-start:
	@bash .ci/postgres >/dev/null

## Installs Debian's Chromium if missing (the browser tests drive it).
browser:
	@bash .ci/chromium

## Lint (ruff), formatting (ruff format --check) and the layers (import-linter): CI runs these first.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## Rewrite the code in the house format, and the warehouse README's generated tables.
format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## The generated parts of the docs: the warehouse's tables, and the JSONL format's command sections (docs/import-format.md).
docs: venv
	$(VENV)/bin/python -m warehouse.docs
	$(VENV)/bin/python -m domain.command_docs

## The tests run in one worker per core (pytest-xdist), a file's tests together in one worker: most of
## their time is spent waiting on servers, browsers and subprocesses, not computing.
PYTEST_PARALLEL ?= --numprocesses=auto --dist=loadfile

test: venv lint pg-start browser
	PEERPULSE_TEST_DATABASE_URL=$$(bash .ci/postgres) $(VENV)/bin/python -m pytest $(PYTEST_PARALLEL) --durations=25

## Unit tests only: no servers, a few seconds.
test-fast: venv
	$(VENV)/bin/python -m pytest tests/unit

## Benchmarks print figures (ratios against baselines measured in the same run); they assert nothing.
bench: venv browser
	$(VENV)/bin/python tests/benchmarks/import_rate.py
	$(VENV)/bin/python tests/benchmarks/import_postgres.py
	$(VENV)/bin/python tests/benchmarks/pipeline_rebuild.py
	$(VENV)/bin/python tests/benchmarks/freshness.py
	$(VENV)/bin/python tests/benchmarks/dagster_freshness.py
	$(VENV)/bin/python tests/benchmarks/erasure.py
	$(VENV)/bin/python tests/benchmarks/sealing_cost.py
	$(VENV)/bin/python tests/benchmarks/dashboards_bench.py
	$(VENV)/bin/python tests/benchmarks/dashboards_load.py

clean:
	rm -rf .tools $(VENV) .pytest_cache
