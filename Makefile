# The two entry points of the README: `make run` and `make test`. Everything else is a helper.
SWIFT ?= swift
PYTHON ?= python3
RELEASE_BIN := .build/release/pollsim
# The flags of the test build: release mode with -enable-testing (the model tests simulate seconds of busy systems,
# about 25 times slower in a debug build).
TEST_BUILD_FLAGS := -c release -Xswiftc -enable-testing
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# A copy of the requirements the venv was last installed from: make reinstalls only when the file changes.
VENV_STAMP := $(VENV)/installed-requirements.txt

.PHONY: run test deps build bench clean venv notebooks test-build test-notebooks

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product pollsim

# Installs what is missing, builds, and runs the main job on the built-in default scenario.
run: build
	$(RELEASE_BIN) run

# Runs the whole test suite: the notebooks first, then XCTest only (so the closing line counts the tests that really
# ran, and stays the last line of the output). `swift test` would rebuild every module (it orders -enable-testing
# differently from `swift build`), so it runs what test-build built, with --skip-build.
test: deps test-notebooks
	$(SWIFT) test $(TEST_BUILD_FLAGS) --disable-swift-testing --skip-build

# One build for the whole suite: the test bundle and the pollsim binary the notebook tests run.
test-build: deps
	$(SWIFT) build $(TEST_BUILD_FLAGS) --build-tests

# The Python environment of the notebooks: .venv with the exact versions of notebooks/requirements.txt. Bytecode is
# compiled on first import rather than at install (--no-compile saves about half the install time on 2 cores).
venv: $(VENV_STAMP)

$(VENV_STAMP): notebooks/requirements.txt
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile -r notebooks/requirements.txt
	@cp notebooks/requirements.txt $@

# Executes every notebook (notebooks/*.ipynb) headless into notebooks/out/ and writes their figures as PNG into
# docs/figures/ (the committed figures the README shows).
notebooks: build venv
	$(VENV_PYTHON) notebooks/run_notebooks.py --pollsim $(RELEASE_BIN)

# The notebooks with short runtimes, figures into notebooks/out/test/: fails if a notebook raises or a figure is missing.
test-notebooks: test-build venv
	$(VENV_PYTHON) notebooks/run_notebooks.py --test --pollsim $(RELEASE_BIN)

bench: build
	$(RELEASE_BIN) bench kernel

clean:
	rm -rf .build notebooks/out
