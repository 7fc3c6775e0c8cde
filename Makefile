# The README's two commands: `make run` (set up + main job) and `make test` (every check).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
# Quiet, single-threaded BLAS/OpenMP: 2-core machines thrash with the defaults.
export OMP_NUM_THREADS ?= 1
export OMP_WAIT_POLICY ?= passive
# The bundled sample is small: four models at once (session 7: 66 s instead of 76 s with
# one; 2 to 6 threads were within the noise in session 10). The profile's
# default is one at a time, fastest on big inputs (bench/RESULTS.md, session 7).
export DBT_THREADS ?= 4

.PHONY: run test install install-dev build docs report publish lint pytest browser sample clean screenshot test-fast test-spark java
DATABASE = $${DBT_DUCKDB_PATH:-segmentation.duckdb}

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# make run needs only the runtime; make test adds the dev tools (pytest, linters,
# pymc-marketing for the cross-check of the predictions).
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: set up (first time) and run the main job on the bundled sample
run: install build docs report publish

build: install
	$(BIN)/dbt build

docs: install
	@# --no-compile: the compiled SQL the docs show is the last build's (4 s instead of 19 s)
	$(BIN)/dbt docs generate --no-compile

## make report: the self-contained HTML segment report, from the built database
report: install
	$(BIN)/python -m segmentation.report --database $(DATABASE) --output reports/segment_report.html

## make screenshot: refresh the report screenshot the README shows (after make report)
screenshot: install browser
	$(BIN)/python -m segmentation.tests.browser reports/segment_report.html docs/report_screenshot.png

## make publish: copy the public tables to the file BI tools read (atomic replace)
publish: install
	$(BIN)/python -m segmentation.publish --database $(DATABASE) --output segmentation_public.duckdb

## make test: lint (ruff, sqlfluff), dbt build with every test, pytest
test: install-dev lint build pytest

lint: install-dev
	$(BIN)/ruff check segmentation models bench
	$(BIN)/ruff format --check segmentation models bench
	@# on an empty scratch database: macros that read tables while compiling (top_values,
	@# drift_bins, ...) then render the same SQL as on a fresh clone
	DBT_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint --processes 2 \
		models tests analyses

## make test-fast: the unit tests only (no dbt build), for the edit-test loop
test-fast: install-dev
	$(BIN)/python -m pytest -q -m "not e2e"

# pytest reuses the sample build `make test` has just run (conftest.sample_build).
# Test files run two at once (xdist): the model search's own worker processes would
# only compete with them, so it fits in one process here (SEGMENTATION_JOBS=1).
# --durations: the 25 slowest tests close the log (where make test's time goes).
pytest: install-dev browser build
	SEGMENTATION_SAMPLE_BUILD=$(DATABASE):target SEGMENTATION_JOBS=$${SEGMENTATION_JOBS:-1} \
		$(BIN)/python -m pytest -q --durations=25 \
		-n $${PYTEST_WORKERS:-auto} --dist loadfile

## make test-spark: the Spark lane. Builds the sample on a local Spark session (dbt-spark,
## method session, local[2], parquet), every model and test, and checks it against the
## DuckDB build customer by customer. Its own venv (.venv-spark) and Java 17.
VENV_SPARK ?= .venv-spark
$(VENV_SPARK)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV_SPARK) || python3 -m venv $(VENV_SPARK)
	$(VENV_SPARK)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[spark]"
	touch $@

java:
	@command -v java >/dev/null 2>&1 || (apt-get update -qq \
		&& apt-get install -y -qq openjdk-17-jre-headless >/dev/null)

test-spark: build java $(VENV_SPARK)/.installed
	SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON=$(CURDIR)/$(VENV_SPARK)/bin/python \
		$(VENV_SPARK)/bin/python -m segmentation.spark --check-against $(DATABASE)

## headless Chromium for the report's browser test (a Debian package; CI runs as root)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v $${CHROMIUM:-chromium} >/dev/null 2>&1 \
		|| (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

## make sample: regenerate the committed sample data in seeds/ (byte-identical)
sample: install
	$(BIN)/python -m segmentation.synth --out seeds

clean:
	rm -rf target logs .venv .venv-spark spark segmentation.duckdb reports
