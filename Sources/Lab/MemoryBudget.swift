import FragReplay

/// How much memory a pre-faulted arena may take before the OOM killer ends the run (rc 137)
/// instead of an error message: the tightest memory-cgroup limit over this process's cgroup
/// and its ancestors, less what the cgroup already uses, and the kernel's MemAvailable.
///
/// Pure: it is fed file contents through `read` (a path to its text, nil if unreadable), so
/// tests give it any cgroup layout and /proc/meminfo they like.
package struct MemoryBudget: Equatable {
    /// Headroom under the memory cgroup's limit (limit - usage), with where the limit came from.
    package var cgroupHeadroom: Int?
    package var cgroupLimit: Int?
    package var cgroupFile: String?
    /// /proc/meminfo's MemAvailable in bytes.
    package var memAvailable: Int?

    /// cgroup v1 reports "no limit" as a huge page-rounded number, v2 as "max".
    package static let unlimited = 1 << 60

    package static func current() -> MemoryBudget {
        probe { path in
            guard case .success(let bytes) = FileBytes.contents(of: path) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    package static func probe(read: (String) -> String?) -> MemoryBudget {
        var budget = MemoryBudget()
        if let meminfo = read("/proc/meminfo") { budget.memAvailable = memAvailable(meminfo) }
        guard let cgroups = read("/proc/self/cgroup") else { return budget }
        for line in cgroups.split(separator: "\n") {
            // hierarchy-ID:controllers:path; v2 is "0::/path".
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(fields[2])
            if fields[0] == "0" && fields[1].isEmpty {
                for root in ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"] {
                    budget.tighten(root: root, path: path, limitFile: "memory.max", usageFile: "memory.current", read: read)
                }
            } else if fields[1].split(separator: ",").contains("memory") {
                budget.tighten(root: "/sys/fs/cgroup/memory", path: path, limitFile: "memory.limit_in_bytes",
                               usageFile: "memory.usage_in_bytes", read: read)
            }
        }
        return budget
    }

    /// Walks from the process's cgroup up to the root, keeping the smallest headroom.
    private mutating func tighten(root: String, path: String, limitFile: String, usageFile: String,
                                  read: (String) -> String?) {
        var components = path.split(separator: "/").map(String.init)
        while true {
            let directory = ([root] + components).joined(separator: "/")
            if let text = read(directory + "/" + limitFile), let limit = Self.number(text), limit < Self.unlimited {
                let usage = read(directory + "/" + usageFile).flatMap(Self.number) ?? 0
                let headroom = max(0, limit - usage)
                if cgroupHeadroom == nil || headroom < cgroupHeadroom! {
                    cgroupHeadroom = headroom
                    cgroupLimit = limit
                    cgroupFile = directory + "/" + limitFile
                }
            }
            if components.isEmpty { break }
            components.removeLast()
        }
    }

    package static func number(_ text: String) -> Int? {
        let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
        if trimmed == "max" { return unlimited }
        return Int(trimmed)
    }

    package static func memAvailable(_ meminfo: String) -> Int? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            return fields.count >= 3 && fields[2] == "kB" ? kib * 1024 : kib
        }
        return nil
    }

    /// Why an arena of `bytes` (pre-faulted, so resident) does not fit, or nil if it does.
    package func refusal(arenaBytes bytes: Int) -> String? {
        var limits: [String] = []
        var fits = true
        if let cgroupHeadroom, let cgroupLimit, let cgroupFile {
            limits.append("the memory cgroup allows \(cgroupHeadroom) more bytes (limit \(cgroupLimit) in \(cgroupFile))")
            if bytes > cgroupHeadroom { fits = false }
        } else {
            limits.append("no memory cgroup limit")
        }
        if let memAvailable {
            limits.append("MemAvailable is \(memAvailable) bytes")
            if bytes > memAvailable { fits = false }
        } else {
            limits.append("MemAvailable unknown")
        }
        guard !fits else { return nil }
        return "--arena \(bytes) bytes does not fit in memory: \(limits.joined(separator: ", ")); the arena is pre-faulted, so it would be killed by the OOM killer"
    }
}
