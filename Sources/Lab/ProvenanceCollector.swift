import BenchReport
import Foundation
import Measure

/// Reads where a run comes from off the machine, the toolchain and git. Nothing typed by hand;
/// what cannot be read is left nil and reported as unknown.
package enum ProvenanceCollector {
    /// `machine` is read before the run pins anything (see `MachineFacts`).
    package static func collect(backend: BackendChoice, tsc: TSCCalibration?, command: String, quick: Bool,
                        machine: MachineFacts) -> Provenance {
        let commit = shell(["git", "rev-parse", "HEAD"])
        let governor = Self.governor
        let dirty = commit == nil ? nil : shell(["git", "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty }
        var provenance = Provenance(
            gitCommit: commit, gitDirty: dirty, date: isoDate(Date()),
            swiftVersion: shell(["swift", "--version"])?.split(separator: "\n").first.map(String.init),
            buildConfiguration: Measure.isDebugBuild ? "debug" : "release",
            buildFlags: Self.buildFlags,
            kernel: firstLine("/proc/sys/kernel/osrelease"),
            cpuModel: cpuModel(),
            cpuCount: machine.onlineCPUs,
            governor: governor.value,
            perfEventParanoid: PerfSettings.paranoid(),
            tscHz: tsc?.hz,
            tscCalibration: tsc.map { $0.method },
            counterBackend: backend.backend.rawValue, counterReason: backend.reason,
            command: command, quick: quick,
            governorStatus: governor.status,
            allowedCPUs: machine.allowedCPUs)
        provenance.hostName = machine.hostName
        provenance.memoryBytes = machine.memoryBytes
        provenance.smt = machine.smt
        provenance.aslr = machine.aslr
        provenance.transparentHugePages = machine.transparentHugePages
        provenance.loadAverage = machine.loadAverageText
        provenance.libcThreadMode = LibcThreadMode.current
        provenance.caches = machine.caches
        provenance.workloadsRevision = WorkerProtocol.workloadsRevision
        provenance.dependencies = resolvedPackages()
        if let rmw = AtomicCalibration.measure(batches: quick ? 5 : 7) {
            provenance.atomicRMWNs = rmw.nanoseconds
            provenance.atomicRMWMethod = rmw.method
        }
        return provenance
    }

    /// The flags that shape what the timed loops run, as Package.swift sets them; the function
    /// alignment from the define that comes with its flag (`codeAlignment`).
    package static var buildFlags: String {
        var flags = Measure.isDebugBuild ? "-Onone" : "-O, -enforce-exclusivity=unchecked in FragCache/Workloads/Lab/FragBench"
        #if FRAGBENCH_FUNCTIONS_ALIGNED_64
        flags += "; every function on a 64-byte boundary"
        #endif
        return flags
    }

    /// "identity version, …" from the package root's Package.resolved (the git top level, else
    /// the current directory), or nil when there is none to read.
    package static func resolvedPackages() -> String? {
        let root = shell(["git", "rev-parse", "--show-toplevel"]) ?? FileManager.default.currentDirectoryPath
        return resolvedPackages(json: FileManager.default.contents(atPath: root + "/Package.resolved"))
    }

    package static func resolvedPackages(json: Data?) -> String? {
        struct Resolved: Decodable {
            package struct Pin: Decodable {
                package struct State: Decodable { var version: String?; var revision: String? }
                package var identity: String
                package var state: State
            }
            package var pins: [Pin]
        }
        guard let json, let resolved = try? JSONDecoder().decode(Resolved.self, from: json), !resolved.pins.isEmpty else { return nil }
        return resolved.pins.map { "\($0.identity) \($0.state.version ?? $0.state.revision.map { String($0.prefix(12)) } ?? "?")" }
            .sorted().joined(separator: ", ")
    }

    package static let governorPath = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"

    /// The frequency governor, or why it cannot be read.
    package static var governor: (value: String?, status: String?) {
        if let value = firstLine(governorPath) { return (value, nil) }
        if !FileManager.default.fileExists(atPath: "/sys/devices/system/cpu/cpu0/cpufreq") {
            return (nil, "not readable: no cpufreq driver (/sys/devices/system/cpu/cpu0/cpufreq is absent; usual in a VM, where the host sets the frequency)")
        }
        return (nil, "not readable: \(governorPath) cannot be read")
    }

    /// The value of `field:` in a `key:\tvalue` file such as /proc/self/status.
    package static func firstLine(_ path: String, field: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    package static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    package static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    package static func firstLine(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// Runs a command found on PATH and returns its trimmed stdout, or nil if it failed.
    package static func shell(_ arguments: [String]) -> String? {
        guard let executable = findExecutable(arguments[0]) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitForExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
