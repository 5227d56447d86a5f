import Measure
import Testing

/// The probe's summary of its windows (synthetic windows: no timing), and one short real run.
@Suite struct ContentionProbeTests {
    static func windows(_ memory: [Double], arithmetic: Double = 1.0, stepNs: UInt64 = 10_000_000) -> [ContentionProbe.Window] {
        memory.enumerated().map { i, m in
            ContentionProbe.Window(startNs: UInt64(i) * stepNs, memoryNsPerStep: m, arithmeticNsPerStep: arithmetic)
        }
    }

    /// 20 windows, 6 slow in two stretches (3 + 3): share, stretches and their lengths, the
    /// slow state's size, and a flat control.
    @Test func slowStretchesAreFoundAndMeasured() throws {
        let memory = [7.0, 7.05, 8.3, 8.3, 8.4, 7.02, 7.0, 7.1, 7.0, 7.05, 7.0, 8.2, 8.3, 8.3, 7.0, 7.02, 7.0, 7.04, 7.0, 7.01]
        let s = try #require(ContentionProbe.summarize(Self.windows(memory)))
        #expect(s.windows == 20)
        #expect(s.memoryBaseline == 7.0)
        #expect(abs(s.slowShare - 0.30) < 1e-12)
        #expect(s.slowStretches == 2)
        #expect(s.medianStretchNs == 30_000_000 && s.longestStretchNs == 30_000_000)
        #expect(abs(try #require(s.slowFactor) - 8.3 / 7.0) < 1e-12)
        #expect(s.arithmeticFlatShare == 1)
    }

    /// A stretch that runs to the last window ends one window-length after its start.
    @Test func aStretchAtTheEndIsCounted() throws {
        let s = try #require(ContentionProbe.summarize(Self.windows([7, 7, 7, 7, 7, 7, 9, 9])))
        #expect(s.slowStretches == 1 && s.longestStretchNs == 20_000_000)
    }

    /// The control tells a slowed vCPU from a slowed memory system.
    @Test func anArithmeticSlowdownShowsInTheControl() throws {
        var w = Self.windows(Array(repeating: 7.0, count: 10))
        for i in 0..<5 { w[i].arithmeticNsPerStep = 1.2 }
        let s = try #require(ContentionProbe.summarize(w))
        #expect(s.arithmeticFlatShare <= 0.5)
        #expect(s.slowShare == 0)
    }

    @Test func tooFewWindowsSayNothing() {
        #expect(ContentionProbe.summarize([]) == nil)
        #expect(ContentionProbe.summarize(Self.windows([7])) == nil)
    }

    /// A real run of 50 ms with 2 ms windows gives windows, in time order.
    @Test func aShortRealRunGivesOrderedWindows() {
        let w = ContentionProbe.run(durationNs: 50_000_000, windowNs: 2_000_000)
        #expect(w.count >= 2)
        #expect(zip(w, w.dropFirst()).allSatisfy { $0.startNs < $1.startNs })
        #expect(w.allSatisfy { $0.memoryNsPerStep > 0 && $0.arithmeticNsPerStep > 0 })
        var stopped = 0
        let none = ContentionProbe.run(durationNs: 10_000_000_000, windowNs: 1_000_000, stop: { stopped += 1; return stopped > 3 })
        #expect(none.count == 3, "stop is asked before every window")
    }
}
