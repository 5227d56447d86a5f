import Foundation

/// profile.md: where one point's instructions (exact) and time (sampled) go, and, with
/// `--against`, which functions gained or lost instructions.
public enum ProfileReport {
    public struct Context: Sendable {
        public var point: String
        /// Commit, CPU, what ran: one line each.
        public var provenance: [String]
        /// The count `make compare`'s exact gate uses for the point (a plain callgrind run),
        /// when it was measured beside the profile.
        public var gateInstructions: Double?
        /// Why there is no sampled profile, when there is none.
        public var sampledFallback: String?
        public var flameFiles: (instructions: String?, time: String?)
        public var against: String?

        public init(point: String, provenance: [String], gateInstructions: Double?, sampledFallback: String?,
                    flameFiles: (instructions: String?, time: String?), against: String?) {
            self.point = point
            self.provenance = provenance
            self.gateInstructions = gateInstructions
            self.sampledFallback = sampledFallback
            self.flameFiles = flameFiles
            self.against = against
        }
    }

    public static let topFunctions = 15
    public static let topLines = 20

    public static func markdown(_ profile: InstructionProfile, sampled: SampledProfile?, base: InstructionProfile?,
                                context: Context) -> String {
        var out = "# Profile: `\(context.point)`\n\n"
        for line in context.provenance { out += "- \(line)\n" }
        out += "\n## Instructions (callgrind, exact)\n\n"
        out += instructionSummary(profile, gate: context.gateInstructions)
        if let flame = context.flameFiles.instructions { out += "![callgrind flame graph](\(flame))\n\n" }
        out += "### Top functions\n\n"
        out += functionTable(profile)
        out += "### Top source lines\n\n"
        out += lineTable(profile)
        out += "### Locked instructions\n\n"
        out += lockedSummary(profile)
        out += "## Sampled time (perf record)\n\n"
        if let sampled, sampled.samples > 0 {
            out += "\(sampled.samples) samples of \(sampled.event): \(sampled.scope).\n\n"
            if let flame = context.flameFiles.time { out += "![perf flame graph](\(flame))\n\n" }
            out += "| function (where the sample landed) | samples | share |\n|---|---:|---:|\n"
            for f in sampled.functions.prefix(topFunctions) {
                out += "| `\(f.name)` | \(f.samples) | \(share(f.samples, of: sampled.samples)) |\n"
            }
            out += "\n"
        } else {
            out += "Not sampled: \(context.sampledFallback ?? "perf recorded no samples").\n\n"
        }
        if let base, let against = context.against {
            out += "## Against `\(against)`\n\n"
            out += difference(base: base, head: profile)
        }
        return out
    }

    static func instructionSummary(_ p: InstructionProfile, gate: Double?) -> String {
        let total = p.perOp(p.totalInstructions), sum = p.perOp(p.sum)
        let fast = p.costs.filter { InstructionProfile.path($0.stack) == "fast" }.reduce(0) { $0 + $1.instructions }
        var out = "\(NumberFormat.fixed(total, 2)) instructions per operation over \(p.operations) operations "
        out += "(callgrind's total). The per-function split below sums to \(NumberFormat.fixed(sum, 2)) "
        out += "(\(share(p.sum, of: p.totalInstructions)) of the total)"
        if let gate {
            let off = gate > 0 ? (sum / gate - 1) * 100 : 0
            out += "; the exact gate's own count of this point is \(NumberFormat.fixed(gate, 2)) "
            out += "(split \(off >= 0 ? "+" : "")\(NumberFormat.fixed(off, 2))% from it)"
        }
        out += ".\n\nFast path \(NumberFormat.fixed(p.perOp(fast), 2)) ins/op, slow path (reload, refill, page allocator) "
        out += "\(NumberFormat.fixed(p.perOp(p.sum - fast), 2)) ins/op.\n\n"
        return out
    }

    static func functionTable(_ p: InstructionProfile) -> String {
        var out = "| function | path | ins/op | share |\n|---|---|---:|---:|\n"
        let rows = p.functions
        for r in rows.prefix(topFunctions) {
            out += "| `\(r.name)` | \(r.path) | \(NumberFormat.fixed(p.perOp(r.instructions), 3)) | \(share(r.instructions, of: p.sum)) |\n"
        }
        out += rest(rows.dropFirst(topFunctions).reduce(0) { $0 + $1.instructions }, count: rows.count - topFunctions, p, columns: 2)
        return out + "\n"
    }

