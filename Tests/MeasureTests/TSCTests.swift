import Testing
@testable import Measure

@Suite struct TSCTests {
    @Test func windowFrequency() {
        let w = CalibrationWindow(ticks: 60_000_000, nanoseconds: 20_000_000)
        #expect(w.hz == 3e9)
        #expect(CalibrationWindow(ticks: 5, nanoseconds: 0).hz == nil)
    }

    @Test func frequencyIsMedianOfWindows() {
        let windows = [
            CalibrationWindow(ticks: 2_000_000, nanoseconds: 1_000_000),  // 2 GHz
            CalibrationWindow(ticks: 9_000_000, nanoseconds: 1_000_000),  // preempted outlier
            CalibrationWindow(ticks: 2_002_000, nanoseconds: 1_000_000),
        ]
        #expect(abs(TSC.frequency(fromWindows: windows)! - 2.002e9) < 1e-3)
        #expect(TSC.frequency(fromWindows: []) == nil)
    }

    @Test func cpuinfoFlagsParse() {
        let text = """
        processor\t: 0
        model name\t: Example CPU
        flags\t\t: fpu tsc rdtscp constant_tsc nonstop_tsc hypervisor
        processor\t: 1
        flags\t\t: fpu
        """
        let flags = CPUFlags.parse(cpuinfo: text)
        #expect(flags.constantTSC && flags.nonstopTSC && flags.rdtscp && flags.hypervisor)
        #expect(!flags.tscKnownFreq)
        #expect(!CPUFlags.parse(cpuinfo: "flags : fpu\n").constantTSC)
    }

    @Test(.enabled(if: TSC.isSupported, "TSC exists only on x86"))
    func calibrationAgreesWithMonotonicClock() throws {
        let calibration = TSC.calibrate(windows: 3, windowNanoseconds: 5_000_000)
        let hz = try #require(calibration.hz, "\(calibration.method)")
        // Any real TSC ticks between 100 MHz and 10 GHz.
        #expect(hz > 1e8 && hz < 1e10)
        #expect(calibration.windowHz.count == 3)
        #expect(calibration.method.contains("CLOCK_MONOTONIC"))
        // Converting a window's ticks back gives its duration.
        #expect(abs(calibration.nanoseconds(ticks: hz)! - 1e9) < 1)
    }

    @Test(.enabled(if: TSC.isSupported, "TSC exists only on x86"))
    func tscIsMonotonicAcrossBracket() {
        let a = TSC.start()
        let b = TSC.end()
        #expect(b >= a)
    }
}
