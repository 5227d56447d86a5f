import Foundation

/// Where one point's instructions go, from callgrind's exact per-instruction costs: each cost
/// with its call stack (inlined frames included) and source line.
public struct InstructionProfile: Sendable, Equatable {
    public struct Cost: Sendable, Equatable {
        /// Outermost frame first; the last frame executed the instructions.
        public var stack: [String]
        /// "Sources/FragCache/FragCache.swift:97", nil where the object has no line table.
        public var line: String?
        public var instructions: UInt64
        /// Of those, locked read-modify-writes (`lock`-prefixed, or `xchg` with memory).
        public var locked: UInt64

        public init(stack: [String], line: String?, instructions: UInt64, locked: UInt64 = 0) {
            self.stack = stack
            self.line = line
            self.instructions = instructions
            self.locked = locked
        }
    }

    public var costs: [Cost]
    /// callgrind's own total (its `totals:` line): the costs must add up to it.
    public var totalInstructions: UInt64
    /// Operations the child timed (and callgrind counted around).
    public var operations: Int

    public init(costs: [Cost], totalInstructions: UInt64, operations: Int) {
        self.costs = costs
        self.totalInstructions = totalInstructions
        self.operations = operations
    }

    /// The frames of the cache's slow path: reloading (`_allocAfterReload`, `_reload`), refilling
    /// (`_refill`, the C twins' `…refill…`) and the page allocator's page-level calls (getting
    /// and returning whole pages, with the buddy work beneath them). A cost is slow path when any
    /// frame of its stack is one of these; everything else, a fragment's free included, is the
    /// fast path.
    public static func isSlowFrame(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["reload", "refill", "allocpages", "freepages", "alloc_pages", "free_pages", "__free_page", "buddy"]
            .contains { lower.contains($0) }
    }

    public static func path(_ stack: [String]) -> String { stack.contains(where: isSlowFrame) ? "slow" : "fast" }

    /// Why the costs' `locked` counts are not known (no disassembler, an object it could not
    /// read); nil when they are.
    public var lockedUnavailable: String? = nil

    public var sum: UInt64 { costs.reduce(0) { $0 + $1.instructions } }

    /// Locked instructions executed, nil when they could not be counted.
    public var lockedSum: UInt64? { lockedUnavailable == nil ? costs.reduce(0) { $0 + $1.locked } : nil }

    /// Locked instructions per executing function and path, most first (functions with none
    /// left out); empty when they could not be counted.
    public var lockedFunctions: [Row] {
        guard lockedUnavailable == nil else { return [] }
        return rows({ (name: $0.stack.last ?? "?", function: nil) }, counting: \.locked).filter { $0.instructions > 0 }
    }

    public func perOp(_ instructions: UInt64) -> Double { operations > 0 ? Double(instructions) / Double(operations) : 0 }

    /// Folded stacks for a flame graph.
    public var folded: [String: UInt64] {
        var out: [String: UInt64] = [:]
        for c in costs { out[c.stack.joined(separator: ";"), default: 0] += c.instructions }
        return out
    }

    public struct Row: Sendable, Equatable {
        public var name: String
        /// The function, for a line row.
        public var function: String?
        public var path: String
        public var instructions: UInt64
    }

    /// Instructions per executing function (the last frame; inlined functions are their own)
    /// and path, most first, ties by name.
    public var functions: [Row] {
        rows { (name: $0.stack.last ?? "?", function: nil) }
    }

    /// Instructions per source line and path, most first.
    public var lines: [Row] {
        rows { (name: $0.line ?? "(no line: \($0.stack.last ?? "?"))", function: $0.stack.last) }
    }

    /// Rows summing `counting` (instructions, or the locked ones) per key and path.
    func rows(_ key: (Cost) -> (name: String, function: String?), counting: KeyPath<Cost, UInt64> = \.instructions) -> [Row] {
        var byKey: [String: Row] = [:]
        for c in costs {
            let k = key(c), path = Self.path(c.stack)
            let id = k.name + "\u{1}" + path
            if byKey[id] == nil { byKey[id] = Row(name: k.name, function: k.function, path: path, instructions: 0) }
            byKey[id]!.instructions += c[keyPath: counting]
        }
        return byKey.values.sorted { $0.instructions != $1.instructions ? $0.instructions > $1.instructions : ($0.name, $0.path) < ($1.name, $1.path) }
    }
}

/// Sampled time: `perf record` stacks folded, or why there are none.
public struct SampledProfile: Sendable, Equatable {
    public var stacks: [String: UInt64]
    /// The event and rate, e.g. "cpu-clock:u at 4999 Hz".
    public var event: String
    /// Which samples are kept, e.g. "the 812 of 909 samples inside the timed batches".
    public var scope: String

    public init(stacks: [String: UInt64], event: String, scope: String) {
        self.stacks = stacks
        self.event = event
        self.scope = scope
    }

    public var samples: UInt64 { stacks.values.reduce(0, +) }

    /// Samples per leaf function, most first.
    public var functions: [(name: String, samples: UInt64)] {
        var byName: [String: UInt64] = [:]
        for (stack, n) in stacks { byName[String(stack.split(separator: ";").last ?? "?"), default: 0] += n }
        return byName.map { ($0.key, $0.value) }.sorted { $0.samples != $1.samples ? $0.samples > $1.samples : $0.name < $1.name }
    }
}
