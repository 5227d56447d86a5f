import Testing
@testable import Lab

/// COUNTERS=both's one compare.md and one exit status, and the note on what time covered.
@Suite struct BuildCompareReportTests {
    static let time = "## FragBench compare: a → b\n\n**No regression** in 2 point(s)\n\n| point | … |\n"
    static let gate = "## FragBench compare: a → b\n\n**REGRESSION: 1 of 73 point(s) slower**\n\n| point | … |\n"

    @Test func bothTablesWithTheNoteBetween() {
        let note = BuildCompareCoverage.note(preset: "quick", filter: nil, timed: ["align:1", "page:4096"],
                                             gated: ["align:1", "align:64", "page:4096"], gateRan: true)
        let merged = BuildCompareReport.merged(time: .init(markdown: Self.time, status: 0), note: note,
                                               gate: .init(markdown: Self.gate, status: 2))
        #expect(merged == Self.time + """

            **What was timed.** Time measured the `quick` preset (align:1, page:4096).
            It did not time align:64: a change there shows in the instructions table only (the exact gate counted them).


            """ + Self.gate)
    }

    /// A half that wrote no table says so, with its status, instead of vanishing.
    @Test func aMissingTableIsSaid() {
        let merged = BuildCompareReport.merged(time: .init(markdown: nil, status: 1), note: "\n", gate: .init(markdown: Self.gate, status: 0))
        #expect(merged.hasPrefix("## time\n\nThe time comparison wrote no table (exit status 1;"))
        #expect(merged.hasSuffix(Self.gate))
    }

    @Test func noteWithoutGapsOrGate() {
        let note = BuildCompareCoverage.note(preset: "default", filter: "alloc-free", timed: ["page:4096"], gated: ["page:4096"], gateRan: false)
        #expect(note == "\n**What was timed.** Time measured the `default` preset filtered by `alloc-free` (page:4096).\n")
        let gaps = BuildCompareCoverage.note(preset: "quick", filter: nil, timed: [], gated: ["api:bulk"], gateRan: false)
        #expect(gaps.hasSuffix("It did not time api:bulk: a change there shows in the instructions table only.\n"))
    }

    @Test(arguments: [
        (Int32(0), Int32(0), Int32(0)), (2, 0, 2), (0, 2, 2), (2, 2, 2),
        (1, 0, 1), (0, 1, 1), (2, 1, 1), (1, 2, 1), (130, 2, 130), (1, 130, 1),
    ])
    func oneStatusFromBoth(time: Int32, gate: Int32, expected: Int32) {
        #expect(BuildCompareReport.status(time: time, gate: gate) == expected)
    }

    @Test func coverageWordsFromNames() {
        let words = BuildCompareCoverage.words(names: [
            "alloc-free/page:4096/max:32768/fragsz:64/align:1/api:local-free/depth:256",
            "alloc-only[v6.13]/page:65536/max:32768/fragsz:64/align:64",
            "73 point(s)",
        ])
        #expect(words == ["align:1", "align:64", "api:local-free", "layout:remaining", "layout:v6.13", "page:4096", "page:65536"])
    }

    @Test func planFollowsTheCounters() {
        var settings = BuildCompareSettings(base: "HEAD~1", counters: .both)
        settings.filter = BuildCompareFilter(filter: "alloc-free")
        let both = BuildCompare.plan(settings)
        #expect(both.count == 2 && both[0].hasPrefix("time: fragbench pair --preset quick --quick --filter ^(?=.*?(?:alloc-free))"))
        #expect(both[1].contains("--preset gate --quick --filter ^(?=.*?(?:alloc-free))"))
        settings.counters = .callgrind
        #expect(BuildCompare.plan(settings).count == 1 && BuildCompare.plan(settings)[0].hasPrefix("exact gate"))
        settings.counters = .none
        settings.preset = "default"
        #expect(BuildCompare.plan(settings) == ["time: fragbench pair --preset default --filter ^(?=.*?(?:alloc-free)), THRESHOLD 2%, 120 s (counters none)"])
    }
}
