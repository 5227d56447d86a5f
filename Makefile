# FragBench: a performance lab for the Linux kernel's page_frag cache.
SWIFT ?= swift

.PHONY: all deps build release test bench clean

all: build

## deps: install the Debian packages the project needs (idempotent)
deps:
	@scripts/install-deps.sh

## build: debug build of everything
build: deps
	$(SWIFT) build

## release: optimised build (what benchmarks run)
release: deps
	$(SWIFT) build -c release

## test: build, then run every test (the replay end-to-end tests need the fragbench binary)
test: build
	$(SWIFT) test

## bench: the benchmark sweep (arrives with the measurement-engine work, issue 3)
bench: release
	@echo "make bench: the benchmark sweep is not implemented yet (issue 3); 'fragbench counters' shows what this machine can measure:" >&2
	.build/release/fragbench counters
	@exit 1

clean:
	rm -rf .build
