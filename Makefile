# Newsdesk: executable documentation. `make run` and `make test` are the two commands.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run test test-sqlite test-postgres lint format bench browser services nginx clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# Byte-compile our own modules once (the editable install does not, and with PYTHONDONTWRITEBYTECODE
	@# set every command would compile them again at start-up).
	$(BIN)/python -m compileall -q newsdesk config >/dev/null
	@touch $@

run: install
	NEWSDESK_ALLOW_PRIVATE_NETWORKS=1 $(BIN)/python -m newsdesk_demo.run

# The whole suite, on SQLite and then on the machine's PostgreSQL.
test: install browser services nginx test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest $(PYTEST_ARGS)

# tests/scale/ (nginx, several processes, Redis) is collected only here, on PostgreSQL.
test-postgres: install services nginx
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Chromium for the browser tests, from the system's package manager.
browser:
	@scripts/ensure-chromium

# nginx for the scale-out tests, from the system's package manager.
nginx:
	@scripts/ensure-nginx

# PostgreSQL and Redis, started if they are down; pg_dump and pg_restore for the backup tests.
services:
	@scripts/ensure-services
	@scripts/ensure-pg-client

bench: install
	$(BIN)/python -m bench.extract
	$(BIN)/python -m bench.consent
	$(BIN)/python -m bench.newsletter
	$(BIN)/python -m bench.integrity
	$(BIN)/python -m bench.live
	$(BIN)/python -m bench.websub
	$(BIN)/python -m bench.metrics
	$(BIN)/python -m bench.console

clean:
	rm -rf $(VENV) build *.egg-info test-output
