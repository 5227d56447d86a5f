import Foundation

/// results/history.csv read back as series: per point and machine, its ns/op (with interval)
/// and instructions/op, run by run, in commit order. History merges machines (each row carries
/// its host and CPU count), and levels of different machines are not comparable, so a series
/// never mixes them; nor does it mix QUICK runs with full ones (other sample counts, other
/// callgrind op counts).
public struct HistoryObservation: Sendable, Equatable {
    public var run: String
    public var date: String
    public var commit: String
    public var dirty: Bool
    public var machine: String
    public var point: String
    public var nsPerOp: Double?
    public var nsLow: Double?
    public var nsHigh: Double?
    public var instructions: Double?
    /// The instruction count is callgrind's (exact), not a hardware counter's.
    public var exactInstructions: Bool
    public var quick: Bool
    /// Position in the file: the order runs were published.
    public var position: Int
}

public struct HistorySeries: Sendable, Equatable {
    public var point: String
    /// "host (N CPUs)", plus ", QUICK" for smoke runs.
    public var machine: String
    /// In commit order; runs of one commit in publication order.
    public var observations: [HistoryObservation]
}

public enum HistoryError: Error, Equatable, CustomStringConvertible {
    case empty(String)
    case notAHistory(String)

    public var description: String {
        switch self {
        case .empty(let path): return "\(path) has no rows (make bench writes them)"
        case .notAHistory(let path): return "\(path) is not a FragBench history (its header has other columns)"
        }
    }
}

public enum HistoryTable {
    /// The observations of a history file's text, and notes on what was skipped. A damaged
    /// history (a cut last line, rows with missing fields) gives its sound rows and a note; one
    /// with other columns, or none, is an error.
    public static func parse(_ text: String, path: String) throws(HistoryError) -> (observations: [HistoryObservation], notes: [String]) {
        let records = CSVRecords.parse(text)
        guard let header = records.first else { throw .empty(path) }
        guard header.complete, header.fields == ResultStore.historyColumns else { throw .notAHistory(path) }
        let column = Dictionary(uniqueKeysWithValues: header.fields.enumerated().map { ($1, $0) })
        var observations: [HistoryObservation] = []
        var skipped = 0
        for (n, record) in records.dropFirst().enumerated() {
            guard record.complete, record.fields.count == header.fields.count else { skipped += 1; continue }
            func field(_ name: String) -> String { record.fields[column[name]!] }
            func number(_ name: String) -> Double? { Double(field(name)).flatMap { $0.isFinite ? $0 : nil } }
            let quick = field("quick") == "1"
            let host = field("host").isEmpty ? "unknown host" : field("host")
            let cpus = field("cpu_count").isEmpty ? "" : " (\(field("cpu_count")) CPUs)"
            observations.append(HistoryObservation(
                run: field("run"), date: field("date"), commit: field("commit"), dirty: field("dirty") == "1",
                machine: host + cpus + (quick ? ", QUICK" : ""), point: pointName(field),
                nsPerOp: number("ns_per_op"), nsLow: number("ns_per_op_low"), nsHigh: number("ns_per_op_high"),
                instructions: number("instructions_per_op"), exactInstructions: field("counter_source").contains("callgrind"),
                quick: quick, position: n))
        }
        if observations.isEmpty && skipped == 0 { throw .empty(path) }
        let notes = skipped > 0 ? ["\(path): \(skipped) cut or malformed row(s) left out"] : []
        return (observations, notes)
    }

    /// The point's gbench.json name (what `fragbench list` prints and --filter matches).
    static func pointName(_ field: (String) -> String) -> String {
        var parameters: [String: String] = [:]
        for pair in field("parameters").split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { parameters[String(parts[0])] = String(parts[1]) }
        }
        return GoogleBenchmarkReport.benchmarkName(
            workload: field("workload"), impl: field("impl"), variant: field("variant"),
            pageSize: Int(field("page_size")) ?? 0, maxSize: Int(field("max_size")) ?? 0,
            fragsz: Int(field("fragsz")), align: Int(field("align")) ?? 1, parameters: parameters)
    }

    /// Series per point and machine, points in first-appearance order, observations in commit
    /// order: `commitOrder` lists commits oldest first (git rev-list); commits not in it (another
    /// branch, a rewritten history) follow, in publication order.
    public static func series(_ observations: [HistoryObservation], commitOrder: [String]) -> [HistorySeries] {
        var rank: [String: Int] = [:]
        for (n, commit) in commitOrder.enumerated() where rank[commit] == nil { rank[commit] = n }
        let ordered = observations.sorted {
            let a = rank[$0.commit] ?? Int.max, b = rank[$1.commit] ?? Int.max
            return a != b ? a < b : $0.position < $1.position
        }
        var keys: [String] = []
        var byKey: [String: HistorySeries] = [:]
        for o in observations.sorted(by: { $0.position < $1.position }) {
            let key = o.point + "\u{1}" + o.machine
            if byKey[key] == nil {
                keys.append(key)
                byKey[key] = HistorySeries(point: o.point, machine: o.machine, observations: [])
            }
        }
        for o in ordered { byKey[o.point + "\u{1}" + o.machine]!.observations.append(o) }
        return keys.map { byKey[$0]! }
    }
}

extension HistoryTable {
    /// The point columns of `row` when not given: alloc-free, 64 B fragments, 32 KiB max size.
    package static let examplePoint = ["workload": "alloc-free", "impl": "swift", "variant": "remaining", "page_size": "4096",
                                       "max_size": "32768", "fragsz": "64", "align": "1", "parameters": "depth=256",
                                       "quick": "0", "dirty": "0", "cpu_count": "2"]

    /// One history row from named fields, the others empty (test support: synthetic histories).
    package static func row(_ fields: [String: String]) -> String {
        let all = examplePoint.merging(fields) { $1 }
        return CSV.row(ResultStore.historyColumns.map { all[$0] ?? "" })
    }
}
