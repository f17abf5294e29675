# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# What `make run` serves with: DEBUG off (no URL list on a 404, the styled error pages), static
# files from the collected manifest, plain HTTP on this machine, e-mails written to sent-emails/.
LOCAL_PROD = DEBUG=false SECRET_KEY="$$(cat .secret-key)" ALLOWED_HOSTS=$(HOST),localhost \
	SECURE_COOKIES=false EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	SITE_URL=http://$(HOST):$(PORT)

.PHONY: install serve-prod smoke-prod backup restore run test test-fast chromium screenshots frontend lint format benchmark forecast-backtest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load councils, the published ILACS, SEND and youth justice histories and demo data; serve on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_councils
	$(BIN)/python manage.py import_published ilacs
	$(BIN)/python manage.py import_published send
	$(BIN)/python manage.py import_published hmip
	$(BIN)/python manage.py seed_demo
	@test -s .secret-key || (umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret-key)
	$(LOCAL_PROD) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/ with DEBUG off (sign in with a demo user above; e-mails such as password resets are written to sent-emails/)"
	$(LOCAL_PROD) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## The production stack without Docker: gunicorn, Celery worker and beat on PostgreSQL and Redis,
## DEBUG off, static files from the manifest (settings: scripts/serve-prod, README "Production")
serve-prod: install
	scripts/serve-prod

## Start `make serve-prod` on a scratch database and run its smoke test against it (in .ci/run)
smoke-prod: install
	scripts/smoke-prod

## A complete backup of the database (DATABASE_URL) to backup-DATE.dump (README "Backup and restore")
backup: install
	$(BIN)/python manage.py backup --output backup-$$(date +%Y%m%d-%H%M%S).dump

## Restore a backup into the database (DATABASE_URL), replacing it: make restore FILE=backup-....dump
restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backup-....dump"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

## Install and run the whole test suite (browser tests need Chromium: installed here when possible)
test: install chromium
	$(BIN)/python -m pytest

## Unit and page tests only, no browser
test-fast: install
	$(BIN)/python -m pytest -m "not browser"

## Debian's Chromium for the browser tests, when missing and the machine allows installing it
chromium:
	@scripts/ensure-chromium || true

## Refresh the README's screenshots in docs/screenshots/ from the browser tests
screenshots: install chromium
	SAVE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q

## Rebuild static/govuk from the govuk-frontend npm package (needs Node.js; output is committed)
frontend:
	cd frontend && ./build.sh

## Benchmarks on PostgreSQL at national scale (DATABASE_URL, default a local burden_bench), the load test last (locust, the bench extra); JSON in benchmarks/results/
benchmark: install
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python -m benchmarks.seed
	$(BIN)/python -m benchmarks.clusters
	$(BIN)/python -m benchmarks.dashboards
	$(BIN)/python -m benchmarks.exports
	$(BIN)/python -m benchmarks.load

## Backtest the forecast on the published history loaded by `make run`; JSON in benchmarks/results/, table in the README
forecast-backtest: install
	$(BIN)/python manage.py forecast_backtest --readme

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3 db.sqlite3-wal db.sqlite3-shm
