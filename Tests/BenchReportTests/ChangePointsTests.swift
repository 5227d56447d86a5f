import Foundation
import Support
import Testing
@testable import BenchReport

@Suite struct ChangePointsTests {
    /// Deterministic noise: SplitMix64 uniforms, a sum of four for a roughly normal shape with
    /// standard deviation `sd` (relative).
    static func series(count: Int, level: Double = 10, shiftAt: Int? = nil, shift: Double = 0, sd: Double, seed: UInt64) -> [Double] {
        var random = SplitMix64(seed: seed)
        return (0 ..< count).map { i in
            // Sum of four uniforms: mean 2, variance 1/3.
            let noise = ((0 ..< 4).reduce(0.0) { s, _ in s + random.nextUnit() } - 2) / (1.0 / 3).squareRoot()
            let base = level * (1 + (shiftAt.map { i >= $0 ? shift : 0 } ?? 0))
            return base * (1 + sd * noise)
        }
    }

    @Test func aThreePercentTimeShiftIsFoundWithinOneCommit() {
        for seed in UInt64(1) ... 20 {
            let values = Self.series(count: 40, shiftAt: 23, shift: 0.03, sd: 0.01, seed: seed)
            let changes = ChangePoints.eDivisive(values)
            #expect(changes.count == 1, "seed \(seed): \(changes)")
            guard let change = changes.first else { continue }
            #expect(abs(change.index - 23) <= 1, "seed \(seed): found at \(change.index)")
            #expect(abs(change.relative - 0.03) < 0.01, "seed \(seed): \(change.relative)")
            #expect(change.ratio.lower > 1)
        }
    }

    @Test func noShiftFindsNone() {
        for seed in UInt64(1) ... 20 {
            let values = Self.series(count: 40, sd: 0.01, seed: seed)
            #expect(ChangePoints.eDivisive(values).isEmpty, "seed \(seed)")
        }
    }

    /// A resolved change below the threshold is not a change (Bencher's thresholds).
    @Test func aResolvedChangeBelowTheThresholdIsNotReported() {
        let values = Self.series(count: 60, shiftAt: 30, shift: 0.005, sd: 0.001, seed: 7)
        #expect(ChangePoints.eDivisive(values).isEmpty)
        #expect(ChangePoints.eDivisive(values, options: .init(threshold: 0.002)).map(\.index) == [30])
    }

    @Test func twoShiftsAreBothFound() {
        var values = Self.series(count: 45, shiftAt: 15, shift: 0.05, sd: 0.005, seed: 3)
        for i in 30 ..< 45 { values[i] *= 0.9 }
        let changes = ChangePoints.eDivisive(values)
        #expect(changes.map(\.index) == [15, 30])
        #expect(changes.first.map { $0.relative > 0 } == true)
        #expect(changes.last.map { $0.relative < 0 } == true)
    }

    @Test func tooShortASeriesHasNoChange() {
        #expect(ChangePoints.eDivisive([1, 1, 2, 2, 2]).isEmpty)
        #expect(ChangePoints.eDivisive([]).isEmpty)
    }

    @Test func oneInstructionPerOpIsFoundExactly() {
        let values = Array(repeating: 36.1, count: 17) + Array(repeating: 37.1, count: 8)
        let changes = ChangePoints.exact(values)
        #expect(changes.map(\.index) == [17])
        #expect(changes.first.map { abs($0.delta - 1) < 1e-9 } == true)
    }

    @Test func anUnchangedCountHasNoChange() {
        #expect(ChangePoints.exact(Array(repeating: 36.1, count: 30)).isEmpty)
        #expect(ChangePoints.exact([36.1]).isEmpty)
    }
}
