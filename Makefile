# rendement: the two commands a municipal analyst needs are `make demo` and `make test`.
#
#   make demo            simulate Droomstad, fit, score, write lists and plan, then serve
#   make demo SERVE=0    the same, but stop before serving (for scripts); prints how to log in
#   make demo PORT=8100  serve on another port
#   make test            create/update the environment, lint, type-check and run all tests

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SERVE  ?= 1
DEMO   ?= demo
CLIENTS ?= 5000
AS_OF  ?= 2026-01-01
SEED   ?= 2026
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: all venv demo test lint format bench clean

all: test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/python -m rendement.demo --out $(DEMO) --clients $(CLIENTS) --as-of $(AS_OF) --seed $(SEED) --serve $(SERVE) --port $(PORT)

lint: venv
	$(BIN)/ruff check src api tests benchmarks studies
	$(BIN)/ruff format --check src api tests benchmarks studies
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format src api tests benchmarks
	$(BIN)/ruff check --fix src api tests benchmarks

test: venv lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
