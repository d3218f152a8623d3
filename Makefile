# Cartable's commands. The README's two: `make run` (the service with a demo school) and `make test`
# (every check and test, on SQLite and on a throwaway PostgreSQL). `make help` lists them all.
# Plain GNU Make 4.3; every target first makes sure .venv exists and is installed from pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pyproject.toml newer than it means install again.
STAMP := $(VENV)/.installed

UAI ?= 0750655E
NAME ?= Lycée Louis-le-Grand
STUDENTS ?= 1200
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help venv run serve check test test-fast e2e bench bench-login bench-rush format clean

help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: UAI=$(UAI) STUDENTS=$(STUDENTS) HOST=$(HOST) PORT=$(PORT) (e.g. make run PORT=8080)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(STAMP) ## Create .venv and install Cartable with its dev tools (done by every target).

run: $(STAMP) ## Create the demo school on first run (prints its login), then serve on HOST:PORT.
	$(BIN)/cartable demo --uai $(UAI) --name "$(NAME)" --students $(STUDENTS) --if-missing
	$(BIN)/cartable serve --host $(HOST) --port $(PORT)

serve: $(STAMP) ## Serve the bases already in CARTABLE_DATA_DIR (default ./var), no demo.
	$(BIN)/cartable serve --host $(HOST) --port $(PORT)

check: $(STAMP) ## Lint, format check, types and layer contracts (no tests).
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: check ## Every check, then all tests on SQLite and a throwaway PostgreSQL (what CI runs).
	$(BIN)/pytest

test-fast: $(STAMP) ## The tests without PostgreSQL and without the server process tests.
	$(BIN)/pytest -m 'not postgres and not e2e'

e2e: $(STAMP) ## Only the end-to-end tests (a real server process over HTTP).
	$(BIN)/pytest tests/e2e

bench: $(STAMP) ## Measure the directory (figures go to BENCHMARKS.md by hand).
	$(BIN)/python -m bench.bench_directory

bench-login: $(STAMP) ## Measure logins (argon2id) against a real server under load (figures go to BENCHMARKS.md by hand).
	$(BIN)/python -m bench.bench_login

bench-rush: $(STAMP) ## Measure the 8 o'clock rush: a morning's registers called by 16 clients over HTTP (figures go to BENCHMARKS.md by hand).
	$(BIN)/python -m bench.bench_rush

format: $(STAMP) ## Rewrite the code in the project's style (ruff format, ruff --fix).
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean: ## Remove caches and the venv; never ./var (the data).
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache build *.egg-info
