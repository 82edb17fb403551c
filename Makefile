# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test translations translations-update lint worker beat bench cluster

# Reinstall only when a requirements file changes, so a second `make run` starts at once.
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Compiled catalogs are build output, never committed or edited by hand.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v '^$$' || true

# The web server and the background worker (Celery, with beat inside it, its queue a SQLite file
# under instance/); Ctrl-C stops both. SMS and e-mails land in the development outbox
# (/admin/outbox) unless SMS_GATEWAY_URL and SMTP_HOST say otherwise.
INSTANCE ?= $(or $(MEDIATION_INSTANCE_DIR),instance)
# wsgi.py and the worker start in production unless told otherwise; the demo is development.
run: export MEDIATION_ENV = development
run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --history
	$(BIN)/celery -A mediation.worker worker --beat --pool=solo --loglevel=warning \
		--schedule $(INSTANCE)/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; 0 runs it in this one), each with
# SQLite files and PostgreSQL databases of its own. Each process collects the whole suite, and
# the Celery workers and entry points it starts import the app again: bytecode is kept (some
# machines set PYTHONDONTWRITEBYTECODE) and compiled once beforehand, and only xdist of the
# installed pytest plugins is loaded (pytest would otherwise rewrite the asserts of every
# module of hypothesis, schemathesis and anyio in every process; the tests call those
# libraries directly). Together that makes starting a process about 7 s faster.
PYTEST_WORKERS ?= 2
test: $(VENV)/.installed-dev translations
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m compileall -q mediation workflows wsgi.py
	PYTHONDONTWRITEBYTECODE= PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest \
		-p xdist.plugin -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# After adding or changing user-visible strings: extract them, then translate the new entries.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location \
		--sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--ignore-obsolete
	$(BIN)/python translations/fill_english.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A deployment's background processes (README, "Production layout"): as many workers as needed,
# on any machine, and exactly one beat; both take REDIS_URL and the app's other settings.
worker: $(VENV)/.installed
	$(BIN)/celery -A mediation.worker worker --loglevel=info

beat: $(VENV)/.installed
	$(BIN)/celery -A mediation.worker beat --loglevel=info --schedule $(INSTANCE)/celerybeat-schedule

# Benchmarks (not part of `make test`): N synthetic cases in PostgreSQL, pages under load.
N ?= 100000
bench: $(VENV)/.installed translations
	$(BIN)/python -m bench.run --n $(N)

# Several processes, one truth (bench/cluster.py): two gunicorn instances, two Celery workers
# and beat on one PostgreSQL and one Redis database, CLUSTER_SECONDS of mixed load through both
# instances, then the checks; again with an instance and a worker killed mid-load. The
# database (CLUSTER_DATABASE_URL, default mediation_cluster) is made afresh and the Redis
# database (CLUSTER_REDIS_URL, default db 12) emptied. Exits 1 if a check fails.
CLUSTER_SECONDS ?= 60
cluster: $(VENV)/.installed translations
	$(BIN)/python -m bench.cluster --seconds $(CLUSTER_SECONDS)
	$(BIN)/python -m bench.cluster --seconds $(CLUSTER_SECONDS) --kill
