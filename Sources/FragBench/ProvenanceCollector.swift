import BenchReport
import Foundation
import Measure

/// Reads where a run comes from off the machine, the toolchain and git. Nothing typed by hand;
/// what cannot be read is left nil and reported as unknown.
enum ProvenanceCollector {
    static func collect(backend: BackendChoice, tsc: TSCCalibration?, command: String, quick: Bool) -> Provenance {
        let commit = shell(["git", "rev-parse", "HEAD"])
        let dirty = commit == nil ? nil : shell(["git", "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty }
        return Provenance(
            gitCommit: commit, gitDirty: dirty, date: isoDate(Date()),
            swiftVersion: shell(["swift", "--version"])?.split(separator: "\n").first.map(String.init),
            buildConfiguration: Measure.isDebugBuild ? "debug" : "release",
            buildFlags: Measure.isDebugBuild ? "-Onone" : "-O, -enforce-exclusivity=unchecked in FragCache/Workloads/FragBench",
            kernel: firstLine("/proc/sys/kernel/osrelease"),
            cpuModel: cpuModel(),
            cpuCount: CPUAffinity.allowedCount(),
            governor: firstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
            perfEventParanoid: PerfSettings.paranoid(),
            tscHz: tsc?.hz,
            tscCalibration: tsc.map { $0.method },
            counterBackend: backend.backend.rawValue, counterReason: backend.reason,
            command: command, quick: quick)
    }

    static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func firstLine(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// Runs a command found on PATH and returns its trimmed stdout, or nil if it failed.
    static func shell(_ arguments: [String]) -> String? {
        guard let executable = findExecutable(arguments[0]) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
