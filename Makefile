# Galapagos: the first two targets are README's two commands.
SWIFT ?= swift
RELEASE_BIN = .build/release/galapagos
SEED ?= 1

.PHONY: demo test setup build release bench clean

## Run a real search on the default search space (AutoML-Zero's linear demo) until the select
## fitness reaches 0.9999 or 10 minutes pass. Builds only the galapagos command without the Hub
## and Dashboard traits (PostgresNIO, Hummingbird, SwiftNIO and BoringSSL), so a fresh clone gets there
## in minutes; `make release` builds everything.
demo: setup
	$(SWIFT) build -c release --product galapagos --disable-default-traits
	$(RELEASE_BIN) evolve --searchspace searchspaces/linear_demo.yaml --seed $(SEED) \
		--target-fitness 0.9999 --max-time 10m

## Run the unit tests (debug build).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

clean:
	rm -rf .build
