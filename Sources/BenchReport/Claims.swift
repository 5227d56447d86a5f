import Foundation

/// One published performance claim about the page_frag series, as a line of
/// `docs/claims.tsv`: what was claimed (before → after, on what machine, where), and the
/// lab's experiment for it (`fragbench run` options naming one point, and the options of
/// each side).
public struct Claim: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        /// Wall time: paired time ratio with a 95% interval.
        case time
        /// Executed instructions: callgrind's exact count per operation.
        case instructions
        /// Branch mispredictions: callgrind's simulated Bcm + Bim per operation.
        case branchMisses = "branch-misses"
        /// Not reproducible in this lab (the note says why).
        case none
    }

    public var id: String
    /// Message-ID or URL of the claim.
    public var source: String
    public var date: String
    public var cpu: String
    public var what: String
    /// Run options naming the point, split on whitespace; empty for `-`.
    public var scenario: [String]
    public var base: [String]
    public var head: [String]
    public var metric: Metric
    public var before: Double
    public var after: Double
    /// Free text: a caveat, or why the claim cannot be reproduced here; empty for `-`.
    public var note: String
    /// Where the claim was read from ("docs/claims.tsv:12").
    public var location: String

    public init(id: String, source: String, date: String, cpu: String, what: String, scenario: [String], base: [String],
                head: [String], metric: Metric, before: Double, after: Double, note: String = "", location: String = "") {
        self.id = id
        self.source = source
        self.date = date
        self.cpu = cpu
        self.what = what
        self.scenario = scenario
        self.base = base
        self.head = head
        self.metric = metric
        self.before = before
        self.after = after
        self.note = note
        self.location = location
    }

    /// The claimed change, after/before − 1 (−0.079 for 4.604 → 4.240).
    public var change: Double { after / before - 1 }

    /// Whether the lab can run an experiment for it: a metric and a scenario.
    public var isReproducible: Bool { metric != .none && !scenario.isEmpty }

    /// The run options of each side: the scenario, then the side's own options.
    public var baseOptions: [String] { scenario + base }
    public var headOptions: [String] { scenario + head }
}

/// The claims file: a header line naming the columns (any order), then one claim per line,
/// tab-separated; blank lines and lines starting with `#` are skipped. Every line is checked
/// before any is used; a bad line is an error naming `file:line` and what is wrong.
public enum ClaimsFile {
    public static let columns = ["id", "source", "date", "cpu", "what", "scenario", "base", "head", "metric", "before", "after", "note"]

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// All the problems of a file, one per bad line (the first thing wrong with it).
    public struct Problems: Error, Sendable, Equatable, CustomStringConvertible {
        public var problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// Parses the whole text; throws `Problems` listing every bad line (nothing is returned
    /// from a file with one bad line).
    public static func parse(_ text: String, file: String) throws -> [Claim] {
        let result = parseLines(text, file: file)
        guard result.problems.isEmpty else { throw Problems(problems: result.problems) }
        return result.claims
    }

    /// The good lines' claims and the bad lines' problems, for a caller that checks more of
    /// each claim and reports every bad line at once.
    public static func parseLines(_ text: String, file: String) -> (claims: [Claim], problems: [Problem]) {
        var problems: [Problem] = []
        var claims: [Claim] = []
        var header: [String]?
        var seen: [String: Int] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = line.components(separatedBy: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let names = header else {
                let missing = columns.filter { !fields.contains($0) }
                let unknown = fields.filter { !columns.contains($0) }
                if !missing.isEmpty || !unknown.isEmpty || Set(fields).count != fields.count {
                    var why: [String] = []
                    if !missing.isEmpty { why.append("missing \(missing.joined(separator: ", "))") }
                    if !unknown.isEmpty { why.append("unknown \(unknown.joined(separator: ", "))") }
                    if Set(fields).count != fields.count { why.append("a column named twice") }
                    problems.append(Problem(file: file, line: number,
                                            message: "the header must name the columns \(columns.joined(separator: ", ")) (tab-separated): \(why.joined(separator: "; "))"))
                    return ([], problems)
                }
                header = fields
                continue
            }
            guard fields.count == names.count else {
                problems.append(Problem(file: file, line: number,
                                        message: "\(fields.count) tab-separated columns, the header has \(names.count)"))
                continue
            }
            let row = Dictionary(uniqueKeysWithValues: zip(names, fields))
            do {
                var claim = try parseRow(row)
                claim.location = "\(file):\(number)"
                if let earlier = seen[claim.id] {
                    throw ClaimError("id '\(claim.id)' is already used on line \(earlier)")
                }
                seen[claim.id] = number
                claims.append(claim)
            } catch {
                problems.append(Problem(file: file, line: number, message: (error as? ClaimError)?.message ?? "\(error)"))
            }
        }
        if header == nil { problems.append(Problem(file: file, line: max(1, lines.count), message: "no header line (and no claims)")) }
        return (claims, problems)
    }

    struct ClaimError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func options(_ text: String) -> [String] {
        text == "-" ? [] : text.split(whereSeparator: { $0 == " " }).map(String.init)
    }

    static func parseRow(_ row: [String: String]) throws -> Claim {
        func field(_ name: String) -> String { row[name] ?? "" }
        let id = field("id")
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ClaimError("id '\(id)': letters, digits, '-', '_' and '.' only, not empty")
        }
        guard let metric = Claim.Metric(rawValue: field("metric")) else {
            throw ClaimError("metric '\(field("metric"))' is not one of \(Claim.Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        func number(_ name: String) throws -> Double {
            guard let value = Double(field(name)), value.isFinite, value > 0 else {
                throw ClaimError("\(name) '\(field(name))' is not a positive number")
            }
            return value
        }
        let before = try number("before"), after = try number("after")
        for name in ["source", "date", "cpu", "what"] where field(name).isEmpty {
            throw ClaimError("\(name) is empty (write '-' or 'unknown')")
        }
        let scenario = options(field("scenario"))
        if metric != .none && scenario.isEmpty {
            throw ClaimError("scenario is '-' but metric is \(metric.rawValue): a claim without an experiment has metric none")
        }
        let note = field("note") == "-" ? "" : field("note")
        if !(metric != .none && !scenario.isEmpty) && note.isEmpty {
            throw ClaimError("a claim that cannot be reproduced here (metric none or scenario '-') needs a note saying why")
        }
        return Claim(id: id, source: field("source"), date: field("date"), cpu: field("cpu"), what: field("what"),
                     scenario: scenario, base: options(field("base")), head: options(field("head")), metric: metric,
                     before: before, after: after, note: note)
    }
}
