# The two commands of the README's Quick start: `make demo` and `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db
DEMO_JOBS ?= demo-jobs.log
DEMO_PORT ?= 8000
# Days of history make demo builds: 270 keep the first page within 90 s of a fresh clone
# (install included) and leave `rxsupply simulate` three months to plan on before the 180 days
# it replays; `make demo DEMO_DAYS=730` builds the two years `rxsupply demo` does.
DEMO_DAYS ?= 270
# A demo built today from the same code is the same hospital: make demo keeps a copy of the
# freshly built database and starts from it the next time instead of building it again.
DEMO_CACHE_DIR ?= .demo-cache
DEMO_CACHE = $(DEMO_CACHE_DIR)/seed7-$(DEMO_DAYS)d-$(shell date +%F)-$(shell find src -type f \( -name '*.py' -o -name '*.csv' \) | LC_ALL=C sort | xargs cat | sha1sum | cut -c1-12).db
SHORTAGE_FILE ?= ../shared/data/fda-shortages/Drugshortages_2025_partial.csv

CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint install clean browser lock

# The venv gets uv (pinned with its hashes in requirements-uv.lock, installed by pip), which
# installs the lock files in seconds where pip takes half a minute; pip does it if uv fails.
$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "rxsupply needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-uv.lock \
	  || echo "uv could not be installed: pip installs the lock files"

# Dependencies come from the lock files, every file checked against its SHA-256 (`make lock`
# rewrites them from pyproject.toml); rxsupply itself is installed on top without dependencies.
# Everything is compiled to bytecode up front (as pip does; uv only when asked): a process
# never has to compile what it imports (and cannot keep it where PYTHONDONTWRITEBYTECODE is set).
INSTALL = install() { $(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode "$$@" \
	  || { echo "pip installs instead"; $(BIN)/python -m pip install --quiet "$$@"; }; }; install
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	@echo "install --require-hashes -r requirements.lock, then -e . --no-deps"
	@$(INSTALL) --require-hashes -r requirements.lock
	@$(INSTALL) --no-deps --no-build-isolation -e .
	@$(BIN)/python -m compileall -q -j 0 src >/dev/null
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock | $(BIN)/python
	@echo "install --require-hashes -r requirements-dev.lock, then -e . --no-deps"
	@$(INSTALL) --require-hashes -r requirements-dev.lock
	@$(INSTALL) --no-deps --no-build-isolation -e .
	@$(BIN)/python -m compileall -q -j 0 src >/dev/null
	touch $(VENV)/.installed $@

# Rewrite the lock files from pyproject.toml's ranges (newest releases that satisfy them), with
# the hashes of every file PyPI publishes for each pinned release. Needs PyPI; run it when a
# dependency changes or to take updates, then `make test` and commit the two files.
LOCK_VENV := .venv-lock
LOCK := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--index-url https://pypi.org/simple --build-deps-for editable
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --quiet pip-tools; }
	$(LOCK) $(LOCK_ARGS) -o requirements.lock pyproject.toml
	$(LOCK) $(LOCK_ARGS) --extra dev -o requirements-dev.lock pyproject.toml
	$(LOCK) $(LOCK_ARGS) -o requirements-uv.lock requirements-uv.in

install: $(VENV)/.installed

# The demo is served as soon as its hospital is built; the checks, the expiry sweep, the FDA
# shortage import and the planning proposals then run beside the server (their output in
# $(DEMO_JOBS)), and each says on this terminal when it is done.
demo: $(VENV)/.installed
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_JOBS)
	@if [ -f $(DEMO_CACHE) ]; then \
	  echo "cp $(DEMO_CACHE) $(DEMO_DB)   # the demo built earlier today from the same code"; \
	  cp $(DEMO_CACHE) $(DEMO_DB); \
	else \
	  echo "$(BIN)/rxsupply --db $(DEMO_DB) --user admin demo --seed 7 --days $(DEMO_DAYS) --no-fold"; \
	  $(BIN)/rxsupply --db $(DEMO_DB) --user admin demo --seed 7 --days $(DEMO_DAYS) --no-fold && \
	  rm -rf $(DEMO_CACHE_DIR) && mkdir -p $(DEMO_CACHE_DIR) && \
	  $(BIN)/python -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))" $(DEMO_DB) $(DEMO_CACHE); \
	fi
	@echo "Once the server answers, in the background (output in $(DEMO_JOBS)): check, dscsa exceptions --open, expiry sweep, shortages import, plan --propose"
	@( \
	  n=0; until $(BIN)/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(DEMO_PORT)/health')" 2>/dev/null; \
	    do n=$$((n + 1)); [ $$n -le 120 ] || exit 0; sleep 1; done; \
	  job() { echo "== $$*" >>$(DEMO_JOBS); t=$$(date +%s); "$$@" >>$(DEMO_JOBS) 2>&1 \
	    && echo "demo: done in $$(( $$(date +%s) - t )) s: $${*#$(BIN)/rxsupply --db $(DEMO_DB) }" \
	    || echo "demo: FAILED (see $(DEMO_JOBS)): $$*"; }; \
	  job $(BIN)/rxsupply --db $(DEMO_DB) check; \
	  job $(BIN)/rxsupply --db $(DEMO_DB) dscsa exceptions --open; \
	  job $(BIN)/rxsupply --db $(DEMO_DB) --user tech expiry sweep; \
	  if [ -f $(SHORTAGE_FILE) ]; then \
	    job $(BIN)/rxsupply --db $(DEMO_DB) --user admin shortages import $(SHORTAGE_FILE); \
	  else \
	    echo "No $(SHORTAGE_FILE): the shortage board shows the demo's own backorder notices."; \
	  fi; \
	  job $(BIN)/rxsupply --db $(DEMO_DB) --user manager plan --propose --out demo-plan.csv; \
	) &
	@echo "Serving the demo on http://127.0.0.1:$(DEMO_PORT) (log in as manager / rxsupply-demo; Ctrl-C stops)"
	$(BIN)/rxsupply --db $(DEMO_DB) serve --host 127.0.0.1 --port $(DEMO_PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Web tests drive Debian's chromium through Playwright (never a downloaded browser).
browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the web tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Two processes sharing the tests one by one (--dist load): with each module on one process
# (loadscope) the last long modules ran alone, 16 min against 13. Demo fixtures are built once
# per process (tests.conftest.demo_copy). (loadgroup's xdist_group marks do not reach pytest 9's
# node ids, so loadgroup was load too.)
# mypy (some 46 s from a cold cache, on one core) runs beside pytest instead of before it, when
# the second core would wait; either failing fails the target, mypy's report after pytest's.
test: $(VENV)/.installed-dev browser
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	@mkdir -p build
	@echo "$(BIN)/mypy > build/mypy.txt (beside pytest)"
	@$(BIN)/mypy > build/mypy.txt 2>&1 & typing=$$!; \
	$(BIN)/pytest -q -n 2 --dist load; tests=$$?; \
	wait $$typing; typed=$$?; echo "$(BIN)/mypy"; cat build/mypy.txt; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(DEMO_CACHE_DIR) .mypy_cache .ruff_cache .pytest_cache build
