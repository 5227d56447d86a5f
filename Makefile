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

## bench: the default sweep (QUICK=1 for a smoke run; COUNTERS=auto|pmu|software|callgrind|none)
COUNTERS ?= auto
BENCH_PRESET = $(if $(QUICK),quick,default)
BENCH_FLAGS = --preset $(BENCH_PRESET) --counters $(COUNTERS) $(if $(QUICK),--quick,)
bench: release
	.build/release/fragbench run $(BENCH_FLAGS) --output results

clean:
	rm -rf .build
