# FragBench: a performance lab for the Linux kernel's page_frag cache.
SWIFT ?= swift

.PHONY: all deps build release test bench clean compare tune peers reproduce check-asm sanitize fuzz profile history

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
## (check-asm first, so the test runner's summary is the last thing printed)
test: build
	SWIFT=$(SWIFT) scripts/check-asm.sh
	$(SWIFT) test

## sanitize: the tests under ASan+LSan and TSan [SANITIZERS="address thread"] [SANITIZE_FILTER=regex]
sanitize: deps
	SWIFT=$(SWIFT) SANITIZERS="$(or $(SANITIZERS),address thread)" SANITIZE_FILTER="$(SANITIZE_FILTER)" scripts/sanitize.sh

## fuzz: libFuzzer + ASan over the trace parser and replayer, every layout [FUZZ_SECONDS=60]
FUZZ_SECONDS ?= 60
fuzz: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

## check-asm: the release build's timed loops (Swift, every layout, and C) call no Swift runtime
check-asm: deps
	SWIFT=$(SWIFT) scripts/check-asm.sh

## peers: swift vs c vs glibc malloc, jemalloc, mimalloc (and the layouts), samples paired in time; ratios with 95% CI [BUDGET=8 s per comparison] [ALIGN=1,64]
PEERS_QUICK = --quick --fragsz 64 --workload alloc-only,alloc-free
peers: release
	.build/release/fragbench peers $(if $(BUDGET),--budget $(BUDGET),) $(if $(ALIGN),--align $(ALIGN),) $(if $(QUICK),$(PEERS_QUICK),) --output results

## reproduce: rerun each published claim of docs/claims.tsv and write a verdict [BUDGET=45 s per comparison] [QUICK=1] [CLAIMS=docs/claims.tsv] [FILTER=regex]
reproduce: release
	.build/release/fragbench reproduce $(if $(BUDGET),--budget $(BUDGET),) $(if $(QUICK),--quick,) $(if $(CLAIMS),--claims $(CLAIMS),) $(if $(FILTER),--filter '$(FILTER)',) --output results

## bench: the default sweep (QUICK=1 for a smoke run; COUNTERS=auto|pmu|software|callgrind|none)
# (no global default: make compare picks its own, time and the exact gate, when none is given)
BENCH_COUNTERS = $(or $(COUNTERS),auto)
BENCH_PRESET = $(if $(QUICK),quick,default)
# Each visit in a fresh process: one process carries an offset of a few percent on some points
# for its whole life (docs/noise.md). Callgrind counts are deterministic: one process.
BENCH_FLAGS = --preset $(BENCH_PRESET) --counters $(BENCH_COUNTERS) $(if $(QUICK),--quick,) $(if $(filter callgrind,$(BENCH_COUNTERS)),,--process-per-visit)
bench: release
	.build/release/fragbench run $(BENCH_FLAGS) --output results

## compare: BASE=<rev> [HEAD=<rev>] [COUNTERS=both|auto|callgrind] [THRESHOLD=2] [GATE_THRESHOLD=1] [BUDGET=120] [PRESET=quick|default] [FILTER=regex] [VARIANT=list] [ALIGN=list] [API=list]
## two builds' samples paired in time (ABBA workers), ratio with 95% CI per point, then callgrind's
## exact instruction counts over the gate preset (every layout, kernel version, alignment, page size
## and API; COUNTERS=auto: time alone); exit 2 on a regression
compare: deps
	@test -n "$(BASE)" || { echo "usage: make compare BASE=<rev> [HEAD=<rev>] [COUNTERS=both|auto|callgrind] [THRESHOLD=2] [GATE_THRESHOLD=1] [BUDGET=120] [PRESET=quick] [FILTER=regex] [VARIANT=list] [ALIGN=list] [API=list]"; exit 1; }
	$(if $(COUNTERS),COUNTERS=$(COUNTERS)) $(if $(THRESHOLD),THRESHOLD=$(THRESHOLD)) $(if $(GATE_THRESHOLD),GATE_THRESHOLD=$(GATE_THRESHOLD)) $(if $(BUDGET),BUDGET=$(BUDGET)) $(if $(ROUNDS),ROUNDS=$(ROUNDS)) $(if $(PRESET),PRESET=$(PRESET)) $(if $(FILTER),FILTER='$(FILTER)') $(if $(VARIANT),VARIANT='$(VARIANT)') $(if $(ALIGN),ALIGN='$(ALIGN)') $(if $(API),API='$(API)') SWIFT=$(SWIFT) scripts/compare.sh "$(BASE)" "$(HEAD)"

## tune: sweep PAGE_FRAG_CACHE_MAX_SIZE [WORKLOAD=mixed,…] [OBJECTIVE=fastest-within|fastest|smallest] [SLACK=0.25] [DISTRIBUTION=imix] [DEPTH=256] [FRAGMENTED=heavy|moderate|FRACTION[:ORDER]] [QUICK=1]
tune: release
	.build/release/fragbench tune $(if $(WORKLOAD),--workload $(WORKLOAD),) $(if $(OBJECTIVE),--objective $(OBJECTIVE),) $(if $(SLACK),--memory-slack $(SLACK),) $(if $(DISTRIBUTION),--distribution '$(DISTRIBUTION)',) $(if $(DEPTH),--depth $(DEPTH),) $(if $(FRAGMENTED),--fragmented '$(FRAGMENTED)',) $(if $(QUICK),--quick,)

## profile: POINT=<name from fragbench list> [AGAINST=<point or another build's fragbench>] [NO_PERF=1]
## where one point's instructions (callgrind, exact, per function and source line) and time (perf record on the
## software clock) go: results/profile/<date>-<commit>/profile.md with flame graphs
profile: release
	@test -n "$(POINT)" || { echo "usage: make profile POINT=<name from 'fragbench list'> [AGAINST=<point or fragbench binary>] [NO_PERF=1]"; exit 1; }
	.build/release/fragbench profile '$(POINT)' $(if $(AGAINST),--against '$(AGAINST)',) $(if $(NO_PERF),--no-perf,) --output results

## history: trends and change points across the commits in results/history.csv [FILTER=regex] [THRESHOLD=1 (%)]
history: release
	.build/release/fragbench history $(if $(FILTER),--filter '$(FILTER)',) $(if $(THRESHOLD),--threshold $(THRESHOLD),) --output results

clean:
	rm -rf .build .build-address .build-thread .build-fuzz
