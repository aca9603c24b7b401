# The two entry points of the README: `make run` and `make test`. Everything else is a helper.
SWIFT ?= swift
PYTHON ?= python3
RELEASE_BIN := .build/release/pollsim
# The flags of the test build: release mode (the model tests simulate seconds of busy systems, about 25 times slower
# in a debug build) with -enable-testing for @testable imports.
TEST_BUILD_FLAGS := -c release -Xswiftc -enable-testing
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# Python requirements, all pinned: the notebooks' and the dask sweep driver's. One venv holds both.
REQUIREMENTS := notebooks/requirements.txt requirements-dask.txt
# A copy of the requirements the venv was last installed from: make reinstalls only when they change.
VENV_STAMP := $(VENV)/installed-requirements.txt

.PHONY: run test deps build bench clean venv notebooks test-build test-notebooks test-dask

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product pollsim

# Installs what is missing, builds, and runs the main job on the built-in default scenario.
run: build
	$(RELEASE_BIN) run

# Runs the whole test suite: the notebooks and the dask LocalCluster sweep first, then XCTest only, so that the
# closing line counts the tests that really ran and stays the last line of the output. `swift test` alone would
# rebuild every module (it orders -enable-testing differently from `swift build`), so it runs what test-build built.
test: deps test-notebooks test-dask
	$(SWIFT) test $(TEST_BUILD_FLAGS) --disable-swift-testing --skip-build

# One build for the whole suite: the test bundle and the pollsim binary that the notebook, dask and sweep tests run.
test-build: deps
	$(SWIFT) build $(TEST_BUILD_FLAGS) --build-tests

# The Python environment: .venv with the exact versions of $(REQUIREMENTS). Bytecode is compiled on first import
# rather than at install (--no-compile saves about half the install time on 2 cores).
venv: $(VENV_STAMP)

$(VENV_STAMP): $(REQUIREMENTS)
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile $(addprefix -r ,$(REQUIREMENTS))
	@cat $(REQUIREMENTS) > $@

# Executes every notebook (notebooks/*.ipynb) headless into notebooks/out/ and writes their figures as PNG into
# docs/figures/ (the committed figures the README shows).
notebooks: build venv
	$(VENV_PYTHON) notebooks/run_notebooks.py --pollsim $(RELEASE_BIN)

# The notebooks with short runtimes, figures into notebooks/out/test/: fails if a notebook raises or a figure is missing.
test-notebooks: test-build venv
	$(VENV_PYTHON) notebooks/run_notebooks.py --test --pollsim $(RELEASE_BIN)

# A tiny sweep on a dask LocalCluster with 2 workers must merge to the single-process CSV byte for byte.
test-dask: test-build venv
	POLLSIM=$(RELEASE_BIN) bash scripts/test_dask.sh

# Benchmarks print figures (docs/performance.md); none of them is a timed test.
bench: build
	$(RELEASE_BIN) bench kernel
	scripts/bench-model.sh

clean:
	rm -rf .build notebooks/out
