# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make demo   installs into .venv/ and runs the demo on the embedded default (SQLite)
#   make test   installs into .venv/ and runs format check, lint, types and the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check run bench clean lock

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/earshot demo

run: $(STAMP)
	$(BIN)/earshot run

test: $(STAMP)
	$(BIN)/python scripts/check.py

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Regenerate the pinned lock file after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install -q uv && $(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) earshot.db earshot.db-wal earshot.db-shm demo-output console-charts
