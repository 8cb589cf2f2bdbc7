# twinschema: every target that needs the environment builds it first, so a fresh clone needs
# nothing but Python 3.11+ and make.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
TS := $(VENV)/bin/twinschema
STAMP := $(VENV)/.installed-stamp

.PHONY: install check-sync migrate-local migrate-remote test lint format bench db-start db-stop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Bytecode of tool/ and schemas/ is written first (compileall writes it even where
## PYTHONDONTWRITEBYTECODE is set, as on some CI machines): every twinschema process then skips
## recompiling the package (about 0.3 s of CPU each; the tests start many) and the two metadata
## modules every check imports (about 4 ms).
## The main job, a check: migrate only the databases the project owns under var/ (the default
## var/local.db, the embedded server), never one named by LOCAL_DATABASE_URL, DATABASE_URL or a
## flag; then check every layer (exit 0 in sync, 1 drift: a named database behind its chain is
## reported as migration_state, with the command that migrates it).
check-sync: $(STAMP)
	@$(PY) -m compileall -qq tool schemas
	$(TS) migrate local --owned-only
	$(TS) migrate remote --owned-only
	$(TS) check

## The local SQLite database (var/local.db unless LOCAL_DATABASE_URL is set) to head.
migrate-local: $(STAMP)
	$(TS) migrate local

## The remote PostgreSQL (DATABASE_URL, or the embedded server under var/pg) to head.
migrate-remote: $(STAMP)
	$(TS) migrate remote

## The suite in parallel (pytest-xdist): each worker is a pytest session of its own, with its
## own embedded PostgreSQL in a temporary directory of its own (tests/conftest.py). Its tests
## mostly wait on that server and on subprocesses, so more workers than cores pay.
## TEST_WORKERS=0 runs it in one process. Tests marked with one xdist_group run on one worker
## (--dist loadgroup): those that use or watch this repository's own var/.
## Bytecode writing is on for the suite's own processes (PYTHONDONTWRITEBYTECODE emptied): pytest
## keeps the modules it rewrites (every test module and, the package being a pytest plugin, every
## twinschema module) only where bytecode may be written, and redid ~260 of them in each worker of
## each run. Tests that import a scratch project in-process turn bytecode off themselves.
TEST_WORKERS ?= 4
test: $(STAMP)
	@$(PY) -m compileall -qq tool schemas
	@bash scripts/ensure-system-postgres.sh
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## The live layer against Alembic and the catalog floor (without the evaluation stage), then
## what the evaluation stage adds to a cross-dialect comparison (bench/results-evaluate.json).
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/evaluate_stage.py $(BENCH_EVALUATE_ARGS)

## Keep the embedded PostgreSQL running between commands (faster), and stop it.
db-start: $(STAMP)
	$(TS) db start

db-stop: $(STAMP)
	$(TS) db stop

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
