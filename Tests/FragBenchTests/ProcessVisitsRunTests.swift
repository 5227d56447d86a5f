import BenchReport
import Foundation
import Measure
import Testing
@testable import Lab


/// End to end on the debug binary: two visits, two processes, one saved run.
@Suite(.serialized) struct ProcessVisitsRunTests {
    let runner = RunCommandTests()

    @Test func eachVisitRunsInItsOwnProcess() throws {
        let output = NSTemporaryDirectory() + "fragbench-ppv-\(UUID().uuidString)"
        let result = try runner.run(["run", "--allow-debug", "--quick", "--process-per-visit", "--visits", "2",
                                     "--workload", "alloc-only", "--fragsz", "64", "--arena", "16M", "--output", output])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("visit 1/2, in a fresh process") && result.stderr.contains("visit 2/2, in a fresh process"))
        // One results line, the parent's: the children's scratch directories are gone afterwards.
        let printed = result.stderr.split(separator: "\n").filter { $0.hasPrefix("results: ") }
        #expect(printed.count == 1 && printed.allSatisfy { $0.contains(output) }, "stderr: \(result.stderr)")
        let run = try StoredRun.load(output).run
        #expect(run.points.count == 1)
        #expect(run.warnings.contains { $0.contains("ran in its own process") })
        #expect(run.points[0].estimator?.contains("each visit in its own process") == true)
        let refused = try runner.run(["run", "--allow-debug", "--process-per-visit", "--counters", "callgrind", "--no-save"])
        #expect(refused.status == 64 && refused.stderr.contains("--process-per-visit with --counters callgrind"))
    }

    /// Without either flag a run with visits to spread spreads them; --one-process keeps them
    /// in this process; one visit is one process, and the run says why.
    @Test func visitsAreSpreadByDefault() throws {
        let common = ["run", "--allow-debug", "--quick", "--workload", "alloc-only", "--fragsz", "64", "--arena", "16M", "--no-save"]
        let spread = try runner.run(common + ["--visits", "2"])
        #expect(spread.status == 0, "stderr: \(spread.stderr)")
        #expect(spread.stderr.contains("visit 2/2, in a fresh process"), "stderr: \(spread.stderr)")
        let one = try runner.run(common + ["--visits", "2", "--one-process"])
        #expect(one.status == 0 && !one.stderr.contains("in a fresh process"), "stderr: \(one.stderr)")
        let single = try runner.run(common + ["--visits", "1"])
        #expect(single.status == 0 && single.stderr.contains("one visit per point, so one process"), "stderr: \(single.stderr)")
        let both = try runner.run(common + ["--one-process", "--process-per-visit"])
        #expect(both.status == 64, "stderr: \(both.stderr)")
    }
}
