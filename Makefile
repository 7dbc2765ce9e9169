# Career Ladder Builder. `make run` serves the product with a demo organization;
# `make test` runs the whole suite. Both install whatever is missing first.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS=never
export UV_LINK_MODE=copy
# Python 3.12 from pyenv, even when its shims are not on PATH (as in some CI shells).
PYENV_PY312 := $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12)))
ifneq ($(PYENV_PY312),)
UV_PYTHON ?= $(PYENV_PY312)
export UV_PYTHON
endif
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PY := $(CURDIR)/.venv/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install system-packages browser run serve test test-only lint typecheck check-migrations bench load fmt clean

help:
	@echo "make run    - install, migrate, seed a demo organization, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install (Chromium included) and run linters, type checks and every test"
	@echo "make bench  - run the benchmarks in bench/ and print the figures"
	@echo "make load   - deadline-day load test (locust, gunicorn, PostgreSQL and SQLite)"

$(UV):
	@echo "==> Installing uv into .tools/"
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

# Debian packages WeasyPrint needs for PDFs (installed when we are root and they are missing).
system-packages:
	@bin/install-system-packages runtime

browser:
	@bin/install-system-packages browser

# axe-core, which the browser tests inject to check accessibility (test-only, never served):
# pinned in package.json and package-lock.json, installed with the machine's npm.
node-packages: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || bin/install-system-packages node
	npm ci --no-audit --no-fund --loglevel=error

install: $(UV) system-packages
	@$(UV) sync --frozen --quiet
	@mkdir -p var

run: install
	@bin/serve

test: install browser node-packages test-only

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it every test
# process, xdist worker and subprocess compiles Django, its dependencies and the rewritten
# tests from source again (collection alone: 41 s of CPU per worker instead of 16 s).
# The caches are __pycache__ folders (ignored by git) and the .venv.
test-only: lint typecheck check-migrations node-packages
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check . || (echo "Run 'make fmt' to format."; exit 1)

fmt:
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck:
	TESTING=1 $(PY) -m mypy .

check-migrations:
	TESTING=1 $(MANAGE) makemigrations --check --dry-run

bench: install
	$(PY) bench/run.py

# Deadline day under load: locust against gunicorn + a worker on PostgreSQL and SQLite,
# then every submission counted (bench/load/run.py; LOAD_ARGS="--db sqlite --users 50").
load: install
	$(PY) bench/load/run.py $(LOAD_ARGS)

clean:
	rm -rf .venv .tools var/static node_modules
