/// A whole run: where it came from and every point it measured. Versioned so stored runs can
/// be read back (and refused clearly when the format moved on).
public struct BenchRun: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 3
    /// Versions this build reads: 2 and 3 only added optional fields.
    public static let readableSchemaVersions = 1 ... 3

    public var schemaVersion: Int
    public var provenance: Provenance
    public var points: [BenchPoint]
    /// True when the run was interrupted or failed before its last point.
    public var partial: Bool
    /// Warnings for the reader, printed once (debug build, no PMU, governor, …).
    public var warnings: [String]

    public init(provenance: Provenance, points: [BenchPoint], partial: Bool = false, warnings: [String] = []) {
        self.schemaVersion = Self.currentSchemaVersion
        self.provenance = provenance
        self.points = points
        self.partial = partial
        self.warnings = warnings
    }
}

/// Where a run came from. Collected by the tool, never typed by hand.
public struct Provenance: Codable, Sendable, Equatable {
    public var gitCommit: String?
    public var gitDirty: Bool?
    /// ISO 8601, UTC.
    public var date: String
    public var swiftVersion: String?
    public var buildConfiguration: String
    public var buildFlags: String?
    public var kernel: String?
    public var cpuModel: String?
    public var cpuCount: Int?
    public var governor: String?
    public var perfEventParanoid: Int?
    public var tscHz: Double?
    public var tscCalibration: String?
    /// The counter backend and why it was chosen.
    public var counterBackend: String
    public var counterReason: String
    /// The command line that produced the run.
    public var command: String
    public var quick: Bool
    /// Why `governor` is nil (e.g. no cpufreq in this VM); nil when it was read.
    public var governorStatus: String?
    /// How measuring threads were placed: the CPU single-threaded workloads were pinned to,
    /// the CPUs of the two-thread workloads, or why nothing was pinned.
    public var cpuPinning: String?
    /// The CPUs this process may run on (sched_getaffinity), e.g. "0-1", read before the run
    /// pinned anything (`cpuCount` counts the machine's online CPUs, not these).
    public var allowedCPUs: String?
    /// The machine, so runs merged from several can be told apart: host name, physical memory,
    /// SMT (/sys/devices/system/cpu/smt), ASLR (randomize_va_space), transparent huge pages, and
    /// the load average (1, 5, 15 minutes) when the run started. nil when unreadable (older runs).
    public var hostName: String? = nil
    public var memoryBytes: Int? = nil
    public var smt: String? = nil
    public var aslr: String? = nil
    public var transparentHugePages: String? = nil
    public var loadAverage: String? = nil
    /// glibc's thread mode in the process that collected this provenance: "multi-threaded" for
    /// every fragbench process since they leave glibc's single-threaded mode at start-up (whose
    /// locks skip their atomics); nil in older runs.
    public var libcThreadMode: String? = nil
    /// The CPU caches of the first CPU (sysfs), nil when unreadable (older runs).
    public var caches: [CPUCache]? = nil
    /// Schema 3: how noisy the machine was during the run, from the canary: e.g. "14% of
    /// samples disturbed (canary baseline 8.61 ns/step, tolerance 10%)". nil without a canary.
    public var machineNoise: String? = nil
    /// Schema 3: share of samples classified disturbed over the run (0...1).
    public var disturbedShare: Double? = nil
    /// Schema 3: the canary's baseline (ns per step, its 5th percentile over the run): how
    /// fast the machine itself was. Compared across runs on the same CPU model, it tells a run
    /// made on a slowed machine from one made on a quiet one.
    public var canaryBaselineNs: Double? = nil
    /// Runs whose visits ran in separate processes: each process's speed state by its canary
    /// ("fast", "slow", "unknown") and its canary baseline, in visit order. nil for one-process
    /// runs.
    public var visitStates: [String]? = nil
    public var visitCanaryBaselinesNs: [Double?]? = nil
    /// Nanoseconds of one uncontended locked read-modify-write here (what each kernel-API
    /// free pays), and how it was measured; nil in runs that predate it.
    public var atomicRMWNs: Double? = nil
    public var atomicRMWMethod: String? = nil
    /// What the workloads measure, as `fragbench worker` announces it (2: a timed batch holds
    /// at most 32768 fragments). Two runs of different revisions time different work on some
    /// points, so `compare` warns; nil in runs that predate it (revision not recorded).
    public var workloadsRevision: Int? = nil
    /// The Swift packages this build resolved, "name version, …" (Package.resolved, which is
    /// not committed: the versions pinned in Package.swift are what a clone resolves).
    public var dependencies: String? = nil

    public init(gitCommit: String?, gitDirty: Bool?, date: String, swiftVersion: String?,
                buildConfiguration: String, buildFlags: String?, kernel: String?, cpuModel: String?,
                cpuCount: Int?, governor: String?, perfEventParanoid: Int?, tscHz: Double?,
                tscCalibration: String?, counterBackend: String, counterReason: String, command: String,
                quick: Bool, governorStatus: String? = nil, cpuPinning: String? = nil,
                allowedCPUs: String? = nil) {
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.date = date
        self.swiftVersion = swiftVersion
        self.buildConfiguration = buildConfiguration
        self.buildFlags = buildFlags
        self.kernel = kernel
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.governor = governor
        self.perfEventParanoid = perfEventParanoid
        self.tscHz = tscHz
        self.tscCalibration = tscCalibration
        self.counterBackend = counterBackend
        self.counterReason = counterReason
        self.command = command
        self.quick = quick
        self.governorStatus = governorStatus
        self.cpuPinning = cpuPinning
        self.allowedCPUs = allowedCPUs
    }
}

extension BenchRun {
    /// Two warnings that differ only in their parenthesised detail (which point, which child)
    /// say the same thing once a merged run lists them.
    public static func sameWarning(_ a: String, _ b: String) -> Bool {
        a.prefix { $0 != "(" } == b.prefix { $0 != "(" }
    }
}
