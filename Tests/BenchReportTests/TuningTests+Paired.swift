import Foundation
import Testing
@testable import BenchReport

/// Paired evidence in the decision: where the runs' intervals cannot separate settings (noisy,
/// unstable), a paired ratio decides; where it includes 1, the settings are inseparable.
extension TuningTests {
    static let group = "mixed|swift|remaining|4096|-|1|depth=256;distribution=imix"

    /// Unstable settings whose samples overlap widely: on their runs alone, no recommendation.
    static func noisySweep(_ settings: [(max: Int, ns: Double, pinned: Int)]) -> [BenchPoint] {
        settings.map { s in
            var p = ReportingFixtures.point(workload: "mixed", max: s.max, fragsz: nil, ns: s.ns,
                                            samples: ReportingFixtures.samples(s.ns, spread: 0.3), pinned: s.pinned,
                                            parameters: ["depth": "256", "distribution": "imix"])
            p.unstable = true
            p.errPct = 12
            return p
        }
    }

    static let twoNoisy = noisySweep([(8192, 15, MiB), (16384, 14.5, MiB + MiB / 10)])
    static let threeNoisy = noisySweep([(8192, 15, MiB), (16384, 14.5, MiB + MiB / 10), (32768, 14.8, MiB + MiB / 5)])

    static func compared(_ head: Int, _ base: Int, _ ratio: Double, _ lower: Double, _ upper: Double) -> TuningPairs.Comparison {
        TuningPairs.Comparison(group: group, workload: "mixed", pageSize: 4096, base: base, head: head,
                               estimate: RatioEstimate(ratio: ratio, lower: lower, upper: upper, rounds: 40, method: "paired samples"),
                               pairs: 40, sessions: 8, note: "40 pairs in 8 sessions")
    }

    static func record(_ comparisons: [TuningPairs.Comparison]) -> TuningPairs {
        TuningPairs(budgetSeconds: 8, minSessions: 8, minPairs: 40, sampleMs: 1, thresholdPercent: 2, maxReferenceChanges: 2,
                    comparisons: comparisons)
    }

    func analysed(_ points: [BenchPoint], _ comparisons: [TuningPairs.Comparison]) throws -> Tuning.Group {
        try #require(Tuning.analyse(points, objective: .default, pairs: Self.record(comparisons)).first)
    }

    @Test func theGroupKeyIsWhatPairedJSONNames() throws {
        let g = try #require(Tuning.analyse(Self.twoNoisy).first)
        #expect(g.key == Self.group)
        #expect(g.candidates == [8192, 16384] && g.nominalBest == 16384 && g.reference == 16384)
        #expect(g.recommended == nil, "unstable and overlapping: the runs alone cannot support a choice")
    }

    @Test func aResolvedPairedRatioSeparatesWhatTheRunsCannot() throws {
        let slower = Self.compared(8192, 16384, 1.05, 1.03, 1.07)
        let g = try analysed(Self.twoNoisy, [slower])
        let s8 = try #require(g.settings.first { $0.maxSize == 8192 }), s16 = try #require(g.settings.first { $0.maxSize == 16384 })
        #expect(!Tuning.separable(s8, s16), "their runs' samples overlap")
        #expect(Tuning.separable(s8, s16, pairs: [slower]) && Tuning.separable(s16, s8, pairs: [slower]))
        #expect(g.recommended == 16384)
        #expect(g.inseparable.isEmpty)
        #expect(g.explanation.contains("This rests on paired evidence: 8 KiB paired in time with 16 KiB"))
        #expect(!g.explanation.contains("No recommendation"))
    }

    /// A recommendation beside settings flagged unstable says once why it stands: it rests
    /// on paired ratios, which the runs' spread does not enter. Without them there is none.
    @Test func aRecommendationBesideUnstableSettingsSaysWhyItStands() throws {
        let g = try analysed(Self.twoNoisy, [Self.compared(8192, 16384, 1.05, 1.03, 1.07)])
        #expect(g.recommended == 16384)
        #expect(g.explanation.contains("8 KiB, 16 KiB are flagged unstable"))
        #expect(g.explanation.contains("yet the recommendation stands: it rests on paired ratios"))
        #expect(g.explanation.components(separatedBy: "flagged unstable").count == 2, "said once")
        let unpaired = try #require(Tuning.analyse(Self.twoNoisy).first)
        #expect(unpaired.recommended == nil && !unpaired.explanation.contains("stands"))
        // Stable settings: nothing to explain.
        let stable = Self.twoNoisy.map { p -> BenchPoint in var p = p; p.unstable = false; return p }
        #expect(!(try analysed(stable, [Self.compared(8192, 16384, 1.05, 1.03, 1.07)])).explanation.contains("unstable"))
    }

