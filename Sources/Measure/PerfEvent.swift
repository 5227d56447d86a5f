#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CFragShim
// <linux/perf_event.h> is textually included by both CFragShim and CLibPFM;
// clang merges the two copies and the merged declarations (perf_event_attr,
// PERF_TYPE_*, ...) are only visible through whichever module it picked.
// Importing both keeps them in scope regardless.
import CLibPFM

/// A perf event to open: its display name, where it counts, and the
/// perf_event_attr describing it (from libpfm for hardware events, built
/// directly for software events).
public struct PerfEventSpec: Sendable {
    public let name: String
    public let source: CounterSource
    /// How the attr was produced, e.g. libpfm's canonical event string.
    public let encoding: String
    public let attr: perf_event_attr

    public init(name: String, source: CounterSource, encoding: String, attr: perf_event_attr) {
        self.name = name
        self.source = source
        self.encoding = encoding
        self.attr = attr
    }

    /// A kernel software event; these work without a PMU (e.g. in VMs).
    public static func software(_ name: String, config: perf_sw_ids) -> PerfEventSpec {
        var attr = perf_event_attr()
        attr.type = PERF_TYPE_SOFTWARE.rawValue
        attr.config = UInt64(config.rawValue)
        return PerfEventSpec(name: name, source: .softwareEvent,
                             encoding: "PERF_TYPE_SOFTWARE/\(config.rawValue)", attr: attr)
    }

    /// task-clock, page-faults, context-switches, cpu-migrations.
    public static let defaultSoftware: [PerfEventSpec] = [
        .software("task-clock", config: PERF_COUNT_SW_TASK_CLOCK),
        .software("page-faults", config: PERF_COUNT_SW_PAGE_FAULTS),
        .software("context-switches", config: PERF_COUNT_SW_CONTEXT_SWITCHES),
        .software("cpu-migrations", config: PERF_COUNT_SW_CPU_MIGRATIONS),
    ]

    /// The attr as opened: this thread only, user space only (kernel and
    /// hypervisor excluded, which also keeps perf_event_paranoid=2 happy),
    /// group read format with enabled/running times for multiplex scaling,
    /// and created disabled when it leads a group so nothing counts before
    /// the measured region.
    public func attrForOpening(asLeader: Bool) -> perf_event_attr {
        var a = attr
        a.size = UInt32(MemoryLayout<perf_event_attr>.size)
        a.disabled = asLeader ? 1 : 0
        a.exclude_kernel = 1
        a.exclude_hv = 1
        a.inherit = 0
        a.read_format = UInt64(PERF_FORMAT_GROUP.rawValue
            | PERF_FORMAT_TOTAL_TIME_ENABLED.rawValue
            | PERF_FORMAT_TOTAL_TIME_RUNNING.rawValue)
        return a
    }
}

/// Why an event could not be opened, in words a user can act on.
public struct PerfOpenFailure: Sendable, Equatable {
    public let event: String
    public let error: SystemError
    public let reason: String
    public let hint: String

    public init(event: String, error: SystemError, paranoid: Int?) {
        self.event = event
        self.error = error
        (reason, hint) = PerfOpenFailure.explain(code: error.code, paranoid: paranoid)
    }

    /// Maps perf_event_open's errno to a reason and a fix. The kernel reuses
    /// a few codes for many causes, so the text names the likely one for
    /// this setting (a VM without a virtual PMU gives ENOENT/EOPNOTSUPP).
    public static func explain(code: Int32, paranoid: Int?) -> (reason: String, hint: String) {
        let paranoidText = paranoid.map(String.init) ?? "unknown"
        switch code {
        case ENOENT, EOPNOTSUPP, ENODEV:
            return ("no PMU/event not supported in this VM (\(errnoSymbol(code)))",
                    "use --counters software (TSC + software events) or --counters callgrind; "
                        + "on bare metal or a VM with a virtual PMU this event should open")
        case EACCES, EPERM:
            return ("perf_event_paranoid=\(paranoidText) forbids this event (\(errnoSymbol(code)))",
                    "fix: sudo sysctl kernel.perf_event_paranoid=1")
        case EINVAL:
            return ("kernel rejected the event attributes (EINVAL): event or modifier not valid on this CPU",
                    "try a generic event name (cycles, instructions) or check `perf list`")
        case ENOSPC:
            return ("no free hardware counter for this event (ENOSPC)",
                    "open fewer hardware events at once, or stop other perf users (e.g. the NMI watchdog)")
        case EMFILE:
            return ("out of file descriptors (EMFILE)", "raise `ulimit -n`")
        case ENOSYS:
            return ("perf_event_open is not available in this kernel/sandbox (ENOSYS)",
                    "run outside the container/seccomp sandbox, or use --counters callgrind")
        case EBUSY:
            return ("the PMU is held exclusively by another user (EBUSY)", "stop the other profiler")
        default:
            return ("perf_event_open failed: \(errnoSymbol(code)) (\(systemErrorMessage(code)))",
                    "see perf_event_open(2) ERRORS")
        }
    }
}

/// Kernel perf settings that decide what may be opened.
public enum PerfSettings {
    /// /proc/sys/kernel/perf_event_paranoid; nil when unreadable (no perf
    /// support compiled into the kernel, or /proc hidden).
    public static func paranoid(path: String = "/proc/sys/kernel/perf_event_paranoid") -> Int? {
        guard case .success(let text) = readTextFile(path) else { return nil }
        return Int(Substring(text).trimmingCharacters(in: " \n\t"))
    }
}

/// Multiplex scaling for one counter, kept pure so it can be tested.
public enum PerfScaling {
    /// When more events are open than the PMU has counters, the kernel
    /// time-slices them; a counter that ran for `running` of `enabled` ns is
    /// extrapolated as raw * enabled / running (perf stat's rule). Returns
    /// nil when it never ran, because there is nothing to extrapolate from.
    public static func scale(raw: UInt64, enabled: UInt64, running: UInt64)
        -> (value: Double, ratio: Double)?
    {
        guard running > 0, enabled > 0 else { return nil }
        if running >= enabled { return (Double(raw), 1) }
        return (Double(raw) * Double(enabled) / Double(running), Double(running) / Double(enabled))
    }
}
