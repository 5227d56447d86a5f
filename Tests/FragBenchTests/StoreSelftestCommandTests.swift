import Foundation
import Testing
@testable import BenchReport

/// The results store under concurrent processes and kill -9, through `fragbench
/// store-selftest` (a synthetic run saved the way `run` saves it).
@Suite struct StoreSelftestCommandTests {
    func temporaryRoot() -> String {
        NSTemporaryDirectory() + "fragbench-store-\(UUID().uuidString)/results"
    }

    func publisher(_ root: String, name: String?, token: String, partial: Bool = false) -> [String] {
        ["store-selftest", "--output", root, "--token", token] + (name.map { ["--name", $0] } ?? []) + (partial ? ["--partial"] : [])
    }

    /// 8 rounds of 6 processes at once into one directory, most of them asking for the same run
    /// name: none fails, none is lost, no name is shared.
    @Test func concurrentPublishersLoseNothing() throws {
        let root = temporaryRoot()
        var published: [String] = [], partial: [String] = []
        for round in 1 ... 8 {
            var children: [(Fragbench.Child, String)] = []
            for slot in 0 ..< 6 {
                let token = "r\(round)s\(slot)-\(UUID().uuidString.prefix(8))"
                // Four want the same name, one the date-commit name, one keeps a partial run.
                let arguments = publisher(root, name: slot == 4 ? nil : "same", token: token, partial: slot == 5)
                children.append((try Fragbench.start(arguments), token))
                if slot == 5 { partial.append(token) } else { published.append(token) }
            }
            for (child, token) in children {
                let result = Fragbench.wait(child)
                #expect(result.status == 0 && !result.signalled, "\(token): \(result.stderr)")
                #expect(!result.stderr.contains("error"), "\(token): \(result.stderr)")
            }
            let problems = ResultsAudit.problems(in: root, settled: true)
            #expect(problems.isEmpty, "round \(round): \(problems)")
        }
        let history = ResultsAudit.historyRuns(root)
        #expect(history.count == published.count)
        #expect(Set(history.map { $0.tokens[0] }) == Set(published), "every published run in history, once")
        #expect(history.allSatisfy { $0.tokens.count == 3 })
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/runs")
        let partialTokens = runs.filter { $0.contains("-partial") }.compactMap { ResultsAudit.tokens(ofRun: root + "/runs/" + $0)?.first }
        #expect(Set(partialTokens) == Set(partial))
        #expect(runs.count == published.count + partial.count)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: root + "/latest")
        #expect(latest == "runs/" + history.last!.name, "latest is the last run published")
    }

    /// kill -9 at each step of publication: before the next run the directory is consistent
    /// (the killed run at most pending), after it the killed run is whole or absent, by step.
    @Test(arguments: PublicationStep.publication)
    func aKillAtAnyStepLeavesTheWholeRunOrNone(at step: PublicationStep) throws {
        let root = temporaryRoot()
        #expect(try Fragbench.run(publisher(root, name: "base", token: "base")).status == 0)
        let killed = try Fragbench.run(publisher(root, name: "killed", token: "killed"),
                                       environment: ["FRAGBENCH_TEST_KILL_AT": step.rawValue])
        #expect(killed.signalled && killed.status == SIGKILL, "\(step): \(killed.stderr)")
        let before = ResultsAudit.problems(in: root, settled: false)
        #expect(before.isEmpty, "\(step), right after the kill: \(before)")
        if !step.committed {
            #expect(!ResultsAudit.historyRuns(root).contains { $0.name == "killed" })
            #expect(!FileManager.default.fileExists(atPath: root + "/runs/killed"))
        }

        let next = try Fragbench.run(publisher(root, name: "next", token: "next"))
        #expect(next.status == 0, "\(next.stderr)")
        let after = ResultsAudit.problems(in: root, settled: true)
        #expect(after.isEmpty, "\(step), after the next run: \(after)")
        let names = ResultsAudit.historyRuns(root).map(\.name)
        #expect(names == (step.committed ? ["base", "killed", "next"] : ["base", "next"]), "\(step)")
        #expect(FileManager.default.fileExists(atPath: root + "/runs/killed") == step.committed)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/latest") == "runs/next")
        // Whatever the next run put right, it says: the dead staging removed, or the killed run finished.
        let said = step.committed ? "note: finished publishing \(root)/runs/killed" : "note: removed 1 staging directory"
        #expect(next.stderr.contains(said) == (step != .published), "\(step): \(next.stderr)")
    }

    /// The same for a run kept as partial: its directory appears whole or not at all.
    @Test(arguments: PublicationStep.partial)
    func aKillWhileKeepingAPartialRunLeavesItWholeOrNone(at step: PublicationStep) throws {
        let root = temporaryRoot()
        #expect(try Fragbench.run(publisher(root, name: "base", token: "base")).status == 0)
        let killed = try Fragbench.run(publisher(root, name: "killed", token: "killed", partial: true),
                                       environment: ["FRAGBENCH_TEST_KILL_AT": step.rawValue])
        #expect(killed.signalled && killed.status == SIGKILL, "\(step): \(killed.stderr)")
        #expect(ResultsAudit.problems(in: root, settled: false).isEmpty)
        #expect(try Fragbench.run(publisher(root, name: "next", token: "next")).status == 0)
        #expect(ResultsAudit.problems(in: root, settled: true).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/runs").sorted() == ["base", "next"])
    }

    /// A staging directory whose writer is alive (here: stopped mid-save) is not cleaned up by
    /// another run; its writer, continued, publishes it.
    @Test func aLiveWritersStagingIsLeftAlone() throws {
        let root = temporaryRoot()
        let slow = try Fragbench.start(publisher(root, name: "slow", token: "slow"), environment: ["FRAGBENCH_TEST_STOP_AT": "staged"])
        let pid = slow.process.processIdentifier
        #expect(waitUntilStopped(pid), "the writer stops itself at 'staged'")
        let staging = try FileManager.default.contentsOfDirectory(atPath: root + "/runs").filter { $0.hasPrefix(".staging-slow-\(pid)-") }
        #expect(staging.count == 1)

        let fast = try Fragbench.run(publisher(root, name: "fast", token: "fast"))
        #expect(fast.status == 0, "\(fast.stderr)")
        #expect(!fast.stderr.contains("removed"), "\(fast.stderr)")
        #expect(ResultsAudit.problems(in: root, settled: true, liveStaging: Set(staging)).isEmpty)
        #expect(FileManager.default.fileExists(atPath: root + "/runs/" + staging[0] + "/run.json"))

        kill(pid, SIGCONT)
        let result = Fragbench.wait(slow)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ResultsAudit.problems(in: root, settled: true).isEmpty)
        #expect(ResultsAudit.historyRuns(root).map(\.name) == ["fast", "slow"])
    }

    /// Polls /proc until the process is stopped (state T); false if it ends or never stops.
    func waitUntilStopped(_ pid: Int32) -> Bool {
        for _ in 0 ..< 2000 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            // The state follows the command name, which is in parentheses.
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "T" { return true }
            usleep(10_000)
        }
        return false
    }
}
