import Testing
@testable import BenchReport

/// The recommendation on synthetic sweeps where the right answer is known.
@Suite struct TuningTests {
    static let MiB = 1 << 20
    static func setting(_ max: Int, page: Int = 4096, ns: Double, pinned: Int, failures: Int = 0) -> BenchPoint {
        ReportingFixtures.point(workload: "mixed", page: page, max: max, fragsz: nil, ns: ns,
                                samples: ReportingFixtures.samples(ns), pinned: pinned, refills: 200, failures: failures,
                                parameters: ["depth": "256", "distribution": "imix"])
    }

    /// 4K pages: 8K and 16K within the budget and too close to separate; 32K+ faster but big.
    /// 64K pages: 128K faster than 64K, but beyond the budget.
    static let mixedSweep: [BenchPoint] = [
        setting(4096, ns: 20, pinned: MiB),
        setting(8192, ns: 15, pinned: MiB + MiB / 10),
        setting(16384, ns: 14.9, pinned: MiB + MiB / 5),
        setting(32768, ns: 12, pinned: MiB * 8 / 5),
        setting(65536, ns: 11.9, pinned: 2 * MiB),
        setting(131072, ns: 12, pinned: 3 * MiB, failures: 50),
        setting(65536, page: 65536, ns: 10, pinned: 4 * MiB),
        setting(131072, page: 65536, ns: 9.5, pinned: 6 * MiB),
    ]

    func group(_ page: Int, _ objective: Tuning.Objective) -> Tuning.Group {
        Tuning.analyse(Self.mixedSweep, objective: objective).first { $0.pageSize == page }!
    }

    @Test func defaultObjectiveWithInseparableSettings() {
        let g = group(4096, .default)
        #expect(g.recommended == 16384 || g.recommended == 8192)
        // 8K and 16K cannot be told apart: the one that pins less is recommended.
        #expect(g.recommended == 8192)
        #expect(g.inseparable == [16384])
        #expect(g.explanation.contains("cannot separate 8 KiB, 16 KiB"))
        #expect(g.explanation.contains("nominally fastest is 16 KiB"))
        // Outside the budget, never paired with the choice: no claim about their speed.
        #expect(!g.explanation.contains("Faster"))
        #expect(g.explanation.contains("32 KiB, 64 KiB, 128 KiB pin more than the objective allows and were not paired with it"))
    }

    /// The estimator is said once for the file, by family, whatever each point's counts; a
    /// fallback estimator is named with how many settings used it.
    @Test func theEstimatorIsSaidOnce() {
        let points = Self.mixedSweep.enumerated().map { i, p -> BenchPoint in
            var p = p
            p.estimator = i == 0 ? "p10 of all 35 samples (only 4 undisturbed) over 3 visits; 95% interval predicts another run (at least ±1%)"
                : "p10 of \(40 + i) undisturbed samples (\(i) disturbed) over 3 visits; 95% interval predicts another run (at least ±1%)"
            return p
        }
        let groups = Tuning.analyse(points)
        let text = Tuning.markdown(groups, objective: .default, charts: [], provenance: nil, notes: [])
        #expect(text.components(separatedBy: "p10 of the undisturbed samples").count == 2)
        #expect(text.contains("- ns/op: the run's estimate, the p10 of all samples (where too few were undisturbed) over the visits (1 setting); or the p10 of the undisturbed samples over the visits (\(points.count - 1) settings)"))
        #expect(!text.contains("predicts another run (at least"), "the interval has its own line")
    }

    @Test func otherObjectives() {
        let fastest = group(4096, .fastest)
        #expect(fastest.recommended == 32768, "32K, 64K and 128K tie at ~12 ns; 32K pins least")
        #expect(fastest.inseparable == [65536, 131072])
        #expect(group(4096, .smallest).recommended == 4096)
        #expect(group(4096, .fastestWithin(slack: 0)).recommended == 4096)
        #expect(group(4096, .fastestWithin(slack: 1)).recommended == 32768)
    }

    @Test func separatedSettingsAreSaidToBe() {
        let g = group(65536, .default)
        #expect(g.recommended == 65536)
        #expect(g.inseparable.isEmpty)
        #expect(!g.explanation.contains("cannot separate"))
        #expect(g.explanation.contains("Only this setting meets the memory budget"))
        #expect(g.explanation.contains("128 KiB pins more than the objective allows and was not paired with it"))
        #expect(!g.explanation.contains("Faster"))
        #expect(group(65536, .fastest).recommended == 131072)
    }

    @Test func frontierAndFailureRate() {
        let g = group(4096, .default)
        let frontier = g.settings.filter(\.onFrontier).map(\.maxSize)
        #expect(frontier == [4096, 8192, 16384, 32768, 65536], "128K is slower than 64K and pins more")
        #expect(g.settings.last!.point.highOrderFailureRate == 0.25)
    }

    @Test func withoutSamplesErrPctDecides() {
        var a = Self.setting(4096, ns: 10, pinned: 100)
        var b = Self.setting(8192, ns: 10.04, pinned: 100)
        a.sampleNsPerOp = nil
        b.sampleNsPerOp = nil
        #expect(!Tuning.separable(Tuning.Setting(a), Tuning.Setting(b)))
        b.nsPerOp = 12
        #expect(Tuning.separable(Tuning.Setting(a), Tuning.Setting(b)))
    }

    @Test func noRecommendationOnUnstableData() {
        var points = Self.mixedSweep.filter { $0.pageSize == 4096 }
        for i in points.indices { points[i].unstable = true; points[i].errPct = 9 }
        let g = Tuning.analyse(points, objective: .default)[0]
        #expect(g.recommended == nil)
        #expect(g.explanation.contains("No recommendation: the data cannot support one."))
        #expect(g.explanation.contains("unstable"))
        let markdown = Tuning.markdown([g], objective: .default, charts: [], provenance: nil, notes: [])
        #expect(!markdown.contains("**Recommendation"))
        #expect(markdown.contains("none: data too noisy or incomplete"))
    }

    @Test func aSoleCandidateIsRecommendedHoweverNoisy() throws {
        var points = Self.mixedSweep.filter { $0.pageSize == 4096 }
        for i in points.indices { points[i].unstable = true; points[i].errPct = 9 }
        // smallest: only the setting pinning least is a candidate, so no ranking is needed.
        let g = Tuning.analyse(points, objective: .smallest)[0]
        let least = try #require(g.settings.compactMap(\.pinned).min())
        #expect(g.settings.filter { $0.pinned == least }.count == 1, "fixture: one setting pins least")
        #expect(g.recommended == g.settings.first { $0.pinned == least }?.maxSize)
        #expect(g.explanation.contains("Only this setting meets the memory budget."))
        #expect(g.explanation.contains("does not affect the choice"))
        #expect(!g.explanation.contains("No recommendation"))
    }

    @Test func noRecommendationWhenIntervalsAreTooWideToRank() {
        var points = Self.mixedSweep.filter { $0.pageSize == 4096 }
        // Under load: an interval such as 75.9–1243 says nothing about the order.
        points[1].nsPerOpLow = 7.59
        points[1].nsPerOpHigh = 124.3
        let g = Tuning.analyse(points, objective: .default)[0]
        #expect(g.recommended == nil)
        #expect(g.explanation.contains("as wide as 7.59–124 (max size 8 KiB)"))
    }

    @Test func theFrontierChartDoesNotJoinSettingsAndShowsUnstableOnes() {
        var points = Self.mixedSweep
        points[0].unstable = true
        let charts = Tuning.charts(Tuning.analyse(points, objective: .default), objective: .default)
        #expect(!charts[0].svg.contains("stroke-width=\"2\" fill=\"none\""), "no line through the settings")
        #expect(charts[0].svg.contains(">unstable</text>"))
        // Subtitled with its points' name, the axes it spans (max size; page size, a series
        // each) as `*`.
        #expect(charts[0].svg.contains(">mixed/page:*/max:*/fragsz:-/align:1/depth:256/distribution:imix</text>"))
    }
}
