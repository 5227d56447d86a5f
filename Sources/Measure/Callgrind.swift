#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CFragShim

/// callgrind as a counter backend: on machines without a PMU (this VM) it
/// gives deterministic instruction counts and simulated cache misses. The
/// benchmark re-executes itself under valgrind with instrumentation off at
/// start, and switches it on only around the measured region.
public enum Callgrind {
    /// Whether the client requests are real (valgrind headers were present
    /// when CFragShim was compiled).
    public static var isCompiledIn: Bool { fb_callgrind_compiled_in() != 0 }

    /// True when this process is running on valgrind's synthetic CPU.
    public static var isRunningOnValgrind: Bool { fb_running_on_valgrind() > 0 }

    /// Switches instrumentation (and so counting) on. No-op on a real CPU.
    public static func start() { fb_callgrind_start() }

    /// Switches instrumentation off.
    public static func stop() { fb_callgrind_stop() }

    /// Discards counts collected so far.
    public static func zero() { fb_callgrind_zero() }

    /// Writes the counts so far as a separate dump part labelled `label`.
    public static func dump(_ label: String) { fb_callgrind_dump(label) }

    /// The cache geometry passed to valgrind. Fixed rather than auto-detected
    /// so results from different hosts (and this VM, whose CPUID valgrind may
    /// misread) are comparable: 32 KiB 8-way L1s, 8 MiB 16-way LL, 64 B lines.
    public static let cacheGeometry = ["--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"]

    /// Environment for the re-executed child: Swift's per-process hash seed
    /// changes Set/Dictionary layouts and so instruction counts between runs;
    /// this makes them repeatable.
    public static let environment = ["SWIFT_DETERMINISTIC_HASHING": "1"]

    /// The argv to re-run `binary args...` under callgrind, writing counts to
    /// `outputFile`. argv[0] is "valgrind" (resolved through PATH by the
    /// caller's spawn, or pass `valgrind` from `valgrindPath()`).
    /// `branchSim` adds `--branch-sim=yes`: callgrind then also simulates a branch predictor
    /// and writes the events Bc, Bcm (conditional branches, mispredicted) and Bi, Bim
    /// (indirect). Off by default, so the counts of runs that do not ask for it, and what they
    /// print, are as before.
    public static func commandLine(binary: String, arguments: [String], outputFile: String,
                                   valgrind: String = "valgrind", branchSim: Bool = false) -> [String] {
        [valgrind, "--tool=callgrind", "--cache-sim=yes"] + (branchSim ? ["--branch-sim=yes"] : []) + ["--instr-atstart=no"]
            + cacheGeometry
            + ["--callgrind-out-file=\(outputFile)", binary]
            + arguments
    }

    /// A shell-pasteable rendering of `commandLine` with its environment.
    public static func shellCommand(binary: String, arguments: [String], outputFile: String) -> String {
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (env + commandLine(binary: binary, arguments: arguments, outputFile: outputFile))
            .map(shellQuote).joined(separator: " ")
    }

    /// The first executable `valgrind` on $PATH, or nil.
    public static func valgrindPath() -> String? { findExecutable("valgrind") }

    /// This process's executable (readlink /proc/self/exe), for re-exec.
    public static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        // Invariant: readlink writes at most count-1 bytes, leaving the
        // zero-filled last byte as the terminator.
        let n = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        guard n > 0 else { return nil }
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Searches $PATH for an executable file named `name`.
public func findExecutable(_ name: String) -> String? {
    guard let pathVariable = getenv("PATH") else { return nil }
    for directory in String(cString: pathVariable).split(separator: ":") where !directory.isEmpty {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// Single-quotes `word` for a POSIX shell when it contains anything special.
func shellQuote(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0) }
    if safe && !word.isEmpty { return word }
    return "'" + word.replacingAll("'", with: "'\\''") + "'"
}

extension String {
    /// Foundation-free replace of every occurrence of a character.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
