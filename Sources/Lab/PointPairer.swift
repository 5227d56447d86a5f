import BenchReport
import Foundation
import Measure

/// Pairs the samples of one point between two workers (see `PairCommand`).
///
/// Two effects decide the design, both measured with a build paired with itself
/// (docs/noise.md):
/// - **Cache state.** Measured back to back, the second build of a pair inherits the first
///   one's caches. So each build's turn is two samples, the first re-warming its caches (not
///   used), the second measured; turns alternate A A B B, B B A A.
/// - **Placement.** Whichever worker set its workload up second (its arena prefaulted second,
///   when the two were set up one after the other) tended to run prepare-commit 3-5% faster. So
///   a point is measured in several sessions, each with fresh workloads (now set up at once,
///   requested in alternating order); each session's median pair ratio is one observation and
///   the interval is a t-interval over sessions, so the placement of one session cannot pass
///   for a difference.
///   Fresh workloads were not enough: a pair of worker processes kept its offset over all its
///   sessions (a build paired with itself read -3.5% in every one of 8 sessions of one process
///   pair and -0.6 to +1.0% in five others; the processes' address-space layouts differ), so
///   every session also starts fresh worker processes.
package struct PointPairer {
    package let base: WorkerLauncher
    package let head: WorkerLauncher
    package let goalNanoseconds: UInt64
    package let thresholdFraction: Double
    package let minPairs: Int
    package let maxPairs: Int
    /// Sessions before the first stopping check, each of `minPairs / minimumSessions` pairs.
    package var minimumSessions = 8
    /// Both workers of a session start with one layout draw and without address randomization
    /// (`WorkerLauncher.launch(_:sharedLayout:)`), a new draw each session, so that a pair
    /// compares the two sides in one layout and the sessions sample layouts. False for two
    /// builds (`pair` decides), or a build that does not draw its layout from a seed: then each
    /// worker has its own randomized layout.
    package var sharedLayouts = true
    /// Canary readings of a pair's two sides this far apart (each relative to its side's median) mark it disturbed.
    package let canaryTolerance = 0.10

    package init(base: WorkerLauncher, head: WorkerLauncher, goalNanoseconds: UInt64, thresholdFraction: Double,
                 minPairs: Int, maxPairs: Int) {
        self.base = base
        self.head = head
        self.goalNanoseconds = goalNanoseconds
        self.thresholdFraction = thresholdFraction
        self.minPairs = minPairs
        self.maxPairs = maxPairs
    }

    package enum Outcome {
        /// The row, and every pair taken (for pairs.csv), with why the estimate left it out (nil: used).
        case measured(Comparison.Row, pairs: [Pair], exclusions: [String?])
        case missing(String)
    }

    package struct Pair {
        package var base: WorkerProtocol.SampleReply
        package var head: WorkerProtocol.SampleReply
        package var session: Int
        /// Which build took the pair's first turn.
        package var baseFirst = true
    }

    /// The two sides may run different points (`pair --base-options/--head-options`: the
    /// Swift model against its C twin, one max size against another); the row is `label`.
    package func pair(label: String, base baseRequest: WorkerProtocol.PointRequest, head headRequest: WorkerProtocol.PointRequest,
              seconds: Double) throws -> Outcome {
        let requests = [base.name: baseRequest, head.name: headRequest]
        let deadline = Date().addingTimeInterval(seconds)
        let sizing = SessionSizing(floor: max(2, minPairs / minimumSessions))
        var timing = SessionTiming()
        var pairs: [Pair] = []
        var session = 0
        var estimate: RatioEstimate?
        while pairs.count < maxPairs {
            // Sized once the session is set up: the first session then knows its own costs too
            // (a first session of a handful of pairs gave one noisy median the weight of all).
            let sessionsToGo = max(0, minimumSessions - session)
            // The sessions still owed share what --max-pairs leaves: under load a first session
            // sized after its slow set-up took all of a small --max-pairs, leaving one session.
            let room = sessionsToGo > 0 ? max(1, (maxPairs - pairs.count) / sessionsToGo) : maxPairs - pairs.count
            let count = { [timing] (setup: Double, samples: Double) in
                min(room, sizing.pairs(
                    setupSeconds: timing.setupSeconds ?? setup, pairSeconds: timing.pairSeconds ?? 4 * samples,
                    remainingSeconds: deadline.timeIntervalSinceNow + setup, sessionsToGo: sessionsToGo))
            }
            switch try runSession(requests, session: session, count: count, into: &pairs, timing: &timing) {
            case .some(let why): return .missing(why)
            case .none: break
            }
            session += 1
            if InterruptFlag.isRaised { break }
            guard session >= minimumSessions, session % 2 == 0 else { continue }
            estimate = Self.estimate(pairs, tolerance: canaryTolerance).estimate
            if let e = estimate, Self.isSettled(e, threshold: thresholdFraction) { break }
            if Date() >= deadline { break }
        }
        let summary = Self.estimate(pairs, tolerance: canaryTolerance)
        let floor = Self.intervalFloor(baseRequest, headRequest)
        estimate = summary.estimate.map { Self.widened($0, floor: floor) }
        let baseValue = Estimator.standard.apply(summary.used.map(\.base.nanosecondsPerOp))
        let headValue = Estimator.standard.apply(summary.used.map(\.head.nanosecondsPerOp))
        var note = "\(pairs.count) pairs in \(session) sessions"
        if summary.disturbed > 0 { note += ", \(summary.disturbed) disturbed" + (summary.usedAll ? " (kept: too few clean)" : " (left out)") }
        if !summary.thinSessions.isEmpty { note += ", \(summary.thinSessions.count) session(s) with < \(Self.minimumUsablePairs) usable pairs left out" }
        if !summary.farOutSessions.isEmpty {
            note += ", \(summary.farOutSessions.count) session(s) far outside the others left out (a worker that ran broken or drew an unlucky layout: ratio "
                + summary.farOutSessions.map { formatFixed($0.ratio, digits: 3) }.joined(separator: ", ") + ")"
        }
        if let e = estimate { note += ", resolution ±\(formatFixed(PairedRatio.resolution(e) * 100, digits: 1))%" }
        if floor > 0 { note += ", interval at least ±\(formatFixed(floor * 100, digits: 1))% (cross-thread: separate pairings of the same builds spread wider than one pairing's sessions)" }
        let verdict = Verdict.judge(estimate, threshold: thresholdFraction)
        if let small = Self.smallChangeNote(estimate, verdict: verdict, threshold: thresholdFraction) { note += "; " + small }
        let row = Comparison.Row(
            key: label, label: label, base: baseValue, head: headValue, estimate: estimate,
            verdict: verdict, note: note)
        return .measured(row, pairs: pairs, exclusions: pairs.map { summary.exclusion($0) })
    }

    /// One session: fresh worker processes started and their workloads set up in alternating
    /// order, the base chooses the op count (the pair's samples do the same work), then
    /// `count(setup seconds, seconds per warm-up sample)` pairs. Returns why the point cannot be
    /// compared, or nil.
    private func runSession(_ requests: [String: WorkerProtocol.PointRequest], session: Int,
                            count: (Double, Double) -> Int, into pairs: inout [Pair], timing: inout SessionTiming) throws -> String? {
        let started = Date()
        // The session's own copies of the binaries (one if both sides are one file), deleted
        // after its workers stop (defers run last to first).
        let copies = ExecutableCopies.make([base.binary, head.binary])
        defer { copies.remove() }
        var running: [String: WorkerConnection] = [:]
        defer { WorkerConnection.stop(Array(running.values)) }
        let order = (session % 2 == 0 ? [base, head] : [head, base]).map { $0.running(copies.path(for: $0.binary)) }
        // One layout for both workers, a new one each session (`sharedLayouts`).
        let layout = sharedLayouts ? UInt64.random(in: .min ... .max) : nil
        for (launcher, worker) in zip(order, try WorkerLauncher.launch(order, sharedLayout: layout)) {
            running[launcher.name] = worker
        }
        // Both set up at once (each worker makes its workload before it pins itself), so the
        // two arenas are populated on the two CPUs in parallel: populating 256 MiB took about
        // 100 ms of a session's 250 ms set-up, twice over.
        for launcher in order {
            guard let request = requests[launcher.name], let worker = running[launcher.name] else { return "no point for \(launcher.name)" }
            try worker.send(.point(request))
        }
        for launcher in order {
            guard let worker = running[launcher.name] else { return "a worker did not start" }
            let reply = try worker.reply()
            guard reply.hasPrefix("ready") else { return "\(worker.name): \(reply.dropFirst(reply.hasPrefix("error ") ? 6 : 0))" }
        }
        guard let base = running[self.base.name], let head = running[self.head.name] else { return "a worker did not start" }
        let calibrated = try base.request(.calibrate(goalNanoseconds: goalNanoseconds))
        guard calibrated.hasPrefix("ops "), let ops = Int(calibrated.dropFirst(4)) else {
            return "base: calibration failed: \(calibrated)"
        }
        // Both warm up at the base's op count, alternating: calibrating the head at its own
        // size left its buffers sized differently, and a build paired with itself read 3-7%
        // faster on prepare-commit in the head's role.
        let warming = Date()
        for turn in 0..<8 { _ = try sample(turn % 2 == 0 ? head : base, ops) }
        let sampling = Date()
        let count = count(sampling.timeIntervalSince(started), sampling.timeIntervalSince(warming) / 8)
        var taken = 0
        defer { timing.add(setup: sampling.timeIntervalSince(started), pairs: taken, seconds: Date().timeIntervalSince(sampling)) }
        for block in 0..<count {
            var measured: [String: WorkerProtocol.SampleReply] = [:]
            let baseFirst = block % 2 == 0
            for worker in baseFirst ? [base, head] : [head, base] {
                // The warm-up is a whole sample: a quarter one left prepare-commit's state different
                // (an A/A read the build sampled second 7% slower in every block).
                _ = try sample(worker, ops)
                guard let reply = try sample(worker, ops) else { return "\(worker.name) sent a malformed sample" }
                measured[worker.name] = reply
            }
            guard let b = measured[base.name], let h = measured[head.name] else { return "a worker sent no sample" }
            pairs.append(Pair(base: b, head: h, session: session, baseFirst: baseFirst))
            taken += 1
            if InterruptFlag.isRaised { break }
        }
        return nil
    }

    /// Whether a point's sampling may stop before its budget: its interval lies wholly beyond
    /// the threshold (a verdict), or it is narrower than the threshold and straddles neither
    /// edge of it. Narrow alone is not enough: with a known +3% in the head, sampling stopped as
    /// soon as the interval was ±1% wide, and 4 of 15 points ended straddling +2%, e.g.
    /// 1.0261 [1.0159, 1.0363], "no difference resolved" with budget left (docs/noise.md).
    package static func isSettled(_ e: RatioEstimate, threshold: Double) -> Bool {
        if e.lower > 1 + threshold || e.upper < 1 - threshold { return true }
        guard e.upper - e.lower <= threshold else { return false }
        let straddles = { (edge: Double) in e.lower < edge && e.upper > edge }
        return !straddles(1 + threshold) && !straddles(1 - threshold)
    }

    /// The least half-width a row's interval may claim. Cross-thread's two threads share the two
    /// vCPUs with whatever the host does, and that changes from one stretch of the machine to
    /// the next more than between the sessions of one pairing: three pairings of v6.12 against
    /// v6.13 on a quiet AMD EPYC VM read 1.001 [0.992, 1.010], 1.012 [1.002, 1.022] and 0.986
    /// [0.976, 0.996] (two do not overlap; the estimates' SD is 1.3%), so no cross-thread
    /// interval claims less than ±2.5% (1.96 SD). Single-thread points: none (their known-truth
    /// calibration, docs/noise.md, does not call for one).
    package static let crossThreadFloor = 0.025

    /// The controller builds every request from its point (`PointRequest.init(_:args:)`), so
    /// the spec is there to read.
    package static func intervalFloor(_ requests: WorkerProtocol.PointRequest...) -> Double {
        requests.contains { $0.spec?.parameters.kind == .crossThread } ? crossThreadFloor : 0
    }

    /// `e` with its interval reaching at least `floor` either side of the ratio (log scale).
    package static func widened(_ e: RatioEstimate, floor: Double) -> RatioEstimate {
        guard floor > 0, e.ratio > 0 else { return e }
        var w = e
        w.lower = min(e.lower, e.ratio / (1 + floor))
        w.upper = max(e.upper, e.ratio * (1 + floor))
        return w
    }

    /// A change the interval resolves (it excludes 1) but that is within the threshold: said in
    /// the row's note, so "no difference resolved" is not read as "no difference".
    /// When the estimate itself lies beyond the threshold but the interval reaches back inside
    /// it, the note says so rather than "within the threshold", which the estimate contradicts.
    package static func smallChangeNote(_ e: RatioEstimate?, verdict: Verdict, threshold: Double) -> String? {
        guard let e, verdict == .noDifference, e.lower > 1 || e.upper < 1 else { return nil }
        func percent(_ r: Double) -> String {
            let change = (r - 1) * 100
            return "\(change >= 0 ? "+" : "")\(formatFixed(change, digits: 1))%"
        }
        let limit = "±\(formatFixed(threshold * 100, digits: 1))%"
        if abs(e.ratio - 1) > threshold {
            return "resolved \(percent(e.ratio)) [\(percent(e.lower)), \(percent(e.upper))], not beyond the \(limit) threshold with confidence"
        }
        return "a change of \(percent(e.ratio)) [\(percent(e.lower)), \(percent(e.upper))] is resolved, within the \(limit) threshold"
    }

    /// Wall times of the sessions so far (for `SessionSizing`).
    package struct SessionTiming {
        private var setups: [Double] = []
        private var pairTotal = 0.0
        private var pairCount = 0

        package mutating func add(setup: Double, pairs: Int, seconds: Double) {
            setups.append(setup)
            if pairs > 0 { pairTotal += seconds; pairCount += pairs }
        }

        /// The median set-up: one slow session (a burst) should not set the size of all others.
        package var setupSeconds: Double? { Statistics.median(setups) }
        package var pairSeconds: Double? { pairCount > 0 ? pairTotal / Double(pairCount) : nil }
    }

    private func sample(_ worker: WorkerConnection, _ ops: Int) throws -> WorkerProtocol.SampleReply? {
        WorkerProtocol.SampleReply.parse(try worker.request(.sample(ops: ops)))
    }

    /// The estimate and which pairs it used.
    package struct Summary {
        package var estimate: RatioEstimate?
        package var used: [Pair]
        package var disturbed: Int
        package var usedAll: Bool
        /// Each side's median canary reading: the reference its readings are compared with.
        package var references: (base: Double, head: Double)
        package let tolerance: Double
        /// Sessions left out for having fewer than `minimumUsablePairs` usable pairs.
        package var thinSessions: Set<Int> = []
        /// Sessions left out as far outside the others (`PairedRatio.farOutSessions`), with
        /// their ratios.
        package var farOutSessions: [(session: Int, ratio: Double)] = []

        package func isUsed(_ p: Pair) -> Bool { usedAll || !PointPairer.isOneSided(p, references, tolerance: tolerance) }

        /// Why the estimate left `p` out, or nil when it used it (pairs.csv's `used` column).
        package func exclusion(_ p: Pair) -> String? {
            if !isUsed(p) { return "canary disturbed on one side" }
            if thinSessions.contains(p.session) { return "session with too few usable pairs" }
            if farOutSessions.contains(where: { $0.session == p.session }) { return "session far outside the others" }
            return nil
        }
    }

    /// Usable pairs a session needs for its median to stand for the session.
    package static let minimumUsablePairs = 5

    /// A pair whose two canary readings, each relative to its side's median, differ by more
    /// than `tolerance`: the machine changed between the two builds' samples, so a burst fell
    /// on one side only. Both sides slow together is what pairing cancels and is kept; each
    /// side is measured against its own median so a build whose samples leave the canary's
    /// buffer colder does not lose its pairs. (Against a global baseline, as `run` does, half
    /// the pairs of an A/A on the loaded Intel VM were dropped, for no narrower interval.)
    package static func isOneSided(_ p: Pair, _ references: (base: Double, head: Double), tolerance: Double) -> Bool {
        let b = p.base.canaryNanosecondsPerStep, h = p.head.canaryNanosecondsPerStep
        guard b > 0, h > 0, references.base > 0, references.head > 0 else { return false }
        return abs(log(b / references.base) - log(h / references.head)) > log(1 + tolerance)
    }

    /// The paired estimate over the pairs without a one-sided disturbance (all pairs when
    /// fewer than half are), with the sessions as clusters.
    package static func estimate(_ pairs: [Pair], tolerance: Double) -> Summary {
        let references = (base: Statistics.median(pairs.map(\.base.canaryNanosecondsPerStep)) ?? 0,
                          head: Statistics.median(pairs.map(\.head.canaryNanosecondsPerStep)) ?? 0)
        let clean = pairs.filter { !isOneSided($0, references, tolerance: tolerance) }
        let useAll = clean.count * 2 < pairs.count
        let used = useAll ? pairs : clean
        // A session left with a handful of usable pairs (a burst took the rest, or the budget
        // ran out) gives a median as noisy as a single pair the weight of a whole session: an
        // A/A under a compile job read -72% and +137% from sessions of 1-4 pairs. Such sessions
        // are left out while at least 3 others remain.
        let grouped = Dictionary(grouping: used, by: \.session)
        let full = grouped.filter { $0.value.count >= minimumUsablePairs }
        let kept = full.count >= 3 ? full : grouped
        let sessions = kept.keys.sorted().compactMap { kept[$0] }
        // A session far outside the others is a worker that ran broken, not the builds: left
        // out, and the row says which and by how much (a change that hits only some layouts
        // would show here too, so it is named, never silently dropped).
        let (e, far) = PairedRatio.clusteredLeavingOutFar(sessions.map { $0.map { ($0.base.nanosecondsPerOp, $0.head.nanosecondsPerOp) } },
                                                          baseFirst: sessions.map { $0.map(\.baseFirst) })
        let farOut = far.compactMap { f in sessions[f.index].first.map { (session: $0.session, ratio: f.ratio) } }
        return Summary(estimate: e, used: used, disturbed: pairs.count - clean.count, usedAll: useAll,
                       references: references, tolerance: tolerance,
                       thinSessions: Set(grouped.keys).subtracting(kept.keys), farOutSessions: farOut)
    }
}

