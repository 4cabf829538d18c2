# liaison-ledger: `make demo` and `make test` work on a fresh machine with python3 >= 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPARK  := $(VENV)/.installed-spark

export BEANCOUNT_DISABLE_LOAD_CACHE := 1

.PHONY: setup demo test browser java lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# `liaison consolidate --engine spark` and its test: PySpark (the `spark` extra).
$(SPARK): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(SPARK)

demo: setup
	$(BIN)/liaison demo

# Headless Chromium renders the html reports in the tests; a CJK font makes the Chinese
# in its screenshots legible (Debian's packages; installed when running as root).
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto.*cjk'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-wqy-zenhei >/dev/null || echo "note: could not install Chromium"; \
	else echo "note: no Chromium; the html rendering tests will be skipped"; fi

# Java 17 runs PySpark (Debian's package; installed when running as root).
java:
	@if dpkg -s openjdk-17-jre-headless >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    openjdk-17-jre-headless >/dev/null || echo "note: could not install Java 17"; \
	elif command -v java >/dev/null 2>&1; then echo "note: Spark runs on $$(command -v java)"; \
	else echo "note: no Java 17; the Spark tests will be skipped"; fi

# On every core, a test file to a worker: a file's fixtures (the Spark session) made once.
test: setup $(SPARK) java browser
	$(BIN)/pytest -q -n auto --dist loadfile

lint: setup
	$(BIN)/ruff check plugins importers reports tests benchmarks
	$(BIN)/mypy plugins importers reports

bench: setup
	$(BIN)/python benchmarks/check_speed.py
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/rollup_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
	find . -name '.*.picklecache' -delete