    static func lineTable(_ p: InstructionProfile) -> String {
        var out = "| source line | function | path | ins/op | share |\n|---|---|---|---:|---:|\n"
        let rows = p.lines
        for r in rows.prefix(topLines) {
            out += "| `\(r.name)` | `\(r.function ?? "")` | \(r.path) | \(NumberFormat.fixed(p.perOp(r.instructions), 3)) | \(share(r.instructions, of: p.sum)) |\n"
        }
        out += rest(rows.dropFirst(topLines).reduce(0) { $0 + $1.instructions }, count: rows.count - topLines, p, columns: 3)
        return out + "\n"
    }

    /// How many locked read-modify-writes an operation executes, and where: the cost a CPU
    /// with dear atomics pays on top of the instruction count.
    static func lockedSummary(_ p: InstructionProfile) -> String {
        guard let locked = p.lockedSum else { return "Unavailable: \(p.lockedUnavailable ?? "not counted").\n\n" }
        var out = "\(NumberFormat.fixed(p.perOp(locked), 3)) per operation (\(lockedMethod)).\n\n"
        let rows = p.lockedFunctions
        guard !rows.isEmpty else { return out }
        out += "| function | path | locked/op |\n|---|---|---:|\n"
        for r in rows.prefix(topFunctions) {
            out += "| `\(r.name)` | \(r.path) | \(NumberFormat.fixed(p.perOp(r.instructions), 3)) |\n"
        }
        return out + "\n"
    }

    /// The reader's account of how locked instructions are found (Lab's `LockedInstructions`).
    public static let lockedMethod = "instructions with a lock prefix, or xchg with a memory operand, found by objdump -d and counted by callgrind where they executed"

    static func rest(_ instructions: UInt64, count: Int, _ p: InstructionProfile, columns: Int) -> String {
        guard count > 0 else { return "" }
        return "| \(count) more |" + String(repeating: " |", count: columns - 1)
            + " \(NumberFormat.fixed(p.perOp(instructions), 3)) | \(share(instructions, of: p.sum)) |\n"
    }

    /// Per function and path, base against head in instructions per operation, largest
    /// changes first; functions with no change are left out.
    public static func difference(base: InstructionProfile, head: InstructionProfile) -> String {
        var rows: [String: (name: String, path: String, base: Double, head: Double)] = [:]
        for r in base.functions { rows[r.name + "\u{1}" + r.path] = (r.name, r.path, base.perOp(r.instructions), 0) }
        for r in head.functions {
            let k = r.name + "\u{1}" + r.path
            rows[k] = (r.name, r.path, rows[k]?.base ?? 0, head.perOp(r.instructions))
        }
        let changed = rows.values.filter { abs($0.head - $0.base) >= 0.0005 }
            .sorted { abs($0.head - $0.base) != abs($1.head - $1.base) ? abs($0.head - $0.base) > abs($1.head - $1.base) : $0.name < $1.name }
        let baseTotal = base.perOp(base.totalInstructions), headTotal = head.perOp(head.totalInstructions)
        var out = "Total: \(NumberFormat.fixed(baseTotal, 2)) → \(NumberFormat.fixed(headTotal, 2)) ins/op "
        out += "(\(headTotal >= baseTotal ? "+" : "")\(NumberFormat.fixed(headTotal - baseTotal, 2))).\n\n"
        if let baseLocked = base.lockedSum, let headLocked = head.lockedSum {
            let b = base.perOp(baseLocked), h = head.perOp(headLocked)
            out += "Locked instructions: \(NumberFormat.fixed(b, 3)) → \(NumberFormat.fixed(h, 3)) per operation "
            out += "(\(h >= b ? "+" : "")\(NumberFormat.fixed(h - b, 3))).\n\n"
        } else {
            out += "Locked instructions: not compared (\(base.lockedUnavailable ?? head.lockedUnavailable ?? "not counted")).\n\n"
        }
        guard !changed.isEmpty else { return out + "No function gained or lost instructions.\n\n" }
        out += "| function | path | against | this | change |\n|---|---|---:|---:|---:|\n"
        for r in changed.prefix(topFunctions * 2) {
            let d = r.head - r.base
            out += "| `\(r.name)` | \(r.path) | \(NumberFormat.fixed(r.base, 3)) | \(NumberFormat.fixed(r.head, 3)) | \(d >= 0 ? "+" : "")\(NumberFormat.fixed(d, 3)) |\n"
        }
        return out + "\n"
    }

    static func share(_ part: UInt64, of whole: UInt64) -> String {
        whole > 0 ? NumberFormat.fixed(Double(part) / Double(whole) * 100, 1) + "%" : "—"
    }
}
