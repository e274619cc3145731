# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LINTED := bot handlers storage tests $(wildcard bench)

.PHONY: run test lint fmt serve clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

## make run: Socket Mode when Slack tokens are configured, otherwise the console stand-in.
run: $(STAMP)
	$(BIN)/coach run

## make test: lint, type-check and the whole suite (SQLite and PostgreSQL).
test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy bot handlers storage
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

fmt: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

serve: $(STAMP)
	$(BIN)/coach serve

## make bench: the benchmarks (see bench/README.md); each prints its table and
## writes bench/results/<name>.json. A missed target does not stop the others.
bench: $(STAMP)
	-$(BIN)/python -m bench.ack_load
	-$(BIN)/python -m bench.ack_cpu
	-$(BIN)/python -m bench.scale
	-$(BIN)/python -m bench.fanout
	-$(BIN)/python -m bench.matching
	-$(BIN)/python -m bench.match_scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
