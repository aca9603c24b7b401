# The two entry points of the README: `make run` and `make test`. Everything else is a helper.
SWIFT ?= swift
RELEASE_BIN := .build/release/pollsim

.PHONY: run test deps build bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product pollsim

# Installs what is missing, builds, and runs the main job on the built-in default scenario.
run: build
	$(RELEASE_BIN) run

# Runs the whole test suite (XCTest only, so the closing line counts the tests that really ran). Release mode with
# -enable-testing: the model tests simulate seconds of busy systems, about 25 times slower in a debug build.
test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing --disable-swift-testing

# Benchmarks print figures (docs/performance.md); none of them is a timed test.
bench: build
	$(RELEASE_BIN) bench kernel
	scripts/bench-model.sh

clean:
	rm -rf .build
