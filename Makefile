# liaison-ledger: `make demo` and `make test` work on a fresh machine with python3 >= 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export BEANCOUNT_DISABLE_LOAD_CACHE := 1

.PHONY: setup demo test browser lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/liaison demo

# Headless Chromium renders the html reports in the tests (Debian's package).
browser:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ; } || \
	  echo "note: no Chromium; the html rendering tests will be skipped"

test: setup browser
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check plugins importers reports tests benchmarks
	$(BIN)/mypy plugins importers reports

bench: setup
	$(BIN)/python benchmarks/check_speed.py
	$(BIN)/python benchmarks/import_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
	find . -name '.*.picklecache' -delete
