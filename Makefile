# rendement: the two commands a municipal analyst needs are `make demo` and `make test`.
#
#   make demo            simulate Droomstad, fit, score, write lists and plan, then serve
#   make demo SERVE=0    the same, but stop before serving (for scripts); prints how to log in
#   make demo PORT=8100  serve on another port
#   make test            create/update the environment, lint, type-check and run all tests
#   make battery         the timing-of-events model on every regime of the simulator,
#                        and the re-inflow model on Droomstad with 25,000 clients (against the exact truth too),
#                        and the plan over combinations with a timing-of-events model (issue 18)

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

.PHONY: all venv demo test battery lint format bench clean

all: test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/python -m rendement.cli.demo --out $(DEMO) --clients $(CLIENTS) --as-of $(AS_OF) --seed $(SEED) --serve $(SERVE) --port $(PORT)

lint: venv
	$(BIN)/ruff check src api tests benchmarks studies scripts
	$(BIN)/ruff format --check src api tests benchmarks studies scripts
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format src api tests benchmarks
	$(BIN)/ruff check --fix src api tests benchmarks

test: venv lint
	$(BIN)/python -m pytest -n 2 -m "not battery" $(PYTEST_ARGS)

# The timing-of-events model on every regime of the simulator (about 25 minutes on 2 cores).
battery: venv
	$(BIN)/python -m pytest -p no:xdist -rA -m battery tests/test_toe_battery.py tests/test_reinflow_fit.py tests/test_reinflow_outcomes.py tests/test_reinflow_truth.py tests/test_mix_truth.py $(PYTEST_ARGS)

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
