# The two entry points of the README: `make run` and `make test`. Everything else is a helper.
SWIFT ?= swift
PYTHON ?= python3
RELEASE_BIN := .build/release/pollsim
# The test build: release (the model is slow in debug) with -enable-testing for @testable imports. `make test` builds
# once (every target, then the tests, with the same flags: `--product pollsim` or a plain `swift test` would each keep
# their own build state and compile everything again) and runs swift test with --skip-build.
TEST_BUILD_FLAGS := -c release -Xswiftc -enable-testing
VENV := .venv

.PHONY: run test deps build build-tests bench clean venv test-dask

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product pollsim

# Installs what is missing, builds, and runs the main job on the built-in default scenario.
run: build
	$(RELEASE_BIN) run

# Runs the whole test suite (XCTest only, so the closing line counts the tests that really ran). Release mode with
# -enable-testing: the model tests simulate seconds of busy systems, about 25 times slower in a debug build.
# test-dask runs first, so that the XCTest summary ("Executed N tests, with 0 failures") stays the last line.
test: build-tests
	$(MAKE) test-dask
	$(SWIFT) test $(TEST_BUILD_FLAGS) --skip-build --disable-swift-testing

# The pollsim binary (some tests run it) and the test bundle, with the test flags.
build-tests: deps
	$(SWIFT) build $(TEST_BUILD_FLAGS)
	$(SWIFT) build $(TEST_BUILD_FLAGS) --build-tests

# Python virtual environment for scripts/dask_sweep.py, with the pinned requirements-dask.txt. Idempotent: it
# reinstalls only when requirements-dask.txt changes (or .venv is gone).
venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dask.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dask.txt
	touch $@

# A tiny sweep on a dask LocalCluster with 2 workers must merge to the single-process CSV byte for byte.
test-dask: deps venv
	$(SWIFT) build $(TEST_BUILD_FLAGS)
	POLLSIM=.build/release/pollsim bash scripts/test_dask.sh

# Benchmarks print figures (docs/performance.md); none of them is a timed test.
bench: build
	$(RELEASE_BIN) bench kernel
	scripts/bench-model.sh

clean:
	rm -rf .build
