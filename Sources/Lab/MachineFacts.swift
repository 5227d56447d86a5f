#if canImport(Glibc)
import Glibc
#endif
import BenchReport
import Foundation

/// The machine a run measures on, read once before the run pins anything: afterwards the
/// process's affinity is the run's own choice, not a fact about the machine.
package struct MachineFacts: Equatable {
    package var hostName: String?
    /// Online CPUs of the machine (not the affinity mask).
    package var onlineCPUs: Int?
    /// The CPUs this process was allowed on at the start, e.g. "0-1".
    package var allowedCPUs: String?
    package var memoryBytes: Int?
    package var smt: String?
    package var aslr: String?
    package var transparentHugePages: String?
    /// 1, 5 and 15 minute load averages.
    package var loadAverage: [Double]?
    /// Share of all CPUs busy (in any process) during a short pause of ours before the run.
    package var busyShare: Double?
    package var caches: [CPUCache]? = nil

    /// Reads the machine; `pauseMilliseconds` of sleep measure how busy the CPUs are without
    /// us (0 skips it).
    package static func read(pauseMilliseconds: Int = 250) -> MachineFacts {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        var busy: Double?
        if pauseMilliseconds > 0, let before = cpuTimes() {
            usleep(UInt32(pauseMilliseconds * 1000))
            if let after = cpuTimes() { busy = busyShare(before: before, after: after) }
        }
        return MachineFacts(
            hostName: text("/proc/sys/kernel/hostname") ?? ProcessInfo.processInfo.hostName,
            onlineCPUs: online > 0 ? online : nil,
            allowedCPUs: ProvenanceCollector.firstLine("/proc/self/status", field: "Cpus_allowed_list"),
            memoryBytes: text("/proc/meminfo", whole: true).flatMap(memTotal),
            smt: smt(control: text("/sys/devices/system/cpu/smt/control"), active: text("/sys/devices/system/cpu/smt/active")),
            aslr: text("/proc/sys/kernel/randomize_va_space").flatMap(aslr),
            transparentHugePages: text("/sys/kernel/mm/transparent_hugepage/enabled").flatMap(bracketed),
            loadAverage: text("/proc/loadavg").flatMap(loadAverage),
            busyShare: busy, caches: caches())
    }

    /// The caches of CPU 0 from /sys/devices/system/cpu/cpu0/cache/index*/.
    package static func caches(_ directory: String = "/sys/devices/system/cpu/cpu0/cache") -> [CPUCache]? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let found = entries.filter { $0.hasPrefix("index") }.sorted().compactMap { index -> CPUCache? in
            let base = directory + "/" + index + "/"
            guard let type = text(base + "type"), let level = text(base + "level").flatMap({ Int($0) }),
                  let size = text(base + "size").flatMap(cacheSize) else { return nil }
            return CPUCache(type: type, level: level, sizeBytes: size,
                            sharedBy: text(base + "shared_cpu_list").map(cpuCount) ?? 1)
        }
        return found.isEmpty ? nil : found
    }

    /// sysfs cache sizes: "48K", "2048K", "1M".
    package static func cacheSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1024, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last, let unit = units[last] { return Int(text.dropLast()).map { $0 * unit } }
        return Int(text)
    }

    /// CPUs in a list such as "0-1,4,6-7".
    package static func cpuCount(_ list: String) -> Int {
        list.split(separator: ",").reduce(0) { total, part in
            let ends = part.split(separator: "-").compactMap { Int($0) }
            return total + (ends.count == 2 ? ends[1] - ends[0] + 1 : 1)
        }
    }

    package var loadAverageText: String? {
        loadAverage.map { $0.map { NumberFormat.fixed($0, 2) }.joined(separator: " ") }
    }

    /// A warning when the machine was doing other work as the run started: another process kept
    /// the CPUs at least 10% busy while we slept, or the 1-minute load average reaches the CPU
    /// count. nil when neither shows other work (or nothing could be read).
    package static func loadWarning(busyShare: Double?, loadAverage: [Double]?, cpus: Int?) -> String? {
        let busy = busyShare.map { $0 >= 0.10 } ?? false
        let loaded = loadAverage.flatMap { load in cpus.map { load[0] >= Double($0) } } ?? false
        guard busy || loaded else { return nil }
        var seen: [String] = []
        if let busyShare { seen.append("the CPUs were \(NumberFormat.fixed(busyShare * 100, 0))% busy while fragbench paused before its first point") }
        if let loadAverage {
            seen.append("load average \(loadAverage.map { NumberFormat.fixed($0, 2) }.joined(separator: " ")) on \(cpus.map(String.init) ?? "?") CPUs")
        }
        return "Other work was running on this machine (\(seen.joined(separator: "; "))): expect noisy, slower figures; stop it and run again for numbers to compare."
    }

    package var loadWarning: String? { Self.loadWarning(busyShare: busyShare, loadAverage: loadAverage, cpus: onlineCPUs) }

    // MARK: Parsing (pure, tested)

    /// MemTotal from /proc/meminfo, in bytes.
    package static func memTotal(_ meminfo: String) -> Int? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// "on", "off", or why SMT does not apply ("notsupported" in most VMs), from
    /// /sys/devices/system/cpu/smt/{control,active}.
    package static func smt(control: String?, active: String?) -> String? {
        guard let control else { return nil }
        switch control {
        case "on", "off", "forceoff": return active == "1" ? "on (\(control))" : "off (\(control))"
        default: return control
        }
    }

    /// randomize_va_space: 0 off, 1 partial (stack, mmap, vDSO), 2 full (also the heap).
    package static func aslr(_ value: String) -> String? {
        switch value {
        case "0": return "off (0)"
        case "1": return "partial (1)"
        case "2": return "full (2)"
        default: return nil
        }
    }

    /// The selected value of a sysfs choice such as "always [madvise] never".
    package static func bracketed(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else { return nil }
        return String(text[text.index(after: open) ..< close])
    }

    package static func loadAverage(_ text: String) -> [Double]? {
        let fields = text.split(separator: " ").prefix(3).compactMap { Double($0) }
        return fields.count == 3 ? fields : nil
    }

    /// Busy share of all CPUs between two /proc/stat "cpu" lines (busy = all but idle and iowait).
    package static func busyShare(before: [UInt64], after: [UInt64]) -> Double? {
        guard before.count >= 5, after.count == before.count else { return nil }
        let delta = zip(after, before).map { $0 >= $1 ? $0 - $1 : 0 }
        let total = delta.reduce(0, +)
        guard total > 0 else { return nil }
        return Double(total - delta[3] - delta[4]) / Double(total)
    }

    /// The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal.
    package static func cpuTimes(_ stat: String) -> [UInt64]? {
        guard let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let values = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
        return values.count >= 5 ? values : nil
    }

    package static func cpuTimes() -> [UInt64]? { text("/proc/stat", whole: true).flatMap(cpuTimes) }

    private static func text(_ path: String, whole: Bool = false) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        if whole { return text }
        return text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
