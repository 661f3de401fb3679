# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint bench bench-peer migrate seed sweep clean

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

# GOV.UK Frontend and axe-core from the npm registry; the council's stylesheet compiled from its Sass.
NODE_INSTALLED := node_modules/.installed
CSS := build/static/casework/casework.css

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_INSTALLED)

$(CSS): $(NODE_INSTALLED) casework/static_src/casework.scss
	mkdir -p $(dir $(CSS))
	npx --no-install sass --load-path=node_modules --no-source-map --style=compressed --quiet-deps \
		casework/static_src/casework.scss $(CSS)

install: $(INSTALLED) $(CSS)

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

## Beside django-helpdesk at 100,000 cases and tickets, measured in one run (commit first): see bench/README.md.
bench-peer: install
	bash bench/peer.sh

lint: install
	$(BIN)/ruff check .

sweep: install
	$(BIN)/python manage.py sla_sweep

clean:
	rm -rf $(VENV) var build node_modules .pytest_cache
