/// The totals of a callgrind output file, and what they mean per operation.
///
/// The file format (valgrind docs, "Callgrind Format Specification") has an
/// `events:` header naming the columns and a `summary:` and/or `totals:`
/// line with the whole-run sums in the same order. Only those lines are
/// read: the per-function cost lines are not needed for per-op figures.
public struct CallgrindTotals: Sendable, Equatable {
    /// Event name -> total, e.g. "Ir" -> 123456.
    public let events: [String: UInt64]
    /// Column order from the `events:` line.
    public let eventNames: [String]

    public init(events: [String: UInt64], eventNames: [String]) {
        self.events = events
        self.eventNames = eventNames
    }

    /// Parses callgrind output text. `totals:` lines are preferred (one per
    /// dump part; summed); a `summary:` line is used when there are none, as
    /// older valgrind versions write only that.
    public static func parse(_ text: String) -> Result<CallgrindTotals, CallgrindParseError> {
        var names: [String]? = nil
        var totals: [[UInt64]] = []
        var summaries: [[UInt64]] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("events:") {
                let header = line.dropFirst("events:".count).split(separator: " ").map(String.init)
                if let existing = names, existing != header {
                    return .failure(.inconsistentEvents(existing, header))
                }
                names = header
            } else if line.hasPrefix("totals:") || line.hasPrefix("summary:") {
                let isTotals = line.hasPrefix("totals:")
                let body = line.drop(while: { $0 != ":" }).dropFirst()
                var numbers: [UInt64] = []
                for field in body.split(separator: " ") {
                    guard let n = UInt64(field) else { return .failure(.badNumber(String(line))) }
                    numbers.append(n)
                }
                if isTotals { totals.append(numbers) } else { summaries.append(numbers) }
            }
        }
        guard let names else { return .failure(.missingEvents) }
        let rows = totals.isEmpty ? summaries : totals
        guard !rows.isEmpty else { return .failure(.missingTotals) }
        var sums = [UInt64](repeating: 0, count: names.count)
        for row in rows {
            guard row.count <= names.count else { return .failure(.columnMismatch(names.count, row.count)) }
            // Trailing zero columns may be omitted by the writer.
            for (i, n) in row.enumerated() { sums[i] &+= n }
        }
        return .success(CallgrindTotals(
            events: Dictionary(uniqueKeysWithValues: zip(names, sums)), eventNames: names))
    }

    /// Parses a file on disk.
    public static func parse(file path: String) -> Result<CallgrindTotals, CallgrindParseError> {
        switch readTextFile(path) {
        case .success(let text): return parse(text)
        case .failure(let error): return .failure(.unreadable(error.description))
        }
    }

    /// The total for one event, or nil when the run did not collect it (e.g.
    /// cache events without --cache-sim=yes).
    public subscript(_ event: String) -> UInt64? { events[event] }

    private func sum(_ names: [String]) -> UInt64? {
        var total: UInt64 = 0
        for name in names {
            guard let value = events[name] else { return nil }
            total &+= value
        }
        return total
    }

    /// Instructions executed (Ir).
    public var instructions: UInt64? { self["Ir"] }
    /// L1 data misses, reads + writes (D1mr + D1mw).
    public var d1Misses: UInt64? { sum(["D1mr", "D1mw"]) }
    /// L1 instruction misses (I1mr).
    public var i1Misses: UInt64? { self["I1mr"] }
    /// Last-level misses, instruction + data (ILmr + DLmr + DLmw).
    public var llMisses: UInt64? { sum(["ILmr", "DLmr", "DLmw"]) }

    /// Simulated branch mispredictions, conditional + indirect (Bcm + Bim): only in the output
    /// of a run with `--branch-sim=yes`, nil otherwise. callgrind's predictor is a simple
    /// model (a 16k-entry table of 2-bit counters for conditional branches, a 640-entry
    /// target buffer for indirect ones), not any real CPU's: compare runs with each other.
    public var branchMispredicts: UInt64? { sum(["Bcm", "Bim"]) }

    /// Whether the run simulated branches (`--branch-sim=yes`): its events include Bcm or Bim.
    public var hasBranchSimulation: Bool { events["Bcm"] != nil || events["Bim"] != nil }

    /// The cycle estimate KCachegrind calls "CEst":
    ///
    ///     cycles ~= Ir + 10 * (I1mr + D1mr + D1mw) + 100 * (ILmr + DLmr + DLmw)
    ///
    /// i.e. one cycle per instruction, ~10 cycles per L1 miss served by LL,
    /// ~100 per LL miss served by memory. It ignores pipelining, branch
    /// mispredictions and memory-level parallelism: use it to compare
    /// variants run under the same simulation, not as a wall-clock figure.
    public var estimatedCycles: UInt64? {
        guard let ir = instructions, let i1 = i1Misses, let d1 = d1Misses, let ll = llMisses else { return nil }
        return ir &+ 10 &* (i1 &+ d1) &+ 100 &* ll
    }

    /// The name of the branch misprediction figure in `perOp`.
    public static let branchMispredictName = "branch mispredicts"

    /// Per-op figures with callgrind as their source; events the run lacked
    /// are reported unavailable, never 0. "branch mispredicts" (Bcm + Bim) is listed only
    /// for a run with branch simulation, so other runs' figures are as they were.
    public func perOp(operations: Int) -> [CounterValue] {
        var figures: [(String, UInt64?)] = [
            ("instructions", instructions),
            ("L1D misses", d1Misses),
            ("L1I misses", i1Misses),
            ("LL misses", llMisses),
            ("estimated cycles", estimatedCycles),
        ]
        if hasBranchSimulation { figures.append((Self.branchMispredictName, branchMispredicts)) }
        return figures.map { name, total in
            guard operations > 0 else {
                return .unavailable(name, source: .callgrind, reason: "no operations were measured")
            }
            guard let total else {
                return .unavailable(name, source: .callgrind,
                                    reason: name == Self.branchMispredictName
                                        ? "Bcm or Bim not in callgrind output (was --branch-sim=yes given?)"
                                        : "event not in callgrind output (was --cache-sim=yes given?)")
            }
            return CounterValue(name: name, source: .callgrind, value: Double(total) / Double(operations))
        }
    }
}

public enum CallgrindParseError: Error, Sendable, Equatable {
    case unreadable(String)
    case missingEvents
    case missingTotals
    case badNumber(String)
    case columnMismatch(Int, Int)
    case inconsistentEvents([String], [String])
}
