import ArgumentParser
import BenchReport
import Foundation
import Lab

/// `fragbench history`: trends and change points over results/history.csv. Per point, charts of
/// ns/op (with each run's interval) and callgrind instructions/op across commits in git order,
/// one line per machine; the commits where a level moved, and by how much.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Trends and change points of every point across the commits in history.csv.",
        discussion: """
            Times: e-divisive means (as MongoDB's and DataStax's Hunter) with a Welch interval and a threshold
            (as Bencher's); callgrind instruction counts are exact, so every step is a change at its commit.
            Writes history.md, changes.csv and one chart per point and metric to <output>/history/<date>-<commit>/.
            """
    )

    @Option(parsing: .unconditional, help: "Keep only the points whose name (as 'fragbench list' prints it) matches this regular expression.")
    var filter: String?
    @Option(parsing: .unconditional, help: "The smallest time change reported, in percent.", transform: OptionValues.decimal(0 ... 100))
    var threshold = 1.0
    @OptionGroup var saving: ResultsOptions

    func run() throws {
        let store = ResultStore(root: saving.output)
        guard let data = FileManager.default.contents(atPath: store.historyPath) else {
            throw ValidationFailure("no history at \(store.historyPath) (make bench writes it)")
        }
        var (observations, notes): ([HistoryObservation], [String])
        do {
            (observations, notes) = try HistoryTable.parse(String(decoding: data, as: UTF8.self), path: store.historyPath)
        } catch {
            throw ValidationFailure(error.description)
        }
        if let filter {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(filter) } catch { throw ValidationError("--filter '\(filter)' is not a regular expression: \(error)") }
            let points = Set(observations.map(\.point)).count
            observations = observations.filter { $0.point.contains(regex) }
            guard !observations.isEmpty else {
                throw ValidationError("--filter '\(filter)' matches none of the \(points) point(s) in \(store.historyPath)")
            }
        }
        // Oldest first; without git (a copied results directory) the file's order stands.
        let order = ProvenanceCollector.shell(["git", "rev-list", "--topo-order", "--reverse", "HEAD"])?
            .split(separator: "\n").map(String.init) ?? []
        if order.isEmpty { notes.append("git gave no commit order: runs are in the order they were published") }
        let series = HistoryTable.series(observations, commitOrder: order)
        let moves = HistoryReport.moves(series, options: .init(threshold: threshold / 100))
        let charts = HistoryCharts.charts(series, moves: moves, commits: HistoryCharts.commits(series, commitOrder: order))
        let markdown = HistoryReport.markdown(series, moves: moves, charts: charts,
                                              context: .init(historyPath: store.historyPath, filter: filter, notes: notes))
        StandardStreams.out(markdown)
        guard !saving.noSave else { return }
        let commit = ProvenanceCollector.shell(["git", "rev-parse", "HEAD"])
        let directory = try store.freshDirectory(section: "history", name: ResultStore.runName(date: Date(), commit: commit, dirty: nil))
        try AtomicFile.write(markdown, to: directory + "/history.md")
        try AtomicFile.write(HistoryReport.csv(moves), to: directory + "/changes.csv")
        for chart in charts.values.flatMap({ $0 }) { try AtomicFile.write(chart.svg, to: directory + "/" + chart.file) }
        StandardStreams.err("history: \(directory)/history.md (\(moves.count) change(s) in \(series.count) series)\n")
    }
}
