import ArgumentParser
import Lab

/// `fragbench probe`: how contended the machine's memory system is, measured apart from any
/// benchmark (docs/noise.md, "Speed states").
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Time the noise canary's memory loop and an arithmetic control in alternating windows: how often, how long and by how much the machine's memory system ran slow.",
        discussion: """
        Run it on the other CPU while a run measures (e.g. `fragbench probe --cpu 1 --seconds 60 &` \
        beside `fragbench run --cpu 0 ...`) to check the run's own canary: the shares should agree. \
        The control loop touches no memory; if it slows too, the vCPU itself was slowed.
        """)

    @Option(parsing: .unconditional, help: "How long to probe, in seconds.", transform: OptionValues.decimal(0 ... 3600, excludingLower: true))
    var seconds: Double = 20
    @Option(name: .customLong("window-ms"), parsing: .unconditional, help: "Length of one memory-loop window in milliseconds (the arithmetic window is a fifth of it).",
            transform: OptionValues.decimal(0.1 ... 1000))
    var windowMs: Double = 8
    @Option(parsing: .unconditional, help: "CPU to pin the probe to (default: unpinned).", transform: OptionValues.integer(0 ... OptionValues.largestCPU))
    var cpu: Int?
    @Option(parsing: .unconditional, help: "Also write every window to this CSV file (start_ns, memory_ns_per_step, arithmetic_ns_per_step, slow); an existing file is refused.",
            transform: OptionValues.nonEmpty)
    var csv: String?

    func run() throws {
        try ProbeRun.run(seconds: seconds, windowMs: windowMs, cpu: cpu, csv: csv)
    }
}
