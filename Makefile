# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test translations translations-update lint worker bench

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

run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The suite runs in PYTEST_WORKERS processes (pytest-xdist; 0 runs it in this one), each with
# SQLite files and PostgreSQL databases of its own.
PYTEST_WORKERS ?= 2
test: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# After adding or changing user-visible strings: extract them, then translate the new entries.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/python translations/fill_english.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Background work for a deployment: the deadline sweep and the e-mail outbox, every 5 minutes.
worker: $(VENV)/.installed
	while true; do $(BIN)/flask deadlines sweep; $(BIN)/flask outbox deliver; sleep 300; done

# Benchmarks (not part of `make test`): N synthetic cases in PostgreSQL, pages under load.
N ?= 100000
bench: $(VENV)/.installed translations
	$(BIN)/python -m bench.run --n $(N)
