import Lab
import ArgumentParser
import FragCache
import FragReplay

/// `fragbench replay FILE`: the SPEC 5 contract. Results on stdout; on a bad line,
/// `error line L: reason` on stderr and exit status 2, with the output so far kept.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a trace file against the cache and print what happened (docs/trace-format.md)."
    )

    @Argument(help: "The trace file: UTF-8 text, one operation per line.")
    var file: String

    @Option(parsing: .unconditional, help: "Cache layout (docs/model.md): remaining (the docs/trace-format.md contract), offset-up, offset-down.")
    var variant = "remaining"

    func validate() throws {
        guard FragLayouts.names.contains(variant) else {
            throw ValidationError("--variant '\(variant)' is not one of \(FragLayouts.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        let outcome = TraceFile.replay(path: file, variant: variant, write: StandardStreams.out)
        if let error = outcome.error {
            StandardStreams.err(error + "\n")
        }
        if outcome.status != 0 { throw ExitCode(outcome.status) }
    }
}