package enum PairSummary {
    /// What two builds' code placement can do to their timed rows, when a side does not start
    /// its functions on 64-byte boundaries (`WorkerProtocol.alignsFunctions`); nil for one binary
    /// or two aligned builds.
    package static func codePlacementWarning(sameBinary: Bool, baseAligns: Bool, headAligns: Bool) -> String? {
        guard !sameBinary, !(baseAligns && headAligns) else { return nil }
        let sides = baseAligns ? "the head build does not start" : headAligns ? "the base build does not start" : "neither build starts"
        return "code placement: \(sides) every function on a 64-byte boundary (builds from before codealign=64), "
            + "so where a timed loop falls across 64-byte lines depends on all the code linked before it: two such builds "
            + "that differed by one start-up function read alloc-only 64 B 11-17% apart on an AMD EPYC with identical "
            + "instruction counts (docs/noise.md). A timed difference whose exact count is identical may be placement, not code"
    }

    package static func progressText(_ row: Comparison.Row) -> String {
        "\(Comparison.ratioText(row.estimate)) \(row.verdict.rawValue) (\(row.note ?? ""))"
    }

    package static func method(threshold: Double, budget: Double, sampleMs: Double, cpu: Int, sharedLayouts: Bool = true) -> String {
        let pct = formatFixed(threshold, digits: threshold == threshold.rounded() ? 0 : 1)
        return "Metric: ns/op (time), samples paired in time: each build runs as a worker pinned to CPU \(cpu); "
            + "the controller alternates the builds in blocks A A B B, B B A A of single \(formatFixed(sampleMs, digits: 1)) ms samples; the first sample of each turn re-warms that build's caches and is not used, the second ones form a pair, so a burst on the machine falls on both builds of a pair. "
            + "A point is measured in sessions, each with fresh worker processes whose workloads are set up at once (requested in alternating order, their arenas populated on the two CPUs in parallel), and as many pairs as its set-up costs in time (a pair of processes can keep an offset of a few percent for as long as it lives). "
            + (sharedLayouts
                ? "Both sides are one binary: both workers of a session start without address randomization and with one draw of the heap's and the stack's layout, a new draw each session, so the two sides of a pair share a layout and the sessions sample layouts. "
                : "Each worker starts with its own randomized layout (two builds, whose code lies differently anyway, or a build from before layouts were drawn from a seed). ")
            + "Ratio = geometric mean over sessions of each session's median pair ratio head/base (pairs whose two canary readings, each against its side's median, disagree by more than 10% are left out), with a Student-t 95% interval over the sessions (a session further than 4.5 robust SDs from the sessions' median, at least 6.3%, is left out and named: a worker that ran broken or drew an unlucky layout); "
            + "base and head columns: p10 of each build's samples in those pairs. Sampling stops when the interval lies wholly beyond ±\(pct)%, or is narrower than \(pct)% without straddling +\(pct)% or -\(pct)%, or when the point's share of the \(formatFixed(budget, digits: 0)) s budget is spent; "
            + "'resolution' is the smallest change the data could have resolved. A point is slower or faster only when its whole interval lies beyond ±\(pct)%."
    }
}
