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

/// One perf event group: a leader plus members that the kernel schedules onto
/// the PMU together, so their counts cover exactly the same instructions
/// (ratios such as IPC are meaningless otherwise). Owns its fds.
///
/// Not Sendable: a group counts the thread that opened it and must be driven
/// from that thread.
public final class CounterGroup {
    /// The events that opened, in group order (leader first).
    public let events: [PerfEventSpec]
    private let fds: [Int32]
    private var leader: Int32 { fds[0] }

    private init(events: [PerfEventSpec], fds: [Int32]) {
        precondition(!events.isEmpty && events.count == fds.count)
        self.events = events
        self.fds = fds
    }

    deinit {
        for fd in fds { close(fd) }
    }

    /// Opens `specs` as one group on the calling thread, any CPU. The first
    /// spec that opens becomes the leader; each spec that fails is returned
    /// with its reason instead of failing the whole group, so setup never
    /// fails a run.
    public static func open(_ specs: [PerfEventSpec], paranoid: Int? = PerfSettings.paranoid())
        -> (group: CounterGroup?, failures: [PerfOpenFailure])
    {
        var opened: [PerfEventSpec] = []
        var fds: [Int32] = []
        var failures: [PerfOpenFailure] = []
        for spec in specs {
            let isLeader = fds.isEmpty
            var attr = spec.attrForOpening(asLeader: isLeader)
            let groupFD: Int32 = isLeader ? -1 : fds[0]
            let result = retryingEINTR("perf_event_open(\(spec.name))") {
                fb_perf_event_open(&attr, 0, -1, groupFD, UInt(PERF_FLAG_FD_CLOEXEC))
            }
            switch result {
            case .success(let fd):
                opened.append(spec)
                fds.append(fd)
            case .failure(let error):
                failures.append(PerfOpenFailure(event: spec.name, error: error, paranoid: paranoid))
            }
        }
        let group = fds.isEmpty ? nil : CounterGroup(events: opened, fds: fds)
        return (group, failures)
    }

    /// Zeroes and starts every member at once (PERF_IOC_FLAG_GROUP).
    @discardableResult
    public func start() -> Result<Void, SystemError> {
        let fd = leader
        if case .failure(let e) = retryingEINTR("ioctl(PERF_EVENT_IOC_RESET)", { fb_perf_reset_group(fd) }) {
            return .failure(e)
        }
        return retryingEINTR("ioctl(PERF_EVENT_IOC_ENABLE)") { fb_perf_enable_group(fd) }.map { _ in () }
    }

    /// Stops every member at once.
    @discardableResult
    public func stop() -> Result<Void, SystemError> {
        let fd = leader
        return retryingEINTR("ioctl(PERF_EVENT_IOC_DISABLE)") { fb_perf_disable_group(fd) }.map { _ in () }
    }

    /// Reads all members in one read(2) of the leader (PERF_FORMAT_GROUP).
    public func read() -> Result<GroupReading, SystemError> {
        let words = 3 + events.count
        var buffer = [UInt64](repeating: 0, count: words)
        let fd = leader
        // Invariant: `buffer` holds `words` UInt64s and read(2) is told
        // exactly that many bytes, so the kernel cannot write past it.
        let result = buffer.withUnsafeMutableBytes { raw in
            retryingEINTR("read(perf group)") { posixRead(fd, raw.baseAddress, raw.count) }
        }
        switch result {
        case .failure(let error):
            return .failure(error)
        case .success(let n):
            guard let reading = GroupReading(words: Array(buffer.prefix(n / 8)), expectedCount: events.count)
            else { return .failure(SystemError(call: "read(perf group): short read of \(n) bytes", code: EIO)) }
            return .success(reading)
        }
    }

    /// Scaled per-event values of a reading, in `events` order.
    public func values(of reading: GroupReading) -> [CounterValue] {
        zip(events, reading.values).map { spec, raw in
            reading.counterValue(name: spec.name, source: spec.source, raw: raw)
        }
    }
}

/// The payload of a PERF_FORMAT_GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING
/// read: `{ u64 nr; u64 time_enabled; u64 time_running; u64 value[nr]; }`.
public struct GroupReading: Sendable, Equatable {
    public let timeEnabled: UInt64
    public let timeRunning: UInt64
    public let values: [UInt64]

    public init(timeEnabled: UInt64, timeRunning: UInt64, values: [UInt64]) {
        self.timeEnabled = timeEnabled
        self.timeRunning = timeRunning
        self.values = values
    }

    /// Decodes the raw words; nil if the kernel's `nr` disagrees with the
    /// group we opened or the buffer is short.
    public init?(words: [UInt64], expectedCount: Int) {
        guard words.count >= 3, words[0] == UInt64(expectedCount),
              words.count >= 3 + expectedCount else { return nil }
        timeEnabled = words[1]
        timeRunning = words[2]
        values = Array(words[3..<(3 + expectedCount)])
    }

    /// A multiplex-scaled value, or unavailable if the group never ran on
    /// the PMU (all counters busy) - never a fabricated 0.
    public func counterValue(name: String, source: CounterSource, raw: UInt64) -> CounterValue {
        guard let scaled = PerfScaling.scale(raw: raw, enabled: timeEnabled, running: timeRunning) else {
            return .unavailable(name, source: source,
                                reason: "opened but never scheduled (time_running = 0); PMU counters busy")
        }
        let status = scaled.ratio < 1
            ? "multiplexed: counted \(formatFixed(scaled.ratio * 100, digits: 1))% of the time, scaled up"
            : nil
        return CounterValue(name: name, source: source, value: scaled.value, status: status,
                            scalingRatio: scaled.ratio)
    }
}
