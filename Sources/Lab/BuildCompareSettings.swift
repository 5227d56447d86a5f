/// What `fragbench compare --build` (and `make compare`) compares and how: the two revisions,
/// the counters, the thresholds, the time budget, the preset and the point-name filter.
package struct BuildCompareSettings: Equatable, Sendable {
    /// COUNTERS: `both` is time, then the exact callgrind gate; `callgrind` the gate alone; the
    /// others time alone, with those counters.
    package enum Counters: String, CaseIterable, Sendable {
        case both, callgrind, auto, pmu, software, none

        /// Time and the exact gate where valgrind is installed: time says what a change costs on
        /// this machine, the gate flags what time cannot resolve on a noisy VM (one extra store
        /// behind a locked RMW is ~1% of alloc-free's time).
        package static func `default`(valgrindInstalled: Bool) -> Counters { valgrindInstalled ? .both : .auto }
    }

    package var base: String
    /// nil: this binary is the head (the working tree's build, which `make compare` runs).
    package var head: String?
    package var counters: Counters
    /// THRESHOLD, percent: the time comparison's practical threshold.
    package var threshold = 2.0
    /// GATE_THRESHOLD, percent: what size of exact change is worth a look.
    package var gateThreshold = 1.0
    /// BUDGET, seconds for all timed points together.
    package var budget = 120.0
    package var preset = "quick"
    /// ROUNDS: whole runs per build when BASE has no worker to pair with.
    package var rounds = 5
    package var filter = BuildCompareFilter()
    /// The swift that builds a commit (SWIFT).
    package var swift = "swift"

    package init(base: String, head: String? = nil, counters: Counters) {
        self.base = base
        self.head = head
        self.counters = counters
    }

    /// One line that says everything the comparison will use (the tests read it).
    package var summary: String {
        "compare: BASE=\(base) HEAD=\(head ?? "working tree") PRESET=\(preset) FILTER=\(filter.filter ?? "")"
            + " VARIANT=\(filter.variants.joined(separator: ",")) ALIGN=\(filter.aligns.joined(separator: ","))"
            + " API=\(filter.apis.joined(separator: ",")) name filter: \(filter.regex ?? "none") COUNTERS=\(counters.rawValue)"
            + " THRESHOLD=\(Self.shortest(threshold))% GATE_THRESHOLD=\(Self.shortest(gateThreshold))% BUDGET=\(Self.shortest(budget))s"
    }

    /// A number as typed: 2 rather than 2.0.
    package static func shortest(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The time comparison's sweep: the preset (quick adds --quick) and the name filter.
    package var timedSweep: [String] {
        ["--preset", preset] + (preset == "quick" ? ["--quick"] : []) + filterArguments
    }

    /// The exact gate's sweep: the gate preset (every layout, version, alignment, page size and
    /// API: exact counts are cheap), the name filter kept.
    package var gateSweep: [String] { ["--preset", "gate", "--quick"] + filterArguments }

    var filterArguments: [String] { filter.regex.map { ["--filter", $0] } ?? [] }
}
