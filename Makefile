# Tingia developer commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
export VENV

.PHONY: help run install services services-stop worker lint fmt migrate translations bench \
        test test-fast clean distclean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## set up everything, run worker + web on http://127.0.0.1:5000 (HOST=, PORT=)
	@bash scripts/run.sh

install: ## create .venv and install requirements.txt (skipped when unchanged)
	@bash scripts/bootstrap.sh

services: ## start the dev Redis in .run/redis (unless REDIS_URL already answers)
	@bash scripts/services.sh start

services-stop: ## stop the dev Redis started by `make services` / `make run`
	@bash scripts/services.sh stop

worker: ## run the background worker in the foreground (python -m workers)
	@bash scripts/run.sh worker

migrate: ## apply database migrations (flask db upgrade)
	@bash scripts/run.sh migrate

lint: install ## ruff check + ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## auto-fix lint issues and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

translations: install ## extract messages, update and compile the Vietnamese catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --width=100 \
		-o tingia/translations/messages.pot .
	$(BIN)/pybabel update -i tingia/translations/messages.pot -d tingia/translations -l vi \
		--no-fuzzy-matching --width=100
	$(BIN)/pybabel compile -d tingia/translations -l vi

bench: install ## matching benchmark
	$(BIN)/python -m bench.matching --sizes 10000

test: ## lint + full test suite on SQLite and PostgreSQL (PYTEST_ARGS="-k foo" to filter)
	@bash scripts/test.sh $(PYTEST_ARGS)

test-fast: ## test suite on SQLite only, without browser tests
	@bash scripts/test.sh --fast $(PYTEST_ARGS)

clean: ## stop dev Redis; remove .run and caches (keeps .venv and instance/)
	@if [ -f .run/redis/redis.pid ]; then bash scripts/services.sh stop; fi
	rm -rf .run .pytest_cache .ruff_cache htmlcov .coverage test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## clean + remove .venv
	rm -rf $(VENV)
