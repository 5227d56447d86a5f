import Lab
import ArgumentParser

/// `fragbench list [run options]`: the points `fragbench run` would measure with the same
/// options, one gbench.json name per line (the same as `run --list`).
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print the points 'fragbench run' would measure with the same options, by their gbench.json names.",
        discussion: """
            Takes every option of 'fragbench run' (see 'fragbench run --help'), e.g.
            fragbench list --preset default --filter 'cross-thread'
            The names are what --filter REGEX matches and what gbench.json calls the points.
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Options of 'fragbench run'.")
    var options: [String] = []

    var isHelp: Bool { options.contains("--help") || options.contains("-h") }
    var runArguments: [String] { options.contains("--list") ? options : options + ["--list"] }

    /// Bad run options are list's own usage error (exit 64, list's usage line).
    func validate() throws {
        guard !isHelp else { return }
        do {
            _ = try RunCommand.parse(runArguments)
        } catch {
            throw ValidationError(RunCommand.message(for: error))
        }
    }

    func run() throws {
        if isHelp {
            StandardStreams.out(Self.helpMessage() + "\n\nThe options, as for 'fragbench run':\n\n" + RunCommand.helpMessage() + "\n")
            return
        }
        try RunCommand.parse(runArguments).run()
    }
}
