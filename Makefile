# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LINTED := bot handlers storage tests tools $(wildcard bench)

.PHONY: run test lint fmt serve clean bench lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` installs exactly what requirements-run.lock pins (what running needs), `make
# test` what requirements.lock pins (that and the test tools), then the project itself
# without resolving again; `make lock` refreshes both from pyproject.toml's ranges.
RUN_STAMP := $(VENV)/.installed-run
$(RUN_STAMP): requirements-run.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-run.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(RUN_STAMP)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP) $(RUN_STAMP)

## make run: Socket Mode when Slack tokens are configured, otherwise the console stand-in.
run: $(RUN_STAMP)
	$(BIN)/coach run

## make test: lint, type-check and the whole suite (SQLite and PostgreSQL).
test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy bot handlers storage
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

## make lock: re-pin every dependency (and the test tools) within pyproject.toml's ranges.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/python tools/run_lock.py

fmt: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

serve: $(RUN_STAMP)
	$(BIN)/coach serve

## make bench: the benchmarks (see bench/README.md); each prints its table and
## writes bench/results/<name>.json. A missed target does not stop the others.
bench: $(STAMP)
	-$(BIN)/python -m bench.ack_load
	-$(BIN)/python -m bench.ack_cpu
	-$(BIN)/python -m bench.scale
	-$(BIN)/python -m bench.fanout
	-$(BIN)/python -m bench.slow_clients --database sqlite,postgresql --repeats 3
	-$(BIN)/python -m bench.matching
	-$(BIN)/python -m bench.match_scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
