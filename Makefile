# Frontline: `make run` serves the bundled data on http://127.0.0.1:8050, `make test` runs
# every test. Each target creates or refreshes .venv itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench loadtest data clean bytecode

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (or set PYTHON=...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgis]'
	touch $(STAMP)

# Compiled once, as pip compiles installed packages: a server then starts ~0.2 s sooner
# (and where PYTHONDONTWRITEBYTECODE is set it would otherwise compile on every start).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q dashboard geo

run: bytecode
	$(BIN)/frontline serve --host 127.0.0.1 --port 8050

test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Speed at 100k, 1M and 10M generated events against a naive baseline (prints a table,
# writes bench-results/bench.json). A benchmark, not a test: takes several minutes.
bench: bytecode
	$(BIN)/frontline bench --json bench-results/bench.json

# 200 embed readers + 20 analysts for 60 s against `frontline serve --workers 2`, then the
# fault runs (a worker killed, PostGIS restarted when a --store is given). Loopback only.
loadtest: bytecode
	$(BIN)/python scripts/loadtest.py

# Rebuild data/ from the upstream copies in ../shared/data (needs that folder).
data: $(STAMP)
	$(BIN)/python scripts/build_data.py --shared ../shared/data

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
	find dashboard geo -name __pycache__ -type d -prune -exec rm -rf {} +
