# The command contract: `make demo`, `make test`, `make lab-up`, `make lab-down`,
# `make lab-status`. Each target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: venv lint unit lab-up lab-down lab-status lab-selftest suite demo faults workflows test

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

unit: venv
	$(BIN)/pytest -c selftests/pytest.ini selftests/unit

lab-up:
	lab/up

lab-down:
	lab/down

lab-status:
	lab/status

lab-selftest: venv lab-up
	$(BIN)/pytest -c selftests/pytest.ini selftests/lab

suite: venv lab-up
	$(BIN)/pytest

demo: venv lab-up
	$(BIN)/pytest

faults: venv lab-up
	$(BIN)/pytest -c selftests/pytest.ini selftests/faults

workflows: venv lab-up
	$(BIN)/pytest -c selftests/pytest.ini selftests/workflows

test: lint unit lab-selftest suite faults workflows
