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

    /// --fragmented reaches mixed's child run and paired sides alike (one point per max size,
    /// on a fragmented arena, named so); the other workloads are not fragmented; bad values
    /// and a tune without mixed are refused before anything runs.
    @Test func fragmentedNamesTheSamePointsOnAFragmentedArena() throws {
        let options = try #require(TuneCommand.pointOptions(workload: "mixed", pageSize: 4096, maxSizes: [32768], fragmented: "heavy"))
        let points = try RunCommand.parse(options).plan().points
        #expect(points.count == 1 && points[0].fragmented == ArenaFragmentation(fraction: 1, maxFreeOrder: 0))
        #expect(PointLabel.benchmarkName(points[0]).hasSuffix("/fragment_fraction:1.0/fragment_order:0"))
        let side = try SelfPairing.point(options)
        #expect(side == points[0], "the paired side is the child run's point")
        let pressure = try #require(TuneCommand.pointOptions(workload: "pressure", pageSize: 4096, maxSizes: [32768], fragmented: "heavy"))
        #expect(try RunCommand.parse(pressure).plan().points.allSatisfy { $0.fragmented == nil })
        let parsed = try TuneCommand.parse(["--fragmented", "0.5:2"])
        #expect(parsed.fragmented == "0.5:2")
        for bad in [["--fragmented", "2"], ["--fragmented", "1:10"], ["--fragmented", "some"],
                    ["--fragmented", "1", "--workload", "pressure"]] {
            #expect(throws: (any Error).self, "\(bad)") { try TuneCommand.parse(bad) }
        }
        #expect(throws: (any Error).self) { try RunCommand.parse(["--workload", "alloc-free", "--fragmented", "1"]).plan() }
    }

    /// cross-thread's two threads run on CPUs 0 and 1 where there are two, as the presets do,
    /// so its name carries them; on one CPU they are left to the scheduler and named `any`.
    @Test func crossThreadIsPinnedWhereThereAreTwoCPUs() throws {
        let pinned = try #require(TuneCommand.pointOptions(workload: "cross-thread", pageSize: 4096, maxSizes: [32768], twoCPUs: true))
        let p = try RunCommand.parse(pinned).plan().points
        #expect(p.count == 1 && p[0].pushCPU == 0 && p[0].popCPU == 1)
        #expect(PointLabel.benchmarkName(p[0]).contains("/pop_cpu:1/prepare:0/push_cpu:0"))
        let free = try #require(TuneCommand.pointOptions(workload: "cross-thread", pageSize: 4096, maxSizes: [32768], twoCPUs: false))
        let q = try RunCommand.parse(free).plan().points
        #expect(q[0].pushCPU == nil && PointLabel.benchmarkName(q[0]).contains("/pop_cpu:any/prepare:0/push_cpu:any"))
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
