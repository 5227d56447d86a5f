import Testing
@testable import Measure

@Suite struct CounterCalibrationTests {
    static let n = CounterCalibration.iterations
    /// Readings of the two runs (n and 2n iterations) with a fixed overhead of 400 events.
    static func exact(_ perIteration: Double) -> (short: Double, long: Double) {
        (400 + perIteration * Double(n), 400 + perIteration * Double(2 * n))
    }

    @Test func aPMUThatReadsZeroIsUnavailableNeverZero() {
        let verdict = CounterCalibration.judge(instructions: (0, 0), branches: (0, 0))
        #expect(!verdict.isTrusted)
        #expect(verdict.text.hasPrefix("reads 0 over a known loop"))
    }

    @Test func zeroBranchesAloneAlsoFails() {
        let verdict = CounterCalibration.judge(instructions: Self.exact(2), branches: (0, 0))
        #expect(verdict == .unavailable("reads 0 over a known loop (branches, expected 1000000): a PMU that counts nothing"))
    }

    @Test func exactCountsWithAFixedOverheadAreTrusted() {
        let verdict = CounterCalibration.judge(instructions: Self.exact(2), branches: Self.exact(1))
        #expect(verdict == .trusted("counted a known loop: instructions 2000000 of 2000000, branches 1000000 of 1000000"))
    }

    /// A counter that counts something, but not the loop (a wrong event, a broken scaling).
    @Test func aReadingFarFromTheKnownCountIsUnavailable() {
        let verdict = CounterCalibration.judge(instructions: Self.exact(1), branches: Self.exact(1))
        #expect(!verdict.isTrusted)
        #expect(verdict.text.contains("reads 1000000 over a known loop (instructions, expected 2000000)"))
        #expect(verdict.text.contains("off by 50.0%"))
    }

    @Test func withinTheToleranceIsTrusted() {
        let verdict = CounterCalibration.judge(instructions: Self.exact(2.02), branches: nil)
        #expect(verdict.isTrusted)
        #expect(!CounterCalibration.judge(instructions: Self.exact(2.1), branches: nil).isTrusted)
    }

    @Test func noInstructionsReadingIsUnavailable() {
        #expect(!CounterCalibration.judge(instructions: nil, branches: Self.exact(1)).isTrusted)
    }

    /// On a machine without a PMU (this lab's VMs) the calibration says so, in one line.
    @Test func aMachineWithoutAPMUSaysSo() {
        let verdict = CounterCalibration.run()
        if !verdict.isTrusted {
            #expect(!verdict.text.isEmpty && !verdict.text.contains("\n"))
        } else {
            #expect(verdict.text.hasPrefix("counted a known loop"))
        }
    }
}
