import Foundation
import Testing
@testable import BenchReport

/// A synthetic results/history.csv: two machines, one point, a known change at a known commit.
@Suite struct HistoryReportTests {
    static let point = "alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256"

    /// One history row with the fields that matter here; the rest empty.
    static func row(run: String, commit: String, host: String, ns: Double, instructions: Double?, callgrind: Bool) -> String {
        HistoryTable.row([
            "run": run, "date": "2026-12-06T00:00:00Z", "commit": commit, "host": host,
            "ns_per_op": NumberFormat.fixed(ns, 3), "ns_per_op_low": NumberFormat.fixed(ns * 0.99, 3),
            "ns_per_op_high": NumberFormat.fixed(ns * 1.01, 3), "instructions_per_op": NumberFormat.fixed(instructions, 3),
            "counter_source": callgrind ? "callgrind" : "software",
        ])
    }

    static func commit(_ n: Int) -> String { String(format: "%040x", n + 0xabc000) }

    /// 40 commits on two machines (a slower one at 2×), time +3% from commit 23 on both, and
    /// +1 instruction/op from commit 17 in the callgrind rows; noise ±1% from a fixed sequence.
    static func history(shift: Bool) -> String {
        var text = CSV.row(ResultStore.historyColumns)
        for n in 0 ..< 40 {
            for (m, host) in ["vm-a", "vm-b"].enumerated() {
                let noise = ChangePointsTests.series(count: 40, sd: 0.01, seed: UInt64(m + 11))[n] / 10
                let ns = (m == 0 ? 7.0 : 14.0) * noise * (shift && n >= 23 ? 1.03 : 1)
                let instructions = 32.7 + (shift && n >= 17 ? 1 : 0)
                text += row(run: "r\(n)-\(host)", commit: commit(n), host: host, ns: ns, instructions: instructions, callgrind: m == 0)
            }
        }
        return text
    }

    static func analyse(_ text: String) throws -> (series: [HistorySeries], moves: [HistoryReport.Move]) {
        let table = try HistoryTable.parse(text, path: "history.csv")
        let series = HistoryTable.series(table.observations, commitOrder: (0 ..< 40).map(commit))
        return (series, HistoryReport.moves(series))
    }

    @Test func findsTheKnownCommitsOnBothMachines() throws {
        let (series, moves) = try Self.analyse(Self.history(shift: true))
        #expect(series.map(\.machine) == ["vm-a (2 CPUs)", "vm-b (2 CPUs)"])
        #expect(series.allSatisfy { $0.point == Self.point })
        let time = moves.filter { $0.metric == "time" }
        #expect(time.count == 2)
        for m in time {
            let at = try #require((0 ..< 40).first { Self.commit($0) == m.commit })
            #expect(abs(at - 23) <= 1, "\(m.machine): found at commit \(at)")
            #expect(abs(m.change.relative - 0.03) < 0.01)
        }
        let instructions = moves.filter { $0.metric == "instructions" }
        #expect(instructions.map(\.commit) == [Self.commit(17)])
        #expect(instructions.map(\.machine) == ["vm-a (2 CPUs)"])
        #expect(instructions.first.map { abs($0.change.delta - 1) < 1e-9 } == true)
    }

    @Test func noShiftFindsNothing() throws {
        #expect(try Self.analyse(Self.history(shift: false)).moves.isEmpty)
    }

    /// Runs appended out of commit order (a bisect, an older commit measured later) are put
    /// back into git order before the detector sees them.
    @Test func seriesFollowGitOrderNotFileOrder() throws {
        let lines = Self.history(shift: true).split(separator: "\n", omittingEmptySubsequences: false)
        let shuffled = ([lines[0]] + lines[1...].dropLast().reversed()).joined(separator: "\n") + "\n"
        let (series, moves) = try Self.analyse(shuffled)
        #expect(series[0].observations.map(\.commit) == (0 ..< 40).map(Self.commit))
        #expect(moves.filter { $0.metric == "instructions" }.map(\.commit) == [Self.commit(17)])
    }

    @Test func anEmptyHistoryIsAnError() {
        #expect(throws: HistoryError.empty("h.csv")) { try HistoryTable.parse("", path: "h.csv") }
        #expect(throws: HistoryError.empty("h.csv")) { try HistoryTable.parse(CSV.row(ResultStore.historyColumns), path: "h.csv") }
        #expect(throws: HistoryError.notAHistory("h.csv")) { try HistoryTable.parse("a,b\n1,2\n", path: "h.csv") }
    }

    @Test func aDamagedHistoryKeepsItsSoundRowsAndSaysSo() throws {
        var text = Self.history(shift: false)
        text += String(Self.row(run: "cut", commit: Self.commit(40), host: "vm-a", ns: 7, instructions: nil, callgrind: false).prefix(50))
        let table = try HistoryTable.parse(text, path: "h.csv")
        #expect(table.observations.count == 80)
        #expect(table.notes == ["h.csv: 1 cut or malformed row(s) left out"])
    }

    @Test func theReportTablesTheMovesAndChartsEachPoint() throws {
        let (series, moves) = try Self.analyse(Self.history(shift: true))
        let commits = HistoryCharts.commits(series, commitOrder: (0 ..< 40).map(Self.commit))
        #expect(commits.count == 40)
        let charts = HistoryCharts.charts(series, moves: moves, commits: commits)
        #expect(charts[Self.point]?.map(\.file) == ["history-alloc-free-page-4096-max-32768-fragsz-64-align-1-depth-256-time.svg",
                                                     "history-alloc-free-page-4096-max-32768-fragsz-64-align-1-depth-256-instructions.svg"])
        // Each machine is a line; the runs where a level moved are ringed (one per move).
        let time = try #require(charts[Self.point]?.first?.svg)
        #expect(time.contains(">vm-a (2 CPUs)<") && time.contains(">vm-b (2 CPUs)<"))
        #expect(time.components(separatedBy: "r=\"10\"").count - 1 == 2 + 1)
        let md = HistoryReport.markdown(series, moves: moves, charts: charts,
                                        context: .init(historyPath: "results/history.csv", filter: nil, notes: []))
        #expect(md.contains("| `\(Self.point)` | vm-a (2 CPUs) | instructions | `\(Self.commit(17).prefix(12))` | 32.7 | 33.7 | +3.06% (+1.0 ins/op) | exact |"))
        #expect(md.contains("machine(s): vm-a (2 CPUs); vm-b (2 CPUs)"))
        let csv = HistoryReport.csv(moves)
        #expect(csv.split(whereSeparator: \.isNewline).count == 1 + moves.count)
    }
}
