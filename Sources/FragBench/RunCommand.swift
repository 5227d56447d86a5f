import Lab
import ArgumentParser
import BenchReport
import FragCache
import Foundation
import FragReplay
import Measure
import Workloads

/// `fragbench run`: measure the cache over the cartesian product of the sweep's axes and write
/// the results (CSV, markdown, JSON) under results/. `--list` prints the points instead, by the
/// names gbench.json uses; `--filter REGEX` keeps the points whose name matches.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure workloads over fragsz x align x max size x page size.",
        discussion: """
            Every axis takes a comma-separated list; sizes accept K, M and G suffixes. The points are every combination of the \
            lists, except that combinations which are the same point run once, and the run says so: a max size at or below the \
            page size means one page (on 64K pages, max 4K, 32K and 64K are one point), mixed and replay ignore --fragsz.
            Example: fragbench run --workload alloc-only,alloc-free --fragsz 64,256,2048 --align 1,64 --max-size 4K,32K,64K --page-size 4K,64K
            (72 combinations, 48 points: on 64K pages the three max sizes are one.)
            --preset picks the workloads, sizes, alignments, max sizes and page sizes itself: it cannot be combined with \
            --workload, --fragsz, --align, --max-size, --page-size, --impl or --variant. --list prints the points a command \
            would run (the names gbench.json uses) and --filter REGEX keeps those whose name matches, e.g. --filter 'alloc-free/.*fragsz:2048'.
            """
    )

    // The axes are optional so that --preset can refuse them (their defaults are in the help).
    @Option(parsing: .unconditional, help: "A named sweep instead of the axes below (not combinable with them): \(SweepPresets.names.joined(separator: ", ")).")
    var preset: String?
    @Option(parsing: .unconditional, help: "Workloads, comma-separated, or 'all': \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ")) (default alloc-only).")
    var workload: String?
    @Option(parsing: .unconditional, help: "Fragment sizes in bytes (for prepare-commit: the mean message size) (default 64).")
    var fragsz: String?
    @Option(parsing: .unconditional, help: "Alignments (powers of two up to the page size; 1 = none) (default 1).")
    var align: String?
    @Option(name: .customLong("max-size"), parsing: .unconditional, help: "PAGE_FRAG_CACHE_MAX_SIZE values (a value below the page size means the page size) (default 32K).")
    var maxSize: String?
    @Option(name: .customLong("page-size"), parsing: .unconditional, help: "Base page sizes: 4K, 16K, 64K (default 4K).")
    var pageSize: String?
    @Option(parsing: .unconditional, help: "Implementations: \(Implementation.allCases.map(\.rawValue).joined(separator: ", ")) (c: the same cache in C; the others: malloc-family peers) (default swift).")
    var impl: String?
    @Option(parsing: .unconditional, help: "Cache layouts for the page_frag implementations (docs/model.md): \(LayoutVariant.allCases.map(\.rawValue).joined(separator: ", ")) (default remaining).")
    var variant: String?
    @Option(help: "Free-side APIs of the Swift cache: \(FragAPI.allCases.map(\.rawValue).joined(separator: ", ")) (local-free: the owner frees without an atomic; bulk: allocBulk and bulk free, --bulk at a time) (default kernel).")
    var api: String?
    @Option(help: "--api bulk: fragments per bulk allocation and per bulk free (1...\(FragAPI.largestBulk)).")
    var bulk = 16
    @Flag(help: "Print the points this command would run (their gbench.json names) and exit.")
    var list = false
    @Option(parsing: .unconditional, help: "Keep only the points whose name (as in gbench.json and --list) matches this regular expression.")
    var filter: String?

    // Every option takes the next word as its value unconditionally, so `--cpu -1` or
    // `--max-size -4K` is a value refused with a reason rather than "Missing value"; numbers go
    // through OptionValues, which says what is wrong with a value.
    @Option(parsing: .unconditional, help: "Live fragments kept by the ring workloads.",
            transform: OptionValues.integer(1 ... 1 << 30))
    var depth = 256
    @Option(parsing: .unconditional, help: "cross-thread: fragments per run (the kernel test's nr_test).",
            transform: OptionValues.integer(1 ... 1 << 40))
    var count = 200_000
    @Option(name: .customLong("push-cpu"), parsing: .unconditional, help: "cross-thread: the producer's CPU.",
            transform: OptionValues.integer(0 ... OptionValues.largestCPU))
    var pushCPU: Int?
    @Option(name: .customLong("pop-cpu"), parsing: .unconditional, help: "cross-thread: the consumer's CPU.",
            transform: OptionValues.integer(0 ... OptionValues.largestCPU))
    var popCPU: Int?
    @Flag(name: .customLong("prepare"), help: "cross-thread: use prepare/commit instead of alloc (the kernel test's test_prepare).")
    var usePrepare = false
    @Option(name: .customLong("ring-full"), parsing: .unconditional,
            help: "cross-thread: when the ring is full, wait for room (every operation one allocation) or free the fragment and allocate again, as the kernel test module does: \(RingFullPolicy.allCases.map(\.rawValue).joined(separator: ", ")) (default wait).",
            transform: { text in
                guard let value = RingFullPolicy(rawValue: text) else {
                    throw ValidationError("--ring-full '\(text)' is not one of \(RingFullPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            })
    var ringFull = RingFullPolicy.wait
    @Option(parsing: .unconditional, help: "mixed: imix, uniform:LO-HI or histogram:FILE.")
    var distribution = "imix"
    @Option(name: .customLong("pressure-fraction"), parsing: .unconditional,
            help: "pressure: share of the arena fragmented (0...1).", transform: OptionValues.decimal(0 ... 1))
    var pressureFraction = 1.0
    @Option(name: .customLong("pressure-order"), parsing: .unconditional,
            help: "pressure: largest free order left in the fragmented part.",
            transform: OptionValues.integer(0 ... PageAllocator.maxOrder - 1))
    var pressureOrder = 0
    @Option(parsing: .unconditional,
            help: "mixed: fragment the page allocator's arena before the ring fills: \(ArenaFragmentation.syntax).",
            transform: { text in
                do { return try ArenaFragmentation.parse(text) } catch { throw ValidationError("\(error)") }
            })
    var fragmented: ArenaFragmentation?
    @Option(parsing: .unconditional, help: "replay: the trace file.", transform: OptionValues.nonEmpty)
    var trace: String?
    @Option(parsing: .unconditional, help: "Page allocator arena per point (pre-faulted; checked against the memory cgroup limit and MemAvailable).")
    var arena = "256M"
    @Option(parsing: .unconditional, help: "Seed for every random choice.", transform: OptionValues.seed)
    var seed: UInt64 = 0x5EED

    @Option(parsing: .unconditional, help: "Counters: auto, pmu, software, callgrind, none.")
    var counters = "auto"
    @Flag(help: "Short samples (for smoke runs, not conclusions).")
    var quick = false
    @Option(parsing: .unconditional, help: "Samples per visit of a point (default \(ProcessVisits.defaultSamples), in \(ProcessVisits.defaultVisits) visit processes; \(SamplerConfig.standard.samples) with --one-process; quick \(SamplerConfig.quick.samples)).",
            transform: OptionValues.integer(1 ... OptionValues.largestSampleCount))
    var samples: Int?
    @Option(parsing: .unconditional, help: "Visits per point: passes over the sweep, each point measured once per pass, each pass in its own process (default \(ProcessVisits.defaultVisits); \(SamplerConfig.standard.visits) with --one-process; quick \(SamplerConfig.quick.visits)).",
            transform: OptionValues.integer(1 ... 100))
    var visits: Int?
    @Option(name: .customLong("top-up"), parsing: .unconditional, help: "Visits added, each in a fresh process, to the points still unstable after the planned visits; decided once, their estimates pool all visits (default: as many as planned, none with --quick; 0: none). Needs visits in processes.",
            transform: OptionValues.integer(0 ... 100))
    var topUp: Int?
    @Option(name: .customLong("min-sample-ms"), parsing: .unconditional, help: "Minimum duration of one sample in milliseconds.",
            transform: OptionValues.decimal(0 ... OptionValues.longestSampleMs, excludingLower: true))
    var minSampleMs: Double?
    @Option(parsing: .unconditional, help: "Point estimate from the undisturbed samples: p10 (default), pNN, min or median.")
    var estimator = "p10"
    @Flag(help: "Where the visits run. --process-per-visit (the default when a point has more than one visit and the counters are not callgrind's): each pass over the sweep in a fresh child process, the visits pooled, so the interval includes the spread between processes and a process that ran wholly in the machine's slow state can be told and left out; \(ProcessVisits.defaultVisits) visits of \(ProcessVisits.defaultSamples) samples unless --visits/--samples say otherwise. --one-process: every visit in this process.")
    var visitProcesses: VisitProcesses?
    @Flag(name: .customLong("no-canary"), help: "Do not time the noise canary between samples (no disturbed-sample detection).")
    var noCanary = false
    @OptionGroup var pinning: CPUOption
    @Flag(name: .customLong("no-pin"), help: "Do not pin single-threaded workloads.")
    var noPin = false
    @OptionGroup var saving: ResultsOptions
    @OptionGroup var debugBuild: DebugBuildOption

    @Flag(name: .customLong("callgrind-only"), help: "With --counters callgrind: only the callgrind counts, no native timing (the exact gate of make compare COUNTERS=callgrind).")
    var callgrindOnly = false
    @Option(parsing: .unconditional, help: "With --callgrind-only: points measured at once (default: the number of CPUs).",
            transform: OptionValues.integer(1 ... 256))
    var jobs: Int?

    func validate() throws {
        _ = try plan()
        guard CounterMode(rawValue: counters) != nil else {
            throw ValidationError("--counters '\(counters)' is not one of auto, pmu, software, callgrind, none")
        }
        if callgrindOnly && counters != "callgrind" { throw ValidationError("--callgrind-only needs --counters callgrind") }
        if visitProcesses == .processPerVisit && counters == "callgrind" {
            throw ValidationError("--process-per-visit with --counters callgrind: callgrind counts are deterministic, one process is enough")
        }
        if let topUp, topUp > 0, !spreadsVisits {
            throw ValidationError("--top-up \(topUp) adds visits in processes of their own: it needs --process-per-visit (and more than one visit, counters other than callgrind)")
        }
        guard Estimator(text: estimator) != nil else {
            throw ValidationError("--estimator '\(estimator)' is not one of p10 (any pNN with 0 < NN < 100), min, median")
        }
        if let cpu = pinning.cpu, !noPin {
            // Pinning to a CPU outside the affinity mask fails; measuring unpinned instead
            // would be a silent change of conditions.
            guard CPUAffinity.isAllowed(cpu) ?? true else {
                throw ValidationError("--cpu \(cpu) is not a CPU this process may run on (\(CPUAffinity.allowedCount().map(String.init) ?? "?") allowed; see taskset -p \(getpid()))")
            }
        }
        if let trace, try plan().points.contains(where: { $0.kind == .replay }) {
            if case .failure(let error) = FileBytes.readable(trace) {
                throw ValidationError("--trace \(trace): \(error)")
            }
        }
        if let refusal = MemoryBudget.current().refusal(arenaBytes: try arenaBytes()) {
            throw ValidationError(refusal)
        }
    }

    /// `--arena`: one size.
    func arenaBytes() throws -> Int {
        let sizes: [Int]
        do { sizes = try SizeParsing.sizes(arena) } catch { throw ValidationError("--arena \(error)") }
        guard sizes.count == 1 else { throw ValidationError("--arena '\(arena)': expected one size, not a list") }
        return sizes[0]
    }

    func plan() throws -> SweepPlan {
        func list<T>(_ name: String, _ text: String, _ parse: (String) throws -> [T]) throws -> [T] {
            do {
                let values = try parse(text)
                guard !values.isEmpty else { throw ValidationError("--\(name) is empty") }
                return values
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("--\(name) \(error)")
            }
        }
        let axisOptions: [(String, String?)] = [("workload", workload), ("fragsz", fragsz), ("align", align),
                                                ("max-size", maxSize), ("page-size", pageSize), ("impl", impl), ("variant", variant), ("api", api)]
        if let preset {
            let given = axisOptions.filter { $0.1 != nil }.map { "--\($0.0)" }
            if !given.isEmpty {
                throw ValidationError("--preset \(preset) chooses the sweep's axes itself: drop \(given.joined(separator: ", ")) or drop --preset")
            }
        }
        let workload = self.workload ?? "alloc-only", fragsz = self.fragsz ?? "64", align = self.align ?? "1"
        let maxSize = self.maxSize ?? "32K", pageSize = self.pageSize ?? "4K", impl = self.impl ?? "swift"
        let variant = self.variant ?? "remaining", api = self.api ?? "kernel"
        /// A comma-separated list of an axis's names, or "all" (`all`: the values "all" means).
        func names<T: CaseIterable & RawRepresentable>(_ option: String, _ text: String, all: [T] = Array(T.allCases))
            throws -> [T] where T.RawValue == String {
            try list(option, text) { text in
                if text == "all" { return all }
                return try text.split(separator: ",").map { name in
                    guard let value = T(rawValue: String(name)) else {
                        throw ValidationError("--\(option) '\(name)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return value
                }
            }
        }
        let kinds: [WorkloadKind] = try names("workload", workload, all: WorkloadKind.allCases.filter { $0 != .replay || trace != nil })
        let impls: [Implementation] = try names("impl", impl)
        let variants: [LayoutVariant] = try names("variant", variant)
        let apis: [FragAPI] = try names("api", api)
        guard (1 ... FragAPI.largestBulk).contains(bulk) else { throw ValidationError("--bulk must be within 1...\(FragAPI.largestBulk)") }
        if kinds.contains(.replay) && trace == nil { throw ValidationError("--workload replay needs --trace FILE") }
        let arenaBytes = try arenaBytes()
        let distributionValue: SizeDistribution
        do {
            distributionValue = try SizeDistribution.parse(distribution)
        } catch {
            throw ValidationError("--distribution \(error)")
        }
        guard (0.0 ... 1.0).contains(pressureFraction) else { throw ValidationError("--pressure-fraction must be within 0...1") }
        guard (0 ..< PageAllocator.maxOrder).contains(pressureOrder) else {
            throw ValidationError("--pressure-order must be within 0...\(PageAllocator.maxOrder - 1)")
        }
        guard depth >= 1 else { throw ValidationError("--depth must be at least 1") }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        var template = WorkloadParameters(
            kind: .allocOnly, config: try FragCacheConfig(), depth: depth, count: count, pushCPU: pushCPU,
            popCPU: popCPU, usePrepare: usePrepare, distribution: distributionValue,
            pressureFraction: pressureFraction, pressureMaxFreeOrder: pressureOrder, tracePath: trace,
            arenaBytes: arenaBytes, seed: seed)
        template.bulk = bulk
        template.ringFull = ringFull
        if let fragmented {
            guard preset == nil, kinds.allSatisfy({ $0 == .mixed }) else {
                throw ValidationError("--fragmented is for --workload mixed only (pressure fragments its own arena: --pressure-fraction)")
            }
            template.fragmented = fragmented
        }
        if let preset {
            do {
                let plan = try filtered(SweepPresets.plan(preset, template: template))
                for point in plan.points { try validateWorkload(point) }
                return plan
            } catch let error as SweepError {
                throw ValidationError(error.description)
            }
        }
        let axes = SweepPlan.Axes(
            workloads: kinds, pageSizes: try list("page-size", pageSize) { try SizeParsing.sizes($0) },
            maxSizes: try list("max-size", maxSize) { try SizeParsing.sizes($0) },
            fragszs: try list("fragsz", fragsz) { try SizeParsing.sizes($0) },
            aligns: try list("align", align) { try SizeParsing.sizes($0) }, template: template,
            impls: impls, variants: variants, apis: apis)
        do {
            let plan = try filtered(SweepPlan.build(axes))
            // Each workload checks its own parameters; ask them all before anything runs.
            for point in plan.points { try validateWorkload(point) }
            return plan
        } catch let error as SweepError {
            throw ValidationError(error.description)
        }
    }

    /// The plan's points whose name matches --filter (all without one); none matching is a
    /// usage error, not an empty run.
    func filtered(_ plan: SweepPlan) throws -> SweepPlan {
        guard let filter else { return plan }
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(filter)
        } catch {
            throw ValidationError("--filter '\(filter)' is not a regular expression: \(error)")
        }
        var kept = plan
        kept.points = plan.points.filter { PointLabel.benchmarkName($0).contains(regex) }
        guard !kept.points.isEmpty else {
            throw ValidationError("--filter '\(filter)' matches none of the \(plan.points.count) point(s) (--list shows their names)")
        }
        return kept
    }

    func validateWorkload(_ p: WorkloadParameters) throws {
        do {
            try p.validate()
        } catch {
            throw ValidationError("\(PointLabel.benchmarkName(p)): \(error)")
        }
    }

    func run() throws {
        let plan = try plan()
        if list {
            for point in plan.points { StandardStreams.out(PointLabel.benchmarkName(point) + "\n") }
            StandardStreams.err("\(plan.summary)\n")
            return
        }
        if visitProcesses == nil && !spreadsVisits && counters != "callgrind" {
            StandardStreams.err("run: one visit per point, so one process (--visits 2 or more spreads them over processes)\n")
        }
        if spreadsVisits {
            try ProcessVisits.run(plan, settings: settings())
        } else {
            try SweepRun.run(plan, settings: settings())
        }
    }

    /// Whether the visits run in child processes: asked for, or by default wherever there is
    /// more than one visit to spread and the counters are not callgrind's (deterministic counts
    /// need one process).
    var spreadsVisits: Bool {
        switch visitProcesses {
        case .processPerVisit: return true
        case .oneProcess: return false
        case nil:
            if counters == "callgrind" { return false }  // --callgrind-only needs it too (validate)
            return ProcessVisits.plan(visits: visits, samples: samples, quick: quick).visits > 1
        }
    }

    /// The options that say how to measure, as the engine takes them (checked by `validate`).
    func settings() -> RunSettings {
        var s = RunSettings()
        s.counters = CounterMode(rawValue: counters) ?? .auto
        s.callgrindOnly = callgrindOnly
        s.jobs = jobs
        s.quick = quick
        s.samples = samples
        s.visits = visits
        s.topUpVisits = topUp
        s.minSampleMs = minSampleMs
        s.estimator = Estimator(text: estimator) ?? .standard
        s.noCanary = noCanary
        s.cpu = pinning.cpu
        s.noPin = noPin
        s.output = saving.noSave ? nil : saving.output
        s.allowDebug = debugBuild.allowDebug
        s.command = Invocation.text
        return s
    }
}

/// `--process-per-visit` or `--one-process`.
enum VisitProcesses: String, EnumerableFlag {
    case processPerVisit
    case oneProcess
}
