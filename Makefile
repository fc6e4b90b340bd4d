# Joint Plan. The two commands a newcomer needs:
#   make run    set up and serve the app on http://127.0.0.1:$(PORT) with demo data (SQLite, no services)
#   make test   set up and run every check and test against PostgreSQL, Redis and Chromium
SHELL := /bin/bash
.DEFAULT_GOAL := run

PY := .venv/bin/python
PORT ?= 8000
# The quick start answers replies: reminders carry Reply-To update+<token>@$(REPLY_DOMAIN), and a
# reply saved as a file is read by `manage.py receive_mail --file reply.eml` (README, "Updating by email").
REPLY_DOMAIN ?= reply.jointplan.localhost
# pytest-xdist processes for `make test`, each with its own test database (PYTEST_WORKERS=0: in one).
# Work stealing: a process that finishes its share takes tests from the other's queue, so a run of
# long browser tests left in one queue does not keep the other process idle at the end.
PYTEST_WORKERS ?= 2
# Tests run against the local PostgreSQL (pytest creates and drops test_jointplan).
TEST_ENV := DEBUG=1 DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jointplan}
# Settings as production sees them, for `check --deploy`.
PROD_ENV := DEBUG=0 SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ \
	ALLOWED_HOSTS=jointplan.example.org SITE_URL=https://jointplan.example.org EMAIL_URL=smtp+tls://mail.example.org \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/jointplan

.PHONY: run test lint check vendor bench clean

.venv/.installed: requirements.txt requirements-dev.txt bin/setup-venv
	@bin/setup-venv

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: .venv/.installed
	@DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	@DEBUG=1 $(PY) manage.py load_reference
	@DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving Joint Plan on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop); email goes to var/mail/ and this console"
	@DEBUG=1 PORT=$(PORT) REPLY_DOMAIN=$(REPLY_DOMAIN) $(PY) manage.py run_schedule & schedule=$$!; \
	trap 'kill $$schedule 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 PORT=$(PORT) REPLY_DOMAIN=$(REPLY_DOMAIN) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: .venv/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache
	DEBUG=1 $(PY) -m mypy

check: .venv/.installed
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	DEBUG=1 DATABASE_URL=sqlite:///var/makemigrations-check.sqlite3 $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	@# The Dockerfile's collectstatic step, with production's hashed and compressed storage.
	@tmp=$$(mktemp -d) && $(PROD_ENV) STATIC_ROOT=$$tmp $(PY) manage.py collectstatic --noinput -v 0 \
		&& echo "collectstatic (production storage) works" ; status=$$?; rm -rf $$tmp; exit $$status
	@if command -v docker-compose >/dev/null 2>&1; then \
		docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"; \
	elif [ -n "$${CI:-}" ]; then echo "error: docker-compose is needed to validate docker-compose.yml" >&2; exit 1; \
	else echo "skipped: docker-compose.yml not validated (install Debian's docker-compose)"; fi

test: .venv/.installed node_modules/.installed lint
	@bin/ensure-services
	@$(MAKE) --no-print-directory check
	$(TEST_ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# National-scale page benchmark against PostgreSQL (bench/README.md): seeds jointplan_bench the
# first time (a few minutes), then serves with gunicorn and prints the figures: the plan pages,
# then the public pages (signed out) on the same data. BENCH_ARGS="--reseed".
bench: .venv/.installed
	$(PY) bench/plan_pages.py $(BENCH_ARGS)
	$(PY) bench/public_pages.py $(filter-out --reseed,$(BENCH_ARGS))

vendor: node_modules/.installed
	bin/vendor-assets

clean:
	rm -rf .venv node_modules var .pytest_cache .ruff_cache
