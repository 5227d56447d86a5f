import ArgumentParser
import BenchReport
import Dispatch
import Foundation
import Lab
import Measure

/// `fragbench profile POINT`: where one point's instructions and time go. Exact: callgrind's
/// costs per function (inlined ones included) and per source line, fast path and slow path,
/// checked against the count `make compare`'s gate takes of the same point. Sampled: `perf
/// record` on the software clock. Both as flame graphs drawn by our own code, and tables.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Where one point's instructions (callgrind, exact) and time (perf, sampled) go: tables and flame graphs.",
        discussion: """
            POINT is a name from 'fragbench list' (e.g. alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256),
            looked up in the gate, default and quick presets, or in the sweep that run options after '--' make.
            --against takes another POINT, or another build's fragbench binary (or the directory holding it), and
            adds which functions gained or lost instructions. Writes profile.md, flame graphs (SVG) and folded
            stacks to <output>/profile/<date>-<commit>/.
            """
    )

    @Argument(help: "The point, by its 'fragbench list' name.")
    var point: String
    @Option(parsing: .unconditional, help: "Another point, or another build's fragbench (binary or directory), to compare with.")
    var against: String?
    @Flag(name: .customLong("no-perf"), help: "Instructions only: no sampled time.")
    var noPerf = false
    @OptionGroup var saving: ResultsOptions
    @Argument(parsing: .postTerminator, help: "Run options making the sweep to find POINT in (default: the presets).")
    var runOptions: [String] = []

    /// The other side of --against: a build (binary) or a point of this build.
    enum Against {
        case build(String)
        case point(ProfilePoint)
    }

    func validate() throws {
        guard ProfilePoint.find(point, options: runOptions.isEmpty ? nil : runOptions) != nil else {
            throw ValidationError("'\(point)' is not a point of \(runOptions.isEmpty ? "the gate, default or quick preset" : "that sweep") ('fragbench list --preset gate --quick' lists names)")
        }
        if let against, resolveAgainst(against) == nil {
            throw ValidationError("--against '\(against)' is neither a point ('fragbench list') nor a fragbench binary")
        }
    }

    func resolveAgainst(_ value: String) -> Against? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory) {
            let binary = isDirectory.boolValue ? value + "/fragbench" : value
            return FileManager.default.isExecutableFile(atPath: binary) ? .build(binary) : nil
        }
        return ProfilePoint.find(value, options: runOptions.isEmpty ? nil : runOptions).map { .point($0) }
    }

    func run() throws {
        guard let target = ProfilePoint.find(point, options: runOptions.isEmpty ? nil : runOptions),
              let binary = Callgrind.currentExecutablePath() else { throw ValidationError("'\(point)' is not a point") }
        let started = Date()
        let scratch = NSTemporaryDirectory() + "fragbench-profile-\(getpid())"
        try? FileManager.default.createDirectory(atPath: scratch + "/base", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        // Exact parts at once (valgrind runs one thread per process): the profile, the gate's
        // plain count of the same point, and the other side of --against. The stripped copy
        // they share is made first: made by two of them at once, one could run it half-written.
        _ = CallgrindPoint.strippedCopy(of: binary, in: scratch)
        let results = ProfileResults()
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "profile", attributes: .concurrent)
        queue.async(group: group) {
            results.set(head: ProfileRun.callgrind(binary: binary, point: target.parameters, quick: target.quick, scratch: scratch))
        }
        queue.async(group: group) {
            let gate = CallgrindPoint.measure(target.parameters, quick: target.quick, scratch: scratch, tag: "gate")
            results.set(gate: gate.first { $0.name == "instructions" }?.value)
        }
        let other = against.flatMap(resolveAgainst)
        if let other {
            queue.async(group: group) {
                switch other {
                case .build(let path):
                    results.set(base: ProfileRun.callgrind(binary: path, point: target.parameters, quick: target.quick, scratch: scratch + "/base"))
                case .point(let other):
                    results.set(base: ProfileRun.callgrind(binary: binary, point: other.parameters, quick: other.quick, scratch: scratch + "/base"))
                }
            }
        }
        StandardStreams.err("profile: \(point) under callgrind\(other == nil ? "" : " (and --against)")\n")
        group.wait()

        let (costs, operations): (CallgrindCosts, Int)
        switch results.head! {
        case .success(let value): (costs, operations) = value
        case .failure(let error): throw ValidationFailure(error.description)
        }
        let profile = ProfileRun.profile(costs, operations: operations, binary: binary)
        var base: InstructionProfile?
        if case .success(let (baseCosts, baseOps))? = results.base {
            let baseBinary: String
            if case .build(let path)? = other { baseBinary = path } else { baseBinary = binary }
            base = ProfileRun.profile(baseCosts, operations: baseOps, binary: baseBinary)
        } else if case .failure(let error)? = results.base {
            throw ValidationFailure("--against: \(error.description)")
        }

        var sampled: SampledProfile?
        var fallback: String?
        if noPerf {
            fallback = "--no-perf"
        } else {
            StandardStreams.err("profile: sampling time with perf record\n")
            switch ProfileRun.sampled(binary: binary, arguments: target.runArguments, scratch: scratch) {
            case .success(let s): sampled = s
            case .failure(let error):
                fallback = error.description
                StandardStreams.err("profile: no sampled time: \(error.description)\n")
            }
        }

        let commit = ProvenanceCollector.shell(["git", "rev-parse", "HEAD"])
        let provenance = [
            "commit \(commit ?? "unknown"), \(ProvenanceCollector.cpuModel() ?? "unknown CPU"), \(ProcessInfo.processInfo.activeProcessorCount) CPUs",
            "the point: fragbench " + target.runArguments.joined(separator: " ") + " (callgrind: its callgrind-child)",
            "callgrind: " + (ProvenanceCollector.shell(["valgrind", "--version"]) ?? "valgrind") + ", --dump-instr=yes --separate-callers=\(ProfileRun.stackDepth)",
        ]
        let context = ProfileReport.Context(point: point, provenance: provenance, gateInstructions: results.gate,
                                            sampledFallback: fallback, flameFiles: (nil, nil), against: against)
        let files = ProfileFiles.render(profile: profile, sampled: sampled, base: base, context: context)
        StandardStreams.out(files["profile.md"] ?? "")
        if !saving.noSave {
            let directory = try ResultStore(root: saving.output).freshDirectory(
                section: "profile", name: ResultStore.runName(date: Date(), commit: commit, dirty: nil))
            for (name, text) in files.sorted(by: { $0.key < $1.key }) { try AtomicFile.write(text, to: directory + "/" + name) }
            StandardStreams.err("profile: \(directory)/profile.md (\(NumberFormat.fixed(Date().timeIntervalSince(started), 1)) s)\n")
        }
    }
}

/// What the concurrent parts of a profile found. Safe: every access holds `lock`.
final class ProfileResults: @unchecked Sendable {
    private let lock = NSLock()
    private var _head: Result<(CallgrindCosts, Int), ValidationFailure>?
    private var _base: Result<(CallgrindCosts, Int), ValidationFailure>?
    private var _gate: Double?

    func set(head: Result<(CallgrindCosts, Int), ValidationFailure>) { lock.lock(); _head = head; lock.unlock() }
    func set(base: Result<(CallgrindCosts, Int), ValidationFailure>) { lock.lock(); _base = base; lock.unlock() }
    func set(gate: Double?) { lock.lock(); _gate = gate; lock.unlock() }
    var head: Result<(CallgrindCosts, Int), ValidationFailure>? { lock.lock(); defer { lock.unlock() }; return _head }
    var base: Result<(CallgrindCosts, Int), ValidationFailure>? { lock.lock(); defer { lock.unlock() }; return _base }
    var gate: Double? { lock.lock(); defer { lock.unlock() }; return _gate }
}
