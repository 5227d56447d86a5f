import ArgumentParser
import Lab
import Measure

// Options several commands take with one meaning, declared once and used as @OptionGroup.

/// `--output` and `--no-save`, for the commands that write under a results directory.
struct ResultsOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Results directory: the command writes under it (run: runs/ and latest; the others a directory of their name; history also reads history.csv there).",
            transform: OptionValues.nonEmpty)
    var output = "results"
    @Flag(name: .customLong("no-save"), help: "Print only; write nothing.")
    var noSave = false
}

/// `--cpu`: where what is timed runs (single-threaded workloads, or both builds' workers, which
/// share one CPU so that a pair's samples see the same core).
struct CPUOption: ParsableArguments {
    @Option(parsing: .unconditional, help: "CPU to pin single-threaded workloads (or the workers) to (default: the CPU this command starts on).",
            transform: OptionValues.integer(0 ... OptionValues.largestCPU))
    var cpu: Int?
}

/// `--allow-debug`: a debug build's times say nothing about the code, so measuring with one is
/// refused unless asked for.
struct DebugBuildOption: ParsableArguments {
    @Flag(name: .customLong("allow-debug"), help: "Measure with a debug build anyway (flagged in the results; for tests).")
    var allowDebug = false

    /// Throws unless this is a release build or --allow-debug was given; `target` is the make
    /// target that builds release for this command.
    func refuseDebugBuild(makeTarget target: String? = nil) throws {
        if Measure.isDebugBuild && !allowDebug {
            throw ValidationFailure("this is a debug build: build with 'swift build -c release'\(target.map { " (make \($0) does)" } ?? ""), or pass --allow-debug")
        }
    }
}

/// This process's command line as the provenance records it ("fragbench run --preset quick").
enum Invocation {
    static var text: String { (["fragbench"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
}
