# The two commands: `make run` (the application, embedded mode by default) and
# `make test` (the whole suite). Both create the virtual environment themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench nodes soak lint env stop check

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

run: $(STAMP)
	$(PY) scripts/dev.py run

test: $(STAMP)
	$(PY) scripts/dev.py test $(ARGS)

bench: $(STAMP)
	$(PY) scripts/dev.py bench $(ARGS)

# Two gunicorn instances, two Celery workers and one beat on one PostgreSQL and one Redis,
# with the multi-node checks (docs/DEPLOYMENT.md).
nodes: $(STAMP)
	$(PY) scripts/nodes.py check

# 50 signed-in users of mixed roles for 5 minutes against both instances (docs/PERFORMANCE.md).
soak: $(STAMP)
	$(PY) scripts/soak.py $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: $(STAMP)
	$(PY) scripts/dev.py env >/dev/null
	eval "$$($(PY) scripts/dev.py env)" && DJANGO_DEBUG=1 $(PY) manage.py check && DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

env: $(STAMP)
	@$(PY) scripts/dev.py env

stop: $(STAMP)
	$(PY) scripts/dev.py stop
