import Testing
@testable import Measure

/// The footprint-neutral delay converts nanoseconds to chain steps by its calibration, and a
/// calibration always yields a usable rate.
@Suite struct ArithmeticDelayTests {
    @Test func stepsFollowTheCalibratedRate() {
        let delay = ArithmeticDelay(stepsPerNanosecond: 0.25)
        #expect(delay.steps(nanoseconds: 40) == 10)
        #expect(delay.steps(nanoseconds: 0) == 0)
        #expect(delay.steps(nanoseconds: -5) == 0)
        #expect(delay.steps(nanoseconds: .nan) == 0)
        #expect(delay.steps(nanoseconds: .infinity) == 0)
    }

    @Test func aCalibrationIsFiniteAndPositive() {
        let delay = ArithmeticDelay.calibrate(windows: 2, steps: 100_000)
        #expect(delay.stepsPerNanosecond.isFinite && delay.stepsPerNanosecond > 0)
        ArithmeticDelay.spin(steps: 0)
        ArithmeticDelay.spin(steps: 1_000)
    }
}
