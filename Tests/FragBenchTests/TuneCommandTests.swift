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
}

@Suite struct TunePairingOptionsTests {
    /// The child run and each paired side get their point from one function: for every
    /// workload tune knows, one max size names exactly one point.
    @Test func eachWorkloadsOptionsNameOnePointPerMaxSize() throws {
        for (name, _) in TuneCommand.workloads {
            for page in [4096, 65536] {
                let options = try #require(TuneCommand.pointOptions(workload: name, pageSize: page, maxSizes: [131072]))
                #expect(try RunCommand.parse(options).plan().points.count == 1, "\(name) on \(page)")
            }
        }
        #expect(TuneCommand.pointOptions(workload: "alloc-only", pageSize: 4096, maxSizes: [4096]) == nil)
        #expect(TunePairing.mismatch(try SelfPairing.point(["--workload", "mixed"]), nil) == "the run measured no such max size")
    }

    /// --distribution (mixed) and --depth reach the child runs and the paired sides alike, as
    /// one point per max size; bad values are refused before anything runs.
    @Test func distributionAndDepthNameTheSamePoints() throws {
        let options = try #require(TuneCommand.pointOptions(workload: "mixed", pageSize: 4096, maxSizes: [32768],
                                                            distribution: "uniform:64-1500", depth: 64))
        let points = try RunCommand.parse(options).plan().points
        #expect(points.count == 1)
        #expect(points[0].distribution == .uniform(64 ... 1500) && points[0].depth == 64)
        let pressure = try #require(TuneCommand.pointOptions(workload: "pressure", pageSize: 4096, maxSizes: [32768],
                                                             distribution: "uniform:64-1500", depth: 32))
        let p = try RunCommand.parse(pressure).plan().points
        #expect(p.count == 1 && p[0].depth == 32 && p[0].fragsz == 2048, "the distribution is mixed's only")
        #expect(throws: (any Error).self) { try TuneCommand.parse(["--distribution", "uniform:9-1"]) }
        #expect(throws: (any Error).self) { try TuneCommand.parse(["--depth", "0"]) }
        let parsed = try TuneCommand.parse(["--distribution", "uniform:64-1500", "--depth", "64"])
        #expect(parsed.distribution == "uniform:64-1500" && parsed.depth == 64)
    }

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