    @Test func aPairedRatioIncludingOneLeavesThemInseparable() throws {
        let g = try analysed(Self.twoNoisy, [Self.compared(8192, 16384, 1.01, 0.98, 1.04)])
        #expect(g.recommended == 8192, "inseparable: the one that pins least")
        #expect(g.inseparable == [16384])
        #expect(g.explanation.contains("The data cannot separate 8 KiB, 16 KiB: the paired ratio's interval includes 1"))
        #expect(g.explanation.contains("(the nominally fastest is 16 KiB, 14.5 ns/op)"))
    }

    @Test func aCandidateResolvedFasterBecomesTheReference() throws {
        let pairs = [Self.compared(8192, 16384, 1.05, 1.03, 1.07), Self.compared(32768, 16384, 0.95, 0.93, 0.97),
                     Self.compared(8192, 32768, 1.10, 1.08, 1.12)]
        #expect(TuningPairs.referencePath(from: 16384, candidates: [8192, 16384, 32768], pairs) == [16384, 32768])
        let g = try analysed(Self.threeNoisy, pairs)
        #expect(g.nominalBest == 16384 && g.reference == 32768)
        #expect(g.recommended == 32768)
        #expect(g.inseparable.isEmpty)
        #expect(g.explanation.contains("Paired comparisons resolved 32 KiB faster than 16 KiB (ratio 0.950 [0.930, 0.970])"))
        #expect(g.explanation.contains("not the nominally fastest 16 KiB"))
        // The first comparison, measured against 16K, is read the other way round against 32K.
        let inverted = try #require(TuningPairs.estimate(pairs, head: 16384, base: 32768))
        #expect(abs(inverted.ratio - 1 / 0.95) < 1e-12 && abs(inverted.lower - 1 / 0.97) < 1e-12 && abs(inverted.upper - 1 / 0.93) < 1e-12)
    }

