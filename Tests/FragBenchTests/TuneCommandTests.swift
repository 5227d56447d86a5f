import BenchReport
import Testing
@testable import FragBench
import Lab
import Workloads

@Suite struct TuneCommandTests {
    /// Each child run warns about the load with its own figures: tune says it once.
    @Test func theSameWarningWithOtherFiguresIsSaidOnce() {
        let a = "Other work was running on this machine (the CPUs were 100% busy …; load average 8.95 …): expect noise."
        let b = "Other work was running on this machine (the CPUs were 97% busy …; load average 8.80 …): expect noise."
        #expect(BenchRun.sameWarning(a, b))
        #expect(!BenchRun.sameWarning("NOT APPLICABLE: mixed", "NOT APPLICABLE: pressure"))
    }

    /// Each child run's machine noise is its own line, labelled with the run; a warning every
    /// run gave is said once, naming the runs.
    @Test func childWarningsAreLabelledWithTheirRuns() {
        var warnings = ChildWarnings()
        let load = "Other work was running on this machine (load average 8.95): expect noise."
        warnings.add(["Machine noise: 31% of samples disturbed (40 of 128); the point estimates use the undisturbed ones.", load],
                     from: "mixed on 4 KiB pages")
        warnings.add(["Machine noise: 12% of samples disturbed (15 of 128); the point estimates use the undisturbed ones.",
                      load.replacingOccurrences(of: "8.95", with: "8.80")], from: "mixed on 64 KiB pages")
        #expect(warnings.lines == [
            "Machine noise, mixed on 4 KiB pages: 31% of samples disturbed (40 of 128); the point estimates use the undisturbed ones.",
            "mixed on 4 KiB pages (likewise mixed on 64 KiB pages): \(load)",
            "Machine noise, mixed on 64 KiB pages: 12% of samples disturbed (15 of 128); the point estimates use the undisturbed ones.",
        ])
    }
}

@Suite struct TunePlanAgainstRunTests {
    /// The run options that named tune's points before they were built as values (what a user
    /// would type to `fragbench run` for the same point).
    static func runOptions(workload: String, pageSize: Int, maxSizes: [Int], distribution: String = "imix",
                           depth: Int? = nil, fragmented: String? = nil, twoCPUs: Bool) -> [String] {
        var extra: [String] = switch workload {
        case "mixed": ["--distribution", distribution] + (fragmented.map { ["--fragmented", $0] } ?? [])
        case "prepare-commit": ["--fragsz", "1024"]
        default: ["--fragsz", "2048"]
        }
        if workload == "cross-thread" && twoCPUs { extra += ["--push-cpu", "0", "--pop-cpu", "1"] }
        if let depth { extra += ["--depth", String(depth)] }
        return ["--workload", workload, "--page-size", String(pageSize),
                "--max-size", maxSizes.map(String.init).joined(separator: ",")] + extra
    }

    /// tune's plans are exactly the points `fragbench run` measures for the same options, for
    /// every workload, page size and choice, and one max size names one paired side.
    @Test func everyPlanIsWhatRunMeasures() throws {
        let maxes = [4096, 8192, 16384, 32768, 65536, 131072]
        let choices: [(String, Int?, String?)] = [("imix", nil, nil), ("uniform:64-1500", 64, nil), ("imix", 32, "heavy"), ("imix", nil, "0.5:2")]
        for (kind, _) in TunePlan.workloads {
            for page in [4096, 16384, 65536] {
                for (distribution, depth, fragmented) in choices {
                    for twoCPUs in [true, false] {
                        let maxSizes = maxes.filter { $0 >= page }
                        let chosen = TunePlan.Choices(distribution: try SizeDistribution.parse(distribution), depth: depth,
                                                      fragmented: try fragmented.map { try ArenaFragmentation.parse($0) }, twoCPUs: twoCPUs)
                        let plan = try #require(try TunePlan.plan(workload: kind.rawValue, pageSize: page, maxSizes: maxSizes, choices: chosen))
                        let options = Self.runOptions(workload: kind.rawValue, pageSize: page, maxSizes: maxSizes, distribution: distribution,
                                                      depth: depth, fragmented: kind == .mixed ? fragmented : nil, twoCPUs: twoCPUs)
                        let run = try RunCommand.parse(options).plan()
                        #expect(plan.points == run.points, "\(options)")
                        #expect(plan.points.map(PointLabel.benchmarkName) == run.points.map(PointLabel.benchmarkName))
                        for max in maxSizes {
                            let side = try TunePlan.point(workload: kind.rawValue, pageSize: page, maxSize: max, choices: chosen)
                            #expect(side == plan.points.first { $0.config.maxSize == Swift.max(max, page) }, "\(kind) \(page) \(max)")
                        }
                    }
                }
            }
        }
        #expect(try TunePlan.plan(workload: "alloc-only", pageSize: 4096, maxSizes: [4096], choices: .init()) == nil)
        #expect(TunePairing.mismatch(try #require(try TunePlan.point(workload: "mixed", pageSize: 4096, maxSize: 32768, choices: .init())), nil)
                == "the run measured no such max size")
    }
}

@Suite struct TuneOptionsTests {
    /// Bad --distribution, --depth and --fragmented values, and --fragmented without mixed,
    /// are refused before anything runs; good ones are kept as given.
    @Test func badChoicesAreRefusedBeforeAnythingRuns() throws {
        #expect(throws: (any Error).self) { try TuneCommand.parse(["--distribution", "uniform:9-1"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["--depth", "0"]) }
        let parsed = try TuneCommand.parse(["--distribution", "uniform:64-1500", "--depth", "64"])
        #expect(parsed.distribution == "uniform:64-1500" && parsed.depth == 64)
        #expect(try TuneCommand.parse(["--fragmented", "0.5:2"]).fragmented == "0.5:2")
        for bad in [["--fragmented", "2"], ["--fragmented", "1:10"], ["--fragmented", "some"],
                    ["--fragmented", "1", "--workload", "pressure"]] {
            #expect(throws: (any Error).self, "\(bad)") { try TuneCommand.parse(bad) }
        }
    }
}

@Suite struct TunePairingSettingsTests {
    @Test func quickPairingIsShortAndZeroTurnsItOff() throws {
        let quick = try TuneCommand.parse(["--quick", "--allow-debug"])
        #expect(quick.effectivePairBudget == 3)
        #expect(quick.pairSettings.minSessions == 4 && quick.pairSettings.minPairs == 12 && quick.pairSettings.allowDebug)
        let standard = try TuneCommand.parse([])
        #expect(standard.effectivePairBudget == 8 && standard.pairSettings.minSessions == 8 && !standard.pairSettings.allowDebug)
        #expect(try TuneCommand.parse(["--quick", "--pair-budget", "0"]).effectivePairBudget == 0)
        #expect(throws: (any Error).self) { try TuneCommand.parse(["--pair-budget", "-1"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["--pair-budget", "nan"]) }
    }
}
