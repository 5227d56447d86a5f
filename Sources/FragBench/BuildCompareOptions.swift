import ArgumentParser
import Lab
import Measure

/// `compare --build`'s options: `make compare`'s settings (COUNTERS, GATE_THRESHOLD, BUDGET,
/// PRESET, ROUNDS, FILTER, VARIANT, ALIGN, API, SWIFT), each refused with exit 64 when its
/// value is wrong, before anything is built. Optional, so that giving one without `--build`
/// can be refused rather than ignored.
struct BuildCompareOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "With --build: both (time, then callgrind's exact instruction counts), callgrind, or time alone with auto, pmu, software or none (default: both when valgrind is installed, else auto).")
    var counters: String?
    @Option(name: .customLong("gate-threshold"), parsing: .unconditional, help: "With --build: percent change in exact instructions worth a look (default 1).",
            transform: OptionValues.decimal(0 ... 1000))
    var gateThreshold: Double?
    @Option(parsing: .unconditional, help: "With --build: seconds for all timed points together (default 120).",
            transform: OptionValues.decimal(0 ... 86_400, excludingLower: true))
    var budget: Double?
    @Option(parsing: .unconditional, help: "With --build: the timed points' preset (default quick).", transform: OptionValues.nonEmpty)
    var preset: String?
    @Option(parsing: .unconditional, help: "With --build: whole runs per build when BASE has no worker to pair with (default 5).",
            transform: OptionValues.integer(1 ... 1000))
    var rounds: Int?
    @Option(parsing: .unconditional, help: "With --build: only the points whose name matches this regex (time and the exact gate alike).")
    var filter: String?
    @Option(parsing: .unconditional, help: "With --build: only these layouts or kernel versions, comma-separated.")
    var variant: String?
    @Option(parsing: .unconditional, help: "With --build: only these alignments, comma-separated.")
    var align: String?
    @Option(parsing: .unconditional, help: "With --build: only these APIs (kernel, local-free, bulk), comma-separated.")
    var api: String?
    @Option(parsing: .unconditional, help: "With --build: the swift that builds a commit (default: swift on PATH).", transform: OptionValues.nonEmpty)
    var swift: String?
    @Flag(name: .customLong("dry-run"), help: "With --build: say the settings and the plan, build and measure nothing.")
    var dryRun = false

    var anyGiven: Bool {
        counters != nil || gateThreshold != nil || budget != nil || preset != nil || rounds != nil || filter != nil
            || variant != nil || align != nil || api != nil || swift != nil || dryRun
    }

    /// The settings, every value checked; `valgrindInstalled` picks the default counters.
    func settings(base: String, head: String?, threshold: Double, valgrindInstalled: Bool) throws -> BuildCompareSettings {
        let chosen: BuildCompareSettings.Counters
        if let counters {
            guard let known = BuildCompareSettings.Counters(rawValue: counters) else {
                throw ValidationError("--counters must be both, callgrind, auto, pmu, software or none (got '\(counters)')")
            }
            chosen = known
        } else {
            chosen = .default(valgrindInstalled: valgrindInstalled)
        }
        // pair takes a threshold below 100%: refused here, before anything is built.
        guard threshold < 100 else { throw ValidationError("--threshold must be below 100 (percent) with --build") }
        var settings = BuildCompareSettings(base: base, head: head, counters: chosen)
        settings.threshold = threshold
        if let gateThreshold { settings.gateThreshold = gateThreshold }
        if let budget { settings.budget = budget }
        if let preset { settings.preset = preset }
        if let rounds { settings.rounds = rounds }
        if let swift { settings.swift = swift }
        do {
            settings.filter = BuildCompareFilter(
                filter: filter?.isEmpty == true ? nil : filter,
                variants: try variant.map { try BuildCompareFilter.list("--variant", $0, known: BuildCompareFilter.knownVariants,
                                                                      knownText: BuildCompareFilter.knownVariants.joined(separator: ", ")) } ?? [],
                aligns: try align.map { try BuildCompareFilter.list("--align", $0, known: BuildCompareFilter.knownAligns,
                                                                  knownText: "the powers of two up to 65536") } ?? [],
                apis: try api.map { try BuildCompareFilter.list("--api", $0, known: BuildCompareFilter.knownAPIs,
                                                              knownText: BuildCompareFilter.knownAPIs.joined(separator: ", ")) } ?? [])
        } catch let failure as ValidationFailure {
            throw ValidationError(failure.description)
        }
        return settings
    }
}
