# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps demo test test-fast lint types format manifest validate bench bench-small clean dagster real-sources install-spark test-spark

# the venv is rebuilt when the dependency list or the pinned versions change
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,bench]"
	touch $(STAMP)

install: $(STAMP) system-deps

# pdftoppm renders review packs to PNG for the visual check, DejaVu Sans is the review pack's
# font (Typst); installed when missing and root
system-deps:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing poppler-utils (pdftoppm)"; \
	    (apt-get update -qq && apt-get install -y -qq poppler-utils) >/dev/null; \
	  else echo "note: pdftoppm (poppler-utils) not found; PDF page rendering checks will fail"; fi; }
	@test -d /usr/share/fonts/truetype/dejavu || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing fonts-dejavu-core (the review pack's font)"; \
	    (apt-get update -qq && apt-get install -y -qq fonts-dejavu-core) >/dev/null; \
	  else echo "note: DejaVu fonts not found; review pack PDFs fall back to Libertinus Serif"; fi; }

manifest: $(STAMP)
	$(BIN)/python -c "from orchestration.defs.transform.project import ensure_manifest; ensure_manifest()"

validate: $(STAMP)
	$(BIN)/sla validate sla_definitions

demo: install
	$(BIN)/sla demo

# the public datasets (../shared/datasets, see its README) through the whole pipeline with the
# examples of sla_definitions/examples/ (docs/adapters.md); everything is written under
# data/real/<example>/ (landing, warehouse, reports)
DATASETS ?= ../shared/datasets
REAL ?= data/real
real-sources: install manifest
	$(BIN)/python -m orchestration.lib.landing.adapters.real_sources prepare --datasets $(DATASETS) --out $(REAL)
	$(BIN)/sla run --definitions sla_definitions/examples/servicenow \
		--landing $(REAL)/servicenow/landing --warehouse $(REAL)/servicenow/warehouse.duckdb \
		--reports $(REAL)/servicenow/reports --from 2016-02 --to 2017-02
	$(BIN)/python -m orchestration.lib.landing.adapters.real_sources report \
		--warehouse $(REAL)/servicenow/warehouse.duckdb --reports $(REAL)/servicenow/reports
	# the outage traces cover 2021-01 .. 2025-06 from the example's anchor (2021-01-01): the
	# first year is enough to show monthly availability and credits
	$(BIN)/sla run --definitions sla_definitions/examples/outages \
		--landing $(REAL)/outages/landing --warehouse $(REAL)/outages/warehouse.duckdb \
		--reports $(REAL)/outages/reports --from 2021-01 --to 2021-12

lint: $(STAMP)
	$(BIN)/ruff check orchestration tests bench
	$(BIN)/ruff format --check orchestration tests bench
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

# mypy as configured in pyproject.toml: strict for orchestration/lib/, normal elsewhere
types: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format orchestration tests bench
	$(BIN)/ruff check --fix orchestration tests bench
	$(BIN)/sqlfluff fix dbt_project/models

# the full suite, as CI runs it (.ci/run), in TEST_WORKERS processes (pytest-xdist); one test
# module per process, so a module's pipeline scenario (module-scoped fixture) is built once
TEST_WORKERS ?= 2
test: install manifest lint types
	$(BIN)/dagster definitions validate -m orchestration.definitions
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# the quick loop while editing: everything but the tests marked slow (whole pipeline runs)
test-fast: install manifest lint types
	$(BIN)/python -m pytest -m "not slow and not spark" -n $(TEST_WORKERS) --dist loadfile

# Apache Spark (issue #18, docs/scale-out.md): a second venv with dbt-spark and PySpark (Java 17
# on the PATH), so `make test` never needs Spark. `.venv-spark/bin/sla run --engine spark ...`
SPARK_VENV := .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed-stamp

$(SPARK_STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/python -m pip install --quiet --upgrade pip
	$(SPARK_BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,spark]"
	touch $(SPARK_STAMP)

install-spark: $(SPARK_STAMP)

# the engines agree: the same scenario on DuckDB and on Spark, every KPI, status and credit
# compared (tests/spark/), and the hand-computed scenario tests' spark parameters (tests/transform/);
# one process, Spark local[2]
test-spark: install-spark
	$(SPARK_BIN)/python -c "from orchestration.defs.transform.project import ensure_manifest; ensure_manifest()"
	$(SPARK_BIN)/python -m pytest -m spark -s tests

# BENCH_ARGS: e.g. "--scales 0.1,0.333,1,2" (the 2x point), "--with-tests" (times `make test`)
bench: install manifest
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-small: install manifest
	$(BIN)/python -m bench.run --small

# the Dagster UI on http://127.0.0.1:$(PORT) over the instance `sla run` and `sla demo` record in
# (orchestration/lib/settings.py: DAGSTER_HOME, else the folder `dagster` beside the warehouse)
PORT ?= 3000
DAGSTER_HOME ?= $(CURDIR)/data/dagster
dagster: install manifest
	mkdir -p "$(DAGSTER_HOME)"
	DAGSTER_HOME="$(abspath $(DAGSTER_HOME))" $(BIN)/dagster dev -m orchestration.definitions -p $(PORT)

clean:
	rm -rf target logs reports data .pytest_cache .ruff_cache .mypy_cache derby.log
