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

    func run() throws {
        var command = try RunCommand.parse(options.contains("--list") ? options : options + ["--list"])
        try command.validate()
        try command.run()
    }
}
