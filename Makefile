# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

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
	$(BIN)/ruff check bot handlers storage tests bench
	$(BIN)/ruff format --check bot handlers storage tests bench
	$(BIN)/mypy bot handlers storage
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

fmt: $(STAMP)
	$(BIN)/ruff format bot handlers storage tests bench
	$(BIN)/ruff check --fix bot handlers storage tests bench

serve: $(STAMP)
	$(BIN)/coach serve

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
