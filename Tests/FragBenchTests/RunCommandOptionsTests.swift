import ArgumentParser
import Testing
@testable import FragBench
import Lab
import Workloads

/// `fragbench run`'s options without running anything: --preset against the axes, --filter,
/// and the help texts.
@Suite struct RunCommandOptionsTests {
    func plan(_ arguments: [String]) throws -> SweepPlan {
        try RunCommand.parse(arguments).plan()
    }

    /// The message fragbench prints for these arguments, or nil when they are accepted.
    func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try plan(arguments)
            return nil
        } catch {
            return RunCommand.message(for: error)
        }
    }

    @Test func aPresetWithAxesIsRefused() throws {
        #expect(refusal(["--preset", "quick", "--fragsz", "128", "--max-size", "4K"])
            == "--preset quick chooses the sweep's axes itself: drop --fragsz, --max-size or drop --preset")
        #expect(refusal(["--preset", "default", "--workload", "alloc-only"])?.contains("drop --workload") == true)
        // Options that only shape the workloads still combine with a preset.
        #expect(try plan(["--preset", "quick", "--depth", "64"]).points.count > 5)
    }

    @Test func filterKeepsThePointsWhoseNameMatches() throws {
        let all = try plan(["--workload", "alloc-only,alloc-free", "--fragsz", "64,2048"])
        #expect(all.points.count == 4)
        let some = try plan(["--workload", "alloc-only,alloc-free", "--fragsz", "64,2048", "--filter", "^alloc-free/.*fragsz:2048"])
        #expect(some.points.map(PointLabel.benchmarkName) == ["alloc-free/page:4096/max:32768/fragsz:2048/align:1/depth:256"])
    }

    @Test func aFilterThatMatchesNothingOrIsNoRegexIsAUsageError() {
        #expect(refusal(["--filter", "nothing-like-this"])
            == "--filter 'nothing-like-this' matches none of the 1 point(s) (--list shows their names)")
        #expect(refusal(["--filter", "(unclosed"])?.hasPrefix("--filter '(unclosed' is not a regular expression") == true)
    }

    @Test func helpTextsNameTheArgumentsTheUsageShows() {
        let report = ReportCommand.helpMessage()
        #expect(report.contains("<directory> is a run directory"))
        #expect(!report.contains("DIR"))
        let compare = CompareCommand.helpMessage()
        #expect(compare.contains("[<base>] [<head>]"))
        #expect(!compare.contains("A and B"))
        // A sentence is not broken by a line break of the source.
        let tune = TuneCommand.configuration.discussion
        #expect(tune.contains("over the max sizes from one page to 128K"))
    }
}
