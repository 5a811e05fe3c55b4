# Two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# One test worker per core (pytest-xdist); each worker has its own database. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test setup system-deps test-system-deps translations bytecode migrate demo test-sqlite test-postgres benchmarks clean

run: setup migrate
	@$(FLASK) forum demo --if-empty
	@echo
	@echo "Demo sign-ins (password for all of them shown at the end of each line):"
	@$(FLASK) forum logins
	@echo
	@echo "Serving on http://$(HOST):$(PORT) with the jobs worker beside it  (Ctrl-C stops both)"
	@setsid $(FLASK) jobs worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 2 wsgi:app

test: setup test-system-deps
	$(MAKE) test-sqlite
ifeq ($(CI),true)
	$(MAKE) test-postgres
endif

# PYTHONDONTWRITEBYTECODE is emptied for pytest: it keeps its rewritten test modules as bytecode, and
# without that cache each worker of each run rewrites every test module and plugin again (~10 s each).
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS)

test-sqlite:
	$(PYTEST)

test-postgres:
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST)

setup: system-deps $(VENV)/.installed translations bytecode

system-deps:
	@sh scripts/system-deps.sh run

test-system-deps:
	@sh scripts/system-deps.sh test

# uv installs the pinned requirements and compiles their bytecode on every core: about half of pip's
# time on a fresh machine. Compiled ahead, because every process the tests start would otherwise
# compile what it imports again wherever PYTHONDONTWRITEBYTECODE is set.
UV_VERSION := 0.9.7

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet uv==$(UV_VERSION)
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.txt
	@touch $@

translations: $(VENV)/.installed
	@$(BIN)/python -c "from forum.i18n import compile_catalogs; compile_catalogs()"

# The app's modules compiled ahead (changed ones only): every process the app starts (gunicorn workers,
# the job worker, each CLI command, the test servers) then reads them, also where the environment sets
# PYTHONDONTWRITEBYTECODE and Python would otherwise compile them again at each start.
bytecode: $(VENV)/.installed
	@$(BIN)/python -m compileall -q forum wsgi.py > /dev/null

migrate: setup
	@$(FLASK) db upgrade

demo: migrate
	$(FLASK) forum demo

# Left out: benchmarks/load.py (a 10-minute mixed run on PostgreSQL, started by hand, docs/benchmarks.md),
# benchmarks/checkin_cpu.py (compares this tree with a commit rather than measuring one) and
# benchmarks/bare_app.py (the yardstick app the check-in benchmarks serve, not a script).
benchmarks: setup migrate
	@for script in $(filter-out benchmarks/load.py benchmarks/checkin_cpu.py benchmarks/bare_app.py,$(wildcard benchmarks/*.py)); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache
