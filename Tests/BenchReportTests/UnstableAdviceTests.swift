import Testing
@testable import BenchReport

/// The advice for unstable points names flags with values a reader can type.
@Suite struct UnstableAdviceTests {
    static func unstable(_ workload: String = "alloc-only", sampleMs: Double = 4.8, samples: Int = 11,
                         pinned: Bool = true) -> BenchPoint {
        var p = Fixtures.fast
        p.workload = workload
        p.unstable = true
        p.errPct = 9.25
        p.samples = samples
        p.pinned = pinned
        p.sampleNs = sampleMs * 1e6
        return p
    }

    @Test func namesMinSampleMsWithAValueInMilliseconds() throws {
        let hint = try #require(UnstableAdvice.hint(Self.unstable(), counterBackend: "software"))
        #expect(hint.hasPrefix("95% interval ±2.1%, 1 of 11 samples disturbed: "), "\(hint)")
        #expect(hint.contains("raise --min-sample-ms to 20 (samples took up to 4.80 ms)"))
        #expect(hint.contains("raise --visits or --samples above this run's; the fewest an unstable point had was 11"))
        #expect(hint.contains("--counters callgrind"))
        #expect(!hint.contains("ops/sample"))
        #expect(!hint.contains("--cpu"), "a pinned point needs no pinning advice")
    }

    @Test func aWideIntervalLeadsTheHint() throws {
        var p = Self.unstable()
        p.nsPerOp = 10
        p.nsPerOpLow = 9
        p.nsPerOpHigh = 10.5
        p.disturbedSamples = 0
        let hint = try #require(UnstableAdvice.hint(p, counterBackend: "software"))
        #expect(hint.hasPrefix("95% interval ±10.0% > ±3%: "), "\(hint)")
        // An older run without intervals falls back to the sample spread.
        var old = Self.unstable()
        old.nsPerOpLow = nil
        old.nsPerOpHigh = nil
        #expect(UnstableAdvice.hint(old, counterBackend: "software")!.hasPrefix("sample spread 9.2% > 5%: "))
        // A narrow interval from too few undisturbed samples says that is why.
        var few = Self.unstable()
        few.disturbedSamples = 8
        #expect(UnstableAdvice.hint(few, counterBackend: "software")!.hasPrefix("95% interval ±2.1%, but only 3 of 11 samples undisturbed: "))
    }

    @Test func underCallgrindItDoesNotAdviseCallgrind() throws {
        let hint = try #require(UnstableAdvice.hint(Self.unstable(), counterBackend: "callgrind"))
        #expect(!hint.contains("callgrind"))
    }

    /// cross-thread's samples are whole counts and its level moves between stretches of the
    /// run: the advice is the paired compare, not longer samples or a longer count.
    @Test func crossThreadIsComparedPairedInTime() throws {
        let advice = try #require(UnstableAdvice.advice([Self.unstable("cross-thread")], counterBackend: "none"))
        #expect(advice.contains("make compare, fragbench pair"))
        #expect(!advice.contains("--min-sample-ms") && !advice.contains("raise --count"))
    }

    @Test func suggestionsAreRoundValues() {
        #expect(UnstableAdvice.suggestedMilliseconds(0.02) == "1")
        #expect(UnstableAdvice.suggestedMilliseconds(4.8) == "20")
        #expect(UnstableAdvice.suggestedMilliseconds(5) == "20")
        #expect(UnstableAdvice.suggestedMilliseconds(13) == "100")
        #expect(UnstableAdvice.suggestedMilliseconds(30) == "200")
    }

    @Test func stablePointsGetNoAdvice() {
        #expect(UnstableAdvice.hint(Fixtures.fast, counterBackend: "software") == nil)
        #expect(UnstableAdvice.advice([Fixtures.fast, Fixtures.crossThread], counterBackend: "software") == nil)
    }
}