    @Test func aFailedComparisonLeavesBadRunIntervalsToRefuse() throws {
        var failed = Self.compared(8192, 16384, 1, 1, 1)
        failed.estimate = nil
        failed.missing = "head: cannot pin to CPU 3"
        let g = try analysed(Self.twoNoisy, [failed])
        #expect(g.recommended == nil)
        #expect(g.explanation.contains("No recommendation: the data cannot support one."))
        #expect(g.explanation.contains("The paired comparison of max 8 KiB with max 16 KiB gave no ratio (head: cannot pin to CPU 3)."))
        #expect(Tuning.markdown([g], objective: .default, charts: [], provenance: nil, notes: [])
            .contains("- max 8 KiB vs max 16 KiB: not compared: head: cannot pin to CPU 3"))
    }

    @Test func pairedRatiosThatContradictEachOtherSupportNoChoice() throws {
        // 8K faster than 16K, 32K faster than 8K, and 16K faster than 32K: a cycle.
        let pairs = [Self.compared(8192, 16384, 0.95, 0.93, 0.97), Self.compared(32768, 8192, 0.95, 0.93, 0.97),
                     Self.compared(32768, 16384, 1.05, 1.03, 1.07)]
        let g = try analysed(Self.threeNoisy, pairs)
        #expect(g.reference == 32768)
        #expect(g.recommended == nil)
        #expect(g.explanation.contains("the paired comparisons contradict each other"))
    }

    @Test func theMarkdownAndCSVShowThePairedRows() throws {
        let g = try analysed(Self.twoNoisy, [Self.compared(8192, 16384, 1.05, 1.03, 1.07)])
        let markdown = Tuning.markdown([g, g], objective: .default, charts: [], provenance: nil, notes: [])
        #expect(markdown.contains("- max 8 KiB vs max 16 KiB: ratio 1.050 [1.030, 1.070], 40 pairs in 8 sessions (slower)\n"))
        #expect(markdown.components(separatedBy: "Paired rows:").count == 2, "the method is said once")
        #expect(markdown.contains("Student-t 95% interval over the sessions"))
        let csv = Tuning.csv([g])
        #expect(csv.hasPrefix(CSV.row(Tuning.csvColumns)))
        #expect(Tuning.csvColumns.suffix(6) == ["paired_reference_max_size", "paired_ratio", "paired_ci_lower", "paired_ci_upper",
                                                "paired_pairs", "paired_sessions"])
        #expect(csv.contains(",16384,1.0500,1.0300,1.0700,40,8\r\n"), "8K against the reference")
        #expect(csv.contains(",1,0,,,,,,\r\n"), "the reference's own row has no paired figures")
        let without = Tuning.markdown(Tuning.analyse(Self.twoNoisy), objective: .default, charts: [], provenance: nil, notes: [])
        #expect(!without.contains("Paired"))
    }

    @Test func pairedJSONRoundTrips() throws {
        var failed = Self.compared(32768, 16384, 1, 1, 1)
        failed.estimate = nil
        failed.missing = "interrupted (Ctrl-C) before the comparison finished"
        var pairs = Self.record([Self.compared(8192, 16384, 1.05, 1.03, 1.07), failed])
        pairs.interrupted = true
        let text = try pairs.json()
        #expect(try TuningPairs.parse(text, path: "paired.json") == pairs)
        #expect(pairs.note.contains("1 of 2 comparison(s) gave a ratio") && pairs.note.contains("Interrupted (Ctrl-C)"))
        let off = Self.record([])
        #expect(TuningPairs(budgetSeconds: 0, minSessions: 8, minPairs: 40, sampleMs: 1, thresholdPercent: 2, maxReferenceChanges: 2)
            .note.hasPrefix("Paired phase off (--pair-budget 0)"))
        #expect(try TuningPairs.parse(try off.json(), path: "p") == off)
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        ("[1, 2]", "not a JSON object"),
        (#"{"format": "fragbench-run", "version": 1}"#, "its format is 'fragbench-run'"),
        (#"{"format": "fragbench-tune-paired", "version": 7}"#, "version 7, this fragbench reads 1"),
        (#"{"format": "fragbench-tune-paired", "version": 1, "budgetSeconds": 8}"#, "is missing at the top level"),
    ])
    func aMalformedPairedJSONIsAClearError(text: String, why: String) {
        let error = #expect(throws: TuningPairs.Malformed.self) { try TuningPairs.parse(text, path: "/tmp/t/paired.json") }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("/tmp/t/paired.json is not a readable paired.json: ") && description.contains(why), "\(description)")
    }

    @Test func valuesNoMeasurementWritesAreRefused() throws {
        let good = try Self.record([Self.compared(8192, 16384, 1.05, 1.03, 1.07)]).json()
        let cases = [
            (good.replacingOccurrences(of: "\"lower\" : 1.03", with: "\"lower\" : 1.2"), "not a positive ratio within its interval"),
            (good.replacingOccurrences(of: "\"ratio\" : 1.05", with: "\"ratio\" : -1"), "not a positive ratio within its interval"),
            (good.replacingOccurrences(of: "\"head\" : 8192", with: "\"head\" : 16384"), "the two max sizes different"),
            (good.replacingOccurrences(of: "\"pairs\" : 40", with: "\"pairs\" : \"many\""), "comparisons[0].pairs"),
            (good.replacingOccurrences(of: "\"budgetSeconds\" : 8", with: "\"budgetSeconds\" : -8"), "is not a duration"),
            (good.replacingOccurrences(of: "\"estimate\"", with: "\"estimat\""), "neither an estimate nor why it is missing"),
        ]
        for (text, why) in cases {
            #expect(text != good, "the case must change the file: \(why)")
            let error = #expect(throws: TuningPairs.Malformed.self) { try TuningPairs.parse(text, path: "paired.json") }
            #expect(error?.description.contains(why) == true, "\(String(describing: error)) should say \(why)")
        }
    }
}
