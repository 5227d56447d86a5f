#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CFragShim

/// Before a hardware counter is trusted, it counts a loop whose instruction and branch counts
/// are known. Guests of some hypervisors read the PMU as 0 without an error (VMware guests;
/// rr refuses a PMU that shows fewer than 500 branch events over a known loop), and others
/// return EPERM (GitHub-hosted runners) or have no PMU at all (this lab's VMs). A counter that
/// reads 0, or far from the known count, is unavailable with that reason: never printed as a
/// number.
///
/// The loop runs twice, `iterations` and `2 * iterations` times, and only the difference is
/// judged: the fixed cost around it (the enable and disable ioctls' user-space side, the call)
/// cancels, so the expected difference is exact: `2 * iterations` instructions (dec, jnz) and
/// `iterations` branches.
public enum CounterCalibration {
    /// What the calibration decided for the PMU as a whole.
    public enum Verdict: Sendable, Equatable {
        /// The counters read what the loop executed, within the tolerance.
        case trusted(String)
        /// Not to be used, and why (one line, starting with what is wrong).
        case unavailable(String)

        public var isTrusted: Bool { if case .trusted = self { return true } else { return false } }
        public var text: String {
            switch self {
            case .trusted(let detail): return detail
            case .unavailable(let reason): return reason
            }
        }
    }

    /// Iterations of the shorter run: long enough that a counter with a bad scaling or a
    /// skid of a few thousand events is still caught, short enough to cost about a
    /// millisecond.
    public static let iterations: UInt64 = 1_000_000
    /// How far a reading may be from the known count. Counters count exactly in user space;
    /// the difference of two runs removes the fixed cost, so 2% only absorbs an interrupt's
    /// user-space return path landing inside one of the runs.
    public static let tolerance = 0.02

    /// Judges the counts read over the two runs: `short` over `iterations`, `long` over twice
    /// as many, nil where the event could not be read. Pure, so it is tested with fake readings.
    public static func judge(instructions: (short: Double, long: Double)?, branches: (short: Double, long: Double)?,
                             iterations: UInt64 = iterations, tolerance: Double = tolerance) -> Verdict {
        guard let instructions else { return .unavailable("instructions could not be read over a known loop") }
        let checks: [(name: String, reading: (short: Double, long: Double)?, expected: Double)] = [
            ("instructions", instructions, 2 * Double(iterations)),
            ("branches", branches, Double(iterations)),
        ]
        var details: [String] = []
        for check in checks {
            guard let reading = check.reading else { continue }
            if reading.short == 0 && reading.long == 0 {
                return .unavailable("reads 0 over a known loop (\(check.name), expected \(check.expected.formatted0)): a PMU that counts nothing")
            }
            let measured = reading.long - reading.short
            let error = abs(measured - check.expected) / check.expected
            guard measured.isFinite, error <= tolerance else {
                return .unavailable("reads \(measured.formatted0) over a known loop (\(check.name), expected \(check.expected.formatted0)): "
                                    + "off by \(formatFixed(error * 100, digits: 1))%, more than \(formatFixed(tolerance * 100, digits: 0))%")
            }
            details.append("\(check.name) \(measured.formatted0) of \(check.expected.formatted0)")
        }
        return .trusted("counted a known loop: " + details.joined(separator: ", "))
    }

    /// Opens instructions and branches (perf's generic hardware events), counts the known loop
    /// twice and judges the readings.
    public static func run(paranoid: Int? = PerfSettings.paranoid()) -> Verdict {
        guard fb_known_loop(0) == 1 else {
            return .unavailable("no calibration loop for this architecture: hardware counts cannot be checked")
        }
        let specs = ["instructions", "branches"].compactMap { name -> PerfEventSpec? in
            if case .success(let spec) = PFM.encode(name) { return spec }
            return nil
        }
        guard !specs.isEmpty else { return .unavailable("no PMU: libpfm cannot encode instructions or branches") }
        let (opened, failures) = CounterGroup.open(specs, paranoid: paranoid)
        guard let group = opened, group.events.contains(where: { $0.name == "instructions" }) else {
            return .unavailable(openFailure(failures.first { $0.event == "instructions" } ?? failures.first))
        }
        func count(_ n: UInt64) -> [String: Double]? {
            group.start()
            _ = fb_known_loop(n)
            group.stop()
            guard case .success(let reading) = group.read() else { return nil }
            var values: [String: Double] = [:]
            for value in group.values(of: reading) { values[value.name] = value.value }
            return values
        }
        guard let short = count(iterations), let long = count(2 * iterations) else {
            return .unavailable("the counters opened but could not be read")
        }
        func pair(_ name: String) -> (short: Double, long: Double)? {
            guard let s = short[name], let l = long[name] else { return nil }
            return (s, l)
        }
        return judge(instructions: pair("instructions"), branches: pair("branches"))
    }

    /// A failed open as a verdict's reason: a missing PMU said plainly.
    static func openFailure(_ failure: PerfOpenFailure?) -> String {
        guard let failure else { return "no PMU: no hardware event could be opened" }
        switch failure.error.code {
        case ENOENT, EOPNOTSUPP, ENODEV: return "no PMU: \(failure.event) cannot be opened here (\(errnoSymbol(failure.error.code)))"
        default: return failure.reason
        }
    }
}

private extension Double {
    var formatted0: String { formatFixed(self, digits: 0) }
}
