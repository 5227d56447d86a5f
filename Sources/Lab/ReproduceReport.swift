import BenchReport
import Foundation
import Measure

/// reproduce.md and reproduce.csv: per claim, what was claimed, what the lab measured (each
/// figure with its estimator) and the verdict with what it rests on; then the instruction
/// counts per version pair ("why"), and what a userspace model cannot reproduce.
package enum ReproduceReport {
    /// One side's figure under callgrind, or why there is none.
    package struct Exact: Equatable {
        package var base: Double?
        package var head: Double?
        package var why: String?
        package var ratio: Double? {
            guard let base, let head, base > 0, head > 0 else { return nil }
            return head / base
        }
    }

    package struct Row {
        package var claim: Claim
        package var base: [String] = []
        package var head: [String] = []
        /// Each side's point as `fragbench list` names it ("" for a claim not reproducible here).
        package var baseName = ""
        package var headName = ""
        package var notApplicable: String?
        /// The paired time ratio head/base, or nil with `timeWhy`.
        package var time: RatioEstimate?
        package var timeWhy: String?
        /// Pairs, sessions, resolution (the pairer's note).
        package var pairing: String?
        package var baseNs: Double?
        package var headNs: Double?
        package var instructions = Exact()
        package var mispredicts = Exact()
        /// How the callgrind point differs from the timed one.
        package var countsNote: String?
        /// nil for a claim that cannot be reproduced here.
        package var verdict: ClaimVerdict?
        package var tolerance: Double
    }

    package struct Context {
        package var provenance: Provenance
        package var valgrind: String?
        package var budget: Double
        package var tolerance: Double
        package var claimsFile: String
        package var whyPath: String
        package var why: String?
        package var notes: [String] = []

        package init(provenance: Provenance, valgrind: String? = nil, budget: Double, tolerance: Double, claimsFile: String, whyPath: String, why: String? = nil, notes: [String] = []) {
            self.provenance = provenance
            self.valgrind = valgrind
            self.budget = budget
            self.tolerance = tolerance
            self.claimsFile = claimsFile
            self.whyPath = whyPath
            self.why = why
            self.notes = notes
        }
    }

    package static func exact(_ name: String, _ base: [CounterValue]?, _ head: [CounterValue]?, missing: String?) -> Exact {
        if let missing { return Exact(why: missing) }
        let b = base?.first { $0.name == name }, h = head?.first { $0.name == name }
        guard let b, let h else { return Exact(why: "not measured") }
        let why = b.value == nil ? "base: \(b.status ?? "unavailable")" : h.value == nil ? "head: \(h.status ?? "unavailable")" : nil
        return Exact(base: b.value, head: h.value, why: why)
    }

    package static func row(_ claim: Claim, base: [String], head: [String], notApplicable: String?, time: PointPairer.Outcome?,
                    counts: ([CounterValue]?, [CounterValue]?), countsMissing: String?, countsNote: String?,
                    tolerance: Double) -> Row {
        var row = Row(claim: claim, base: base, head: head, notApplicable: notApplicable, tolerance: tolerance)
        guard claim.isReproducible else { return row }
        if let notApplicable {
            row.timeWhy = notApplicable
            row.instructions = Exact(why: notApplicable)
            row.mispredicts = Exact(why: notApplicable)
        } else {
            switch time {
            case .measured(let r, _, _)?:
                row.time = r.estimate
                row.timeWhy = r.estimate == nil ? "too few sessions for an interval" : nil
                row.pairing = r.note
                row.baseNs = r.base
                row.headNs = r.head
            case .missing(let why)?: row.timeWhy = "pairing failed: \(why)"
            case nil: row.timeWhy = "not measured (interrupted)"
            }
            row.instructions = exact("instructions", counts.0, counts.1, missing: countsMissing)
            row.mispredicts = exact(CallgrindTotals.branchMispredictName, counts.0, counts.1, missing: countsMissing)
            row.countsNote = countsNote
        }
        row.verdict = verdict(row)
        return row
    }

    /// The verdict on the claim's own metric.
    package static func verdict(_ row: Row) -> ClaimVerdict {
        let c = row.claim.change
        switch row.claim.metric {
        case .time:
            let m = row.time.map { ClaimVerdict.Measured(ratio: $0.ratio, lower: $0.lower, upper: $0.upper) }
            return ClaimVerdict.judge(claimedChange: c, measured: m, unmeasured: row.timeWhy ?? "no interval")
        case .instructions, .branchMisses:
            let figure = row.claim.metric == .instructions ? row.instructions : row.mispredicts
            guard let b = figure.base, let h = figure.head else {
                return ClaimVerdict.judge(claimedChange: c, measured: nil, unmeasured: figure.why ?? "not measured")
            }
            return ClaimVerdict.judgeExact(claimedChange: c, base: b, head: h, tolerance: row.tolerance)
        case .none:
            return ClaimVerdict.judge(claimedChange: c, measured: nil, unmeasured: row.claim.note)
        }
    }

    package static func fmt(_ value: Double?) -> String { value.map { NumberFormat.text($0) } ?? "—" }

    package static func verdictWord(_ row: Row) -> String {
        guard row.claim.isReproducible else { return "not reproducible here" }
        if row.notApplicable != nil { return "cannot run" }
        return row.verdict?.kind.rawValue ?? "—"
    }

    package static func lore(_ source: String) -> String {
        if source.contains("://") { return source }
        if source.contains("@") && !source.contains(" ") { return "https://lore.kernel.org/r/\(source)" }
        return source
    }

    package static func claimedText(_ c: Claim) -> String {
        "\(NumberFormat.significant(c.before)) → \(NumberFormat.significant(c.after)) (\(ClaimVerdict.percent(c.change)))"
    }

    package static func timeText(_ r: Row) -> String {
        guard let e = r.time else { return "— (\(r.timeWhy ?? "not measured"))" }
        return "\(NumberFormat.fixed(e.ratio, 3)) [\(NumberFormat.fixed(e.lower, 3)), \(NumberFormat.fixed(e.upper, 3))] (\(ClaimVerdict.percent(e.ratio - 1)))"
    }

    package static func exactText(_ e: Exact, unit: String) -> String {
        guard let ratio = e.ratio else {
            if let b = e.base, let h = e.head { return "\(fmt(b)) → \(fmt(h)) \(unit) (no ratio: a zero count)" }
            return "— (\(e.why ?? "not measured"))"
        }
        return "\(fmt(e.base)) → \(fmt(e.head)) \(unit), ratio \(NumberFormat.fixed(ratio, 3)) (\(ClaimVerdict.percent(ratio - 1)))"
    }

    package static func markdown(_ rows: [Row], context: Context) -> String {
        let p = context.provenance
        var out = "# FragBench reproduce: the page_frag series' published claims, rerun\n\n"
        out += ProvenanceTable.markdown(p, extra: [
            ("valgrind", context.valgrind ?? "not used (see the rows)"),
            ("claims", "`\(context.claimsFile)`, \(rows.count) claim(s)"),
            ("budget", "\(NumberFormat.significant(context.budget)) s at most per paired time comparison"),
        ])
        out += "How to read it. **time**: the ratio head/base (below 1: the after side is faster) of samples paired in time, as `peers` and `tune` pair: two workers of this binary pinned to one CPU take turns A A B B / B B A A of single 1 ms samples, in sessions with fresh worker processes; the estimator is the geometric mean over sessions of each session's median pair ratio, with a Student-t 95% interval over sessions. "
        out += "**instructions** and **branch mispredicts**: callgrind's exact counts per operation (a fixed op count, instrumentation on around the timed batches only; mispredicts are callgrind's simulated predictor, `--branch-sim=yes`, conditional + indirect: Bcm + Bim), so their ratio has no interval and is compared with a claim within ±\(ClaimVerdict.percent(context.tolerance, signed: false)). "
        out += "**Verdict**, on the claim's own metric: *reproduced* when the change has the claimed direction and the claimed size 1+c lies in the interval; *contradicted* when the interval lies on the other side of 1 (opposite direction) or excludes the claimed size (size excluded); *not resolvable here* when the interval holds both 1 and 1+c, or nothing could be measured. A claim of no change is reproduced when the interval holds 1. "
        out += "The model is the cache's algorithm in userspace Swift on this machine, not the kernel on the claim's CPU: a verdict says what the algorithm does here, not what the claim's machine did.\n\n"

        out += "| claim | metric | claimed | time ratio [95% CI] | instructions/op | verdict |\n|---|---|---|---|---|---|\n"
        for r in rows {
            let ins = r.instructions.ratio.map { NumberFormat.fixed($0, 3) } ?? "—"
            let time = Comparison.ratioText(r.time)
            out += "| [\(r.claim.id)](#\(anchor(r.claim.id))) | \(r.claim.metric.rawValue) | \(claimedText(r.claim)) | \(time) | \(ins) | \(verdictWord(r)) |\n"
        }
        out += "\n"
        for r in rows { out += section(r) }
        out += why(rows, context: context)
        out += limits
        if !context.notes.isEmpty {
            out += "\n## Notes\n\n"
            for note in context.notes { out += "- \(note)\n" }
        }
        return out
    }

    package static func anchor(_ id: String) -> String {
        id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    package static func section(_ r: Row) -> String {
        let c = r.claim
        var out = "## \(c.id)\n\n"
        out += "- **Claim**: \(c.what). Source: \(lore(c.source)) (\(c.date)); CPU: \(c.cpu). \(c.metric.rawValue): \(claimedText(c)). Line: `\(c.location)`.\n"
        guard c.isReproducible else {
            out += "- **Not reproducible here**: \(c.note)\n\n"
            return out
        }
        if !c.note.isEmpty { out += "- **Note**: \(c.note)\n" }
        out += "- **Experiment**: base `\(r.base.joined(separator: " "))`, head `\(r.head.joined(separator: " "))`.\n"
        if !r.baseName.isEmpty { out += "- **Points**: base `\(r.baseName)`, head `\(r.headName)`.\n" }
        if let na = r.notApplicable {
            out += "- **Cannot run**: \(na). Nothing measured for this claim.\n\n"
            return out
        }
        out += "- **Measured**:\n"
        out += "  - time, head/base (paired: geometric mean of session medians, Student-t 95% over sessions): \(timeText(r))"
        if r.baseNs != nil || r.headNs != nil { out += "; ns/op base \(fmt(r.baseNs)), head \(fmt(r.headNs)) (p10 of each side's paired samples)" }
        if let pairing = r.pairing { out += "; \(pairing)" }
        out += "\n"
        out += "  - instructions per operation (callgrind, exact): \(exactText(r.instructions, unit: "ins/op"))\n"
        out += "  - branch mispredicts per operation (callgrind --branch-sim=yes, Bcm + Bim, exact): \(exactText(r.mispredicts, unit: "per op"))\n"
        if let note = r.countsNote { out += "  - counts: \(note)\n" }
        if let v = r.verdict {
            out += "- **Verdict: \(v.kind.rawValue)**, on \(c.metric.rawValue): \(v.reason).\n\n"
        }
        return out
    }

    /// Per version pair: instructions per operation of each side and the difference, then the
    /// account in docs/record-why.md, or a marked place for it.
    package static func why(_ rows: [Row], context: Context) -> String {
        var out = "## Why: instructions per operation by version pair\n\n"
        var pairs: [String] = []
        var byPair: [String: [Row]] = [:]
        for r in rows where r.claim.isReproducible && r.notApplicable == nil {
            let key = "\(r.claim.base.joined(separator: " ")) → \(r.claim.head.joined(separator: " "))"
            if byPair[key] == nil { pairs.append(key) }
            byPair[key, default: []].append(r)
        }
        if pairs.isEmpty { out += "No claim was measured.\n\n" }
        for key in pairs {
            out += "### `\(key)`\n\n| point (scenario) | base ins/op | head ins/op | difference | base mispredicts/op | head mispredicts/op |\n|---|---:|---:|---:|---:|---:|\n"
            var seen = Set<String>()
            for r in byPair[key] ?? [] {
                let scenario = r.claim.scenario.joined(separator: " ")
                guard seen.insert(scenario).inserted else { continue }
                let i = r.instructions, m = r.mispredicts
                let diff: String
                if let b = i.base, let h = i.head {
                    diff = "\(h - b >= 0 ? "+" : "\u{2212}")\(NumberFormat.text(abs(h - b)))" + (i.ratio.map { " (\(ClaimVerdict.percent($0 - 1)))" } ?? "")
                } else {
                    diff = "— (\(i.why ?? "not measured"))"
                }
                out += "| `\(scenario)`\(r.countsNote == nil ? "" : " (counted on alloc-only)") | \(fmt(i.base)) | \(fmt(i.head)) | \(diff) | \(fmt(m.base)) | \(fmt(m.head)) |\n"
            }
            out += "\n"
        }
        out += "### The fast paths, operation by operation\n\n"
        if let why = context.why, !why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            out += "From `\(context.whyPath)`:\n\n" + why.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"
        } else {
            out += "<!-- record-why: the per-operation account of each version's fast path goes in \(context.whyPath); reproduce includes it here -->\n"
            out += "_To be written: `\(context.whyPath)` is absent. It is meant to account, operation by operation, for the instruction differences in the tables above._\n\n"
        }
        return out
    }

    package static let limits = """
        ## What a userspace model cannot reproduce

        - **kthreads**: the kernel's page_frag_test runs its producer and consumer as kernel threads bound to CPUs; here they are pthreads pinned with sched_setaffinity, scheduled as ordinary tasks among the machine's other work.
        - **Preemption and cond_resched**: the kernel test yields with cond_resched() when the ring is full or empty and may run with preemption disabled; here the threads spin or are preempted by the host's scheduler (and, on a VM, by the hypervisor).
        - **The real buddy allocator and per-cpu lists**: refills here come from the model's own buddy allocator over its own mmap'd arena, without zone locks, the per-cpu page lists, watermarks, compaction or memcg charging.
        - **arm64**: the published numbers come from an arm64 server (~2.6 GHz); this run measured the CPU named above. Atomics, memory ordering, branch predictors and caches differ.
        - **The kernel's compiler and flags**: the kernel is C built by gcc or clang at -O2 with its own flags (no red zone, retpolines, stack protector settings, …); the model is Swift built by swiftc -O.
        - **netcat and TCP**: the claims measured through netcat exercise the kernel's TCP stack (sk_page_frag, skb coalescing, socket memory accounting), which a userspace model of the cache does not contain.

        """

    package static let csvColumns = [
        "id", "source", "date", "cpu", "metric", "before", "after", "claimed_change", "base_options", "head_options",
        "base_name", "head_name",
        "time_ratio", "time_ci_lower", "time_ci_upper", "time_sessions", "time_pairing", "base_ns_per_op", "head_ns_per_op",
        "base_instructions_per_op", "head_instructions_per_op", "instructions_ratio",
        "base_mispredicts_per_op", "head_mispredicts_per_op", "mispredicts_ratio", "counts_note",
        "exact_tolerance", "verdict", "verdict_reason",
    ]

    package static func csv(_ rows: [Row]) -> String {
        CSV.document(columns: csvColumns, rows: rows.map { r in
            let c = r.claim
            let reason = !c.isReproducible ? c.note : r.notApplicable ?? r.verdict?.reason ?? ""
            return [
                c.id, c.source, c.date, c.cpu, c.metric.rawValue, NumberFormat.fixed(c.before, 6), NumberFormat.fixed(c.after, 6),
                NumberFormat.fixed(c.change, 5), r.base.joined(separator: " "), r.head.joined(separator: " "),
                r.baseName, r.headName,
                NumberFormat.fixed(r.time?.ratio, 5), NumberFormat.fixed(r.time?.lower, 5), NumberFormat.fixed(r.time?.upper, 5),
                NumberFormat.integer(r.time?.rounds), r.pairing ?? r.timeWhy ?? "", NumberFormat.fixed(r.baseNs, 4), NumberFormat.fixed(r.headNs, 4),
                NumberFormat.fixed(r.instructions.base, 3), NumberFormat.fixed(r.instructions.head, 3), NumberFormat.fixed(r.instructions.ratio, 5),
                NumberFormat.fixed(r.mispredicts.base, 5), NumberFormat.fixed(r.mispredicts.head, 5), NumberFormat.fixed(r.mispredicts.ratio, 5),
                r.countsNote ?? r.instructions.why ?? "", NumberFormat.fixed(r.tolerance, 4), verdictWord(r), reason,
            ]
        })
    }
}
