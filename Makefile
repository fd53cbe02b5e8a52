# The two commands: `make run` serves the portal with its worker and scheduler; `make test` runs
# every check. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check -q
export PIP_NO_INPUT := 1

.PHONY: run test install install-dev lint clean bench system-libraries

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

# WeasyPrint (the printed letters and report PDFs) needs the Pango text library from the operating
# system: installed here with apt where it can be, otherwise named for you to install.
system-libraries:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Pango for the printed letters"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  elif ! ldconfig -p 2>/dev/null | grep -q libpango; then \
	    echo "Please install Pango (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango)"; \
	  fi; \
	fi

install: $(VENV)/.installed system-libraries

install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json system-libraries

# Serves on http://127.0.0.1:$(PORT) with a Celery worker and beat on the embedded file transport;
# links in e-mails point there unless SITE_URL says otherwise. The worker runs in a session of its
# own, so Ctrl+C reaches only the web server; when that stops, the worker is told once to stop and
# waited for. (Signalling the whole group from a trap re-entered the trap: thousands of "Warm
# shutdown" lines and a crashed worker.)
PORT ?= 8000
run: export DJANGO_DEBUG ?= 1
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@setsid $(VENV)/bin/celery -A participation_portal worker --beat --pool=solo --loglevel=INFO & worker=$$!; \
	trap 'trap - INT TERM EXIT; kill -TERM $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The suite includes the production path (participation_portal/tests/test_production_path.py):
# collectstatic, check --deploy, migrate and gunicorn with DJANGO_DEBUG off, so a broken deploy fails.
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

# Speed under load (gunicorn, wrk) against the framework's floors; needs PostgreSQL and wrk. Builds its
# own data in BENCH_DATABASE_URL, never in the portal's database. BENCH_ARGS="--quick" for a smoke run.
bench: $(VENV)/.installed-dev
	$(PY) bench/http.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var db.sqlite3 staticfiles
