import CFragShim

/// The x86 time stamp counter: cheapest timer there is (tens of cycles, no
/// syscall), but in TSC ticks, not core cycles, and only trustworthy as a
/// clock when the CPU advertises constant_tsc and nonstop_tsc.
public enum TSC {
    /// Whether this architecture has a TSC at all (x86).
    public static var isSupported: Bool { fb_has_tsc() != 0 }

    /// Reads the TSC at the start of a timed region (`lfence; rdtsc`).
    @inline(__always)
    public static func start() -> UInt64 { fb_rdtsc() }

    /// Reads the TSC at the end of a timed region (`rdtscp; lfence`).
    @inline(__always)
    public static func end() -> UInt64 { fb_rdtscp() }

    /// Measures the TSC frequency against CLOCK_MONOTONIC over several short
    /// busy-wait windows and takes the median, so one preempted window cannot
    /// skew the result. ~20 ms windows keep clock_gettime's ~tens-of-ns
    /// uncertainty below 1e-5 relative.
    public static func calibrate(windows: Int = 5, windowNanoseconds: UInt64 = 20_000_000) -> TSCCalibration {
        let flags = CPUFlags.read()
        guard isSupported else {
            return TSCCalibration(
                hz: nil, method: "unavailable: no TSC on this architecture",
                windowHz: [], flags: flags)
        }
        var measured: [CalibrationWindow] = []
        for _ in 0..<max(1, windows) {
            let t0 = MonotonicClock.nanoseconds()
            let c0 = start()
            var t1 = t0
            while t1 &- t0 < windowNanoseconds { t1 = MonotonicClock.nanoseconds() }
            let c1 = end()
            measured.append(CalibrationWindow(ticks: c1 &- c0, nanoseconds: t1 &- t0))
        }
        let perWindow = measured.compactMap(\.hz)
        let hz = frequency(fromWindows: measured)
        let method = "median of \(measured.count) x \(windowNanoseconds / 1_000_000) ms busy-wait windows "
            + "of rdtsc against CLOCK_MONOTONIC"
        return TSCCalibration(hz: hz, method: hz == nil ? "failed: " + method : method,
                              windowHz: perWindow, flags: flags)
    }

    /// Median ticks-per-second over calibration windows; nil when no window
    /// has a positive duration.
    public static func frequency(fromWindows windows: [CalibrationWindow]) -> Double? {
        Statistics.median(windows.compactMap(\.hz))
    }
}

/// One calibration interval: TSC ticks elapsed over monotonic nanoseconds.
public struct CalibrationWindow: Sendable, Equatable {
    public let ticks: UInt64
    public let nanoseconds: UInt64

    public init(ticks: UInt64, nanoseconds: UInt64) {
        self.ticks = ticks
        self.nanoseconds = nanoseconds
    }

    public var hz: Double? {
        nanoseconds == 0 ? nil : Double(ticks) / Double(nanoseconds) * 1e9
    }
}

/// The calibrated TSC frequency and enough provenance to judge it.
public struct TSCCalibration: Sendable {
    /// Ticks per second, nil when calibration was impossible.
    public let hz: Double?
    /// How `hz` was obtained (or why not).
    public let method: String
    /// Each window's frequency, to show the spread.
    public let windowHz: [Double]
    /// CPU flags that decide whether TSC ticks can be read as time.
    public let flags: CPUFlags

    /// err% of the window frequencies.
    public var spreadPercent: Double? { Statistics.medianAbsolutePercentError(windowHz) }

    /// TSC ticks are wall-clock time only with an invariant TSC.
    public var isInvariant: Bool { flags.constantTSC && flags.nonstopTSC }

    /// Converts ticks to nanoseconds with the calibrated frequency.
    public func nanoseconds(ticks: Double) -> Double? {
        guard let hz, hz > 0 else { return nil }
        return ticks / hz * 1e9
    }
}

/// The /proc/cpuinfo flags that matter for timing.
public struct CPUFlags: Sendable, Equatable {
    /// TSC ticks at a fixed rate regardless of P-state.
    public let constantTSC: Bool
    /// TSC keeps ticking in deep C-states.
    public let nonstopTSC: Bool
    /// `rdtscp` exists (used to close timed regions).
    public let rdtscp: Bool
    /// The kernel took the TSC frequency from CPUID/hypervisor, not calibration.
    public let tscKnownFreq: Bool
    /// Running under a hypervisor: hardware PMU access is usually absent.
    public let hypervisor: Bool
    /// Where the flags came from; "unreadable: ..." means every flag is false
    /// for lack of data, not because the CPU lacks it.
    public let source: String

    /// Reads the first CPU's "flags" line from /proc/cpuinfo.
    public static func read(path: String = "/proc/cpuinfo") -> CPUFlags {
        switch readTextFile(path) {
        case .success(let text): return parse(cpuinfo: text, source: path)
        case .failure(let error): return parse(cpuinfo: "", source: "unreadable: \(error)")
        }
    }

    /// Parses the first `flags : ...` line of cpuinfo text.
    public static func parse(cpuinfo text: String, source: String = "text") -> CPUFlags {
        var set = Set<Substring>()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2,
                  parts[0].trimmingCharacters(in: " \t") == "flags" else { continue }
            set = Set(parts[1].split(separator: " "))
            break
        }
        return CPUFlags(
            constantTSC: set.contains("constant_tsc"), nonstopTSC: set.contains("nonstop_tsc"),
            rdtscp: set.contains("rdtscp"), tscKnownFreq: set.contains("tsc_known_freq"),
            hypervisor: set.contains("hypervisor"), source: source)
    }
}

extension Substring {
    /// Foundation-free trim of a small character set.
    func trimmingCharacters(in characters: String) -> Substring {
        var s = self
        while let first = s.first, characters.contains(first) { s = s.dropFirst() }
        while let last = s.last, characters.contains(last) { s = s.dropLast() }
        return s
    }
}
