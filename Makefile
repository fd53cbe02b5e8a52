# The two commands: `make run` serves the portal with its worker and scheduler; `make test` runs
# every check. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check -q
export PIP_NO_INPUT := 1

.PHONY: run test install install-dev lint migrate demo worker clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

# Serves on http://127.0.0.1:8000 with a Celery worker and beat on the embedded file transport.
run: export DJANGO_DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A participation_portal worker --beat --pool=solo --loglevel=INFO & \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# With DATABASE_URL and CELERY_BROKER_URL set, the suite runs on PostgreSQL and the tests that need
# a real worker run on Redis. Browser tests run when Chromium is installed (REQUIRE_BROWSER=1: must).
test: export DJANGO_DEBUG ?= 1
test: install-dev lint
	$(PY) manage.py makemigrations --check --dry-run
	@status=0; $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then \
	  echo "pytest collected no tests with PYTEST_ARGS='$(PYTEST_ARGS)'"; \
	  if [ -n "$$CI" ]; then exit 1; else exit 0; fi; \
	fi; exit $$status

clean:
	rm -rf $(VENV) node_modules var db.sqlite3 staticfiles
