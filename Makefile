# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint bench migrate seed sweep clean

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## Start web, Celery worker and beat with the demo borough loaded.
run: install
	bash scripts/run-local.sh

## The whole test suite: on PostgreSQL when DATABASE_URL points at it, else on SQLite.
test: install
	bash scripts/test.sh

## Benchmarks at national scale on PostgreSQL (by hand, never in `make test`): see bench/README.md.
bench: install
	bash bench/run.sh

lint: install
	$(BIN)/ruff check .

sweep: install
	$(BIN)/python manage.py sla_sweep

clean:
	rm -rf $(VENV) var .pytest_cache
