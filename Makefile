# Two commands on a fresh clone: `make run` and `make test`. Both set everything up first and are
# idempotent: the virtualenv is built once and re-used until pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# torch is a range in pyproject.toml for users; here it is pinned to the CPU build that ships as a
# local wheel, so set-up never pulls a multi-GB CUDA build. Override with `make TORCH=torch run`.
TORCH  ?= torch==2.13.0

.PHONY: run test quick lint bench validate clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/qkv-drill

# The full suite, as CI runs it.
test: lint
	$(BIN)/qkv-drill validate questions
	$(BIN)/pytest -n 2 -q

# While working: the same checks without the tests marked slow (kill loops, Chromium, big fuzz).
quick: lint
	$(BIN)/pytest -n 2 -q -m "not slow"

lint: $(BIN)/.installed
	$(BIN)/ruff check qkv_drill tests benchmarks
	$(BIN)/ruff format --check qkv_drill tests benchmarks
	$(BIN)/mypy qkv_drill tests

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run_all.py

validate: $(BIN)/.installed
	$(BIN)/qkv-drill validate questions

clean:
	rm -rf $(VENV) build dist *.egg-info
