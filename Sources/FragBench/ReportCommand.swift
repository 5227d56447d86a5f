import Lab
import ArgumentParser
import BenchReport

/// `fragbench report <directory>`: render a stored run's report.md, results.csv, gbench.json and
/// charts again from its run.json.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render a stored run (report.md, results.csv, gbench.json, charts) from its run.json.",
        discussion: "<directory> is a run directory (results/runs/<name>) or a results directory, whose latest run is taken."
    )

    @Argument(help: "The run directory, or a results directory.")
    var directory: String

    func run() throws {
        do {
            let (path, files) = try StoredRun.rerender(directory)
            StandardStreams.err("rewrote \(files.joined(separator: ", ")) in \(path)\n")
            StandardStreams.out(path + "/report.md\n")
        } catch let error as ResultStoreError {
            throw ValidationFailure(error.description)
        }
    }
}
