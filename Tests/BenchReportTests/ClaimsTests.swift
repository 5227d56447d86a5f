import Foundation
import Testing
@testable import BenchReport

/// docs/claims.tsv's parser: a good file, and every kind of bad line named by file:line.
@Suite struct ClaimsFileTests {
    static let header = ClaimsFile.columns.joined(separator: "\t")

    static func line(_ fields: [String]) -> String { fields.joined(separator: "\t") }

    static let good = [
        "# a comment", header, "",
        line(["p1-nonaligned", "20241028115343.3405838-1-linyunsheng@huawei.com", "2024-10-28", "arm64 ~2.6 GHz",
              "non-aligned page_frag_test", "--workload cross-thread --fragsz 12 --align 1", "--variant offset-down",
              "--variant offset-up", "time", "4.604", "4.240", "-"]),
        "# netcat: no experiment",
        line(["netcat", "msgid not found here", "2024-10-29", "arm64", "netcat 20 GB over TCP", "-", "-", "-", "none",
              "27.84", "27.37", "not reproducible in a userspace model: needs the kernel's TCP stack"]),
    ].joined(separator: "\n") + "\n"

    @Test func aGoodFileGivesEveryClaimWithItsLocation() throws {
        let claims = try ClaimsFile.parse(Self.good, file: "claims.tsv")
        #expect(claims.count == 2)
        let first = claims[0]
        #expect(first.id == "p1-nonaligned" && first.metric == .time && first.location == "claims.tsv:4")
        #expect(first.scenario == ["--workload", "cross-thread", "--fragsz", "12", "--align", "1"])
        #expect(first.baseOptions == first.scenario + ["--variant", "offset-down"])
        #expect(first.headOptions.suffix(2) == ["--variant", "offset-up"])
        #expect(abs(first.change - (4.240 / 4.604 - 1)) < 1e-12)
        #expect(first.isReproducible && first.note.isEmpty)
        #expect(!claims[1].isReproducible && claims[1].scenario.isEmpty && claims[1].note.hasPrefix("not reproducible"))
    }

    @Test func columnsMayComeInAnyOrder() throws {
        let names = ClaimsFile.columns.reversed()
        let text = names.joined(separator: "\t") + "\n"
            + Self.line(["-", "2", "1", "time", "--variant offset-up", "--variant remaining", "--workload alloc-only",
                         "x", "cpu", "2024", "src", "c1"]) + "\n"
        let claims = try ClaimsFile.parse(text, file: "f")
        #expect(claims.first?.id == "c1" && claims.first?.before == 1 && claims.first?.after == 2)
    }

    func problems(_ body: String) -> [ClaimsFile.Problem] {
        do {
            _ = try ClaimsFile.parse(Self.header + "\n" + body, file: "bad.tsv")
            return []
        } catch let error as ClaimsFile.Problems {
            return error.problems
        } catch {
            return []
        }
    }

    static func fields(metric: String = "time", before: String = "1", after: String = "2", id: String = "x",
                       scenario: String = "--workload alloc-only", note: String = "-") -> String {
        line([id, "s", "d", "c", "w", scenario, "--variant remaining", "--variant offset-up", metric, before, after, note])
    }

    @Test(arguments: [
        ("a\tb\tc", "3 tab-separated columns, the header has 12"),
        (fields(metric: "cycles"), "metric 'cycles' is not one of time, instructions, branch-misses, none"),
        (fields(before: "4.6s"), "before '4.6s' is not a positive number"),
        (fields(after: "-1"), "after '-1' is not a positive number"),
        (fields(after: "nan"), "after 'nan' is not a positive number"),
        (fields(id: "a b"), "id 'a b': letters, digits"),
        (fields(scenario: "-"), "scenario is '-' but metric is time"),
        (fields(metric: "none", scenario: "-"), "needs a note saying why"),
    ])
    func aBadLineIsNamedByFileAndLine(body: String, message: String) {
        let found = problems(body)
        #expect(found.count == 1)
        #expect(found.first?.line == 2, "\(found)")
        #expect(found.first?.description.hasPrefix("bad.tsv:2: ") == true)
        #expect(found.first?.message.contains(message) == true, "\(found)")
    }

    @Test func everyBadLineIsReportedAndNoClaimIsReturned() {
        let body = [Self.fields(id: "ok"), Self.fields(metric: "speed", id: "b1"), "# fine", Self.fields(id: "ok")]
            .joined(separator: "\n")
        let found = problems(body)
        #expect(found.map(\.line) == [3, 5])
        #expect(found.last?.message.contains("id 'ok' is already used on line 2") == true)
    }

    @Test func aHeaderThatIsNotTheColumnsIsRefused() {
        do {
            _ = try ClaimsFile.parse("id\tsource\n", file: "h.tsv")
            Issue.record("accepted a short header")
        } catch {
            #expect("\(error)".hasPrefix("h.tsv:1: the header must name the columns"))
            #expect("\(error)".contains("missing date"))
        }
        #expect(throws: ClaimsFile.Problems.self) { try ClaimsFile.parse("# only comments\n", file: "e.tsv") }
    }
}

/// The verdict: every branch, and the edges (an interval touching 1, a claim of no change,
/// exact counts with a tolerance, nothing measured).
@Suite struct ClaimVerdictTests {
    typealias M = ClaimVerdict.Measured

    func judge(_ c: Double, _ ratio: Double, _ lo: Double, _ hi: Double) -> ClaimVerdict {
        ClaimVerdict.judge(claimedChange: c, measured: M(ratio: ratio, lower: lo, upper: hi))
    }

    @Test func sameDirectionWithTheClaimedSizeInsideIsReproduced() {
        let v = judge(-0.10, 0.89, 0.85, 0.93)
        #expect(v.kind == .reproduced)
        #expect(v.reason.contains("claimed \u{2212}10%") && v.reason.contains("measured \u{2212}11% [\u{2212}15%, \u{2212}7.0%]"))
        #expect(judge(0.20, 1.19, 1.15, 1.25).kind == .reproduced)
    }

    @Test func anIntervalOnTheOtherSideOfOneIsTheOppositeDirection() {
        let v = judge(-0.073, 1.05, 1.02, 1.08)
        #expect(v.kind == .contradicted && v.reason.hasPrefix("opposite direction"))
        #expect(judge(0.2, 0.9, 0.85, 0.95).reason.hasPrefix("opposite direction"))
    }

    @Test func anIntervalExcludingTheClaimedSizeSaysSo() {
        let v = judge(-0.73, 0.79, 0.77, 0.81)
        #expect(v.kind == .contradicted)
        #expect(v.reason == "size excluded: claimed \u{2212}73%, measured \u{2212}21% [\u{2212}23%, \u{2212}19%]")
        // Containing 1 but not the claimed size: the size is still excluded.
        #expect(judge(-0.5, 0.99, 0.95, 1.03).reason.hasPrefix("size excluded"))
    }

    @Test func anIntervalHoldingBothIsNotResolvableAndGivesItsResolution() {
        let v = judge(-0.02, 0.99, 0.96, 1.02)
        #expect(v.kind == .notResolvable)
        #expect(v.reason.contains("resolution reached ±3.0%"))
    }

    @Test func anIntervalTouchingOneContainsIt() {
        // [0.85, 1.00] holds both 1 and 0.9.
        #expect(judge(-0.10, 0.92, 0.85, 1.0).kind == .notResolvable)
        // [1.00, 1.05] touches 1 from above: not wholly on the other side, but 0.9 is excluded.
        let v = judge(-0.10, 1.02, 1.0, 1.05)
        #expect(v.kind == .contradicted && v.reason.hasPrefix("size excluded"))
        // The claimed size on the interval's edge is inside.
        #expect(judge(-0.10, 0.88, 0.85, 0.90).kind == .reproduced)
    }

    @Test func aClaimOfNoChange() {
        let same = judge(0, 1.001, 0.99, 1.01)
        #expect(same.kind == .reproduced && same.reason.contains("no change resolved at ±1.0%"))
        #expect(judge(0, 1.0, 0.97, 1.0).kind == .reproduced)
        let moved = judge(0, 1.04, 1.02, 1.06)
        #expect(moved.kind == .contradicted && moved.reason.hasPrefix("change resolved: claimed no change"))
    }

    @Test func exactCountsCompareWithinTheStatedTolerance() {
        let near = ClaimVerdict.judge(claimedChange: 0.425, measured: .exact(1.43, tolerance: 0.02))
        #expect(near.kind == .reproduced && near.reason.contains("(exact count, tolerance ±2.0%)"))
        let far = ClaimVerdict.judge(claimedChange: 0.425, measured: .exact(1.10, tolerance: 0.02))
        #expect(far.kind == .contradicted && far.reason.hasPrefix("size excluded"))
        let opposite = ClaimVerdict.judge(claimedChange: -0.5, measured: .exact(1.10, tolerance: 0.02))
        #expect(opposite.reason.hasPrefix("opposite direction"))
        #expect(ClaimVerdict.judge(claimedChange: 0, measured: .exact(1.01, tolerance: 0.02)).kind == .reproduced)
        #expect(ClaimVerdict.judge(claimedChange: 0, measured: .exact(1.05, tolerance: 0.02)).kind == .contradicted)
        // A claim smaller than the tolerance cannot be told from no change.
        #expect(ClaimVerdict.judge(claimedChange: -0.01, measured: .exact(1.0, tolerance: 0.02)).kind == .notResolvable)
    }

    @Test func exactCountsWithAZeroSide() {
        #expect(ClaimVerdict.judgeExact(claimedChange: -0.5, base: 0, head: 0, tolerance: 0.02).kind == .notResolvable)
        let appeared = ClaimVerdict.judgeExact(claimedChange: -0.5, base: 0, head: 0.2, tolerance: 0.02)
        #expect(appeared.kind == .contradicted && appeared.reason.hasPrefix("opposite direction"))
        #expect(ClaimVerdict.judgeExact(claimedChange: -0.5, base: 0.2, head: 0, tolerance: 0.02).reason.hasPrefix("size excluded"))
        #expect(ClaimVerdict.judgeExact(claimedChange: 0, base: 0.2, head: 0, tolerance: 0.02).reason.hasPrefix("change resolved"))
        #expect(ClaimVerdict.judgeExact(claimedChange: 0.4, base: 10, head: 14, tolerance: 0.02).kind == .reproduced)
    }

    @Test func nothingMeasuredIsNotResolvableWithTheReason() {
        let v = ClaimVerdict.judge(claimedChange: -0.1, measured: nil, unmeasured: "valgrind is not on PATH")
        #expect(v.kind == .notResolvable && v.reason == "could not be measured: valgrind is not on PATH")
    }

    @Test func percentagesUseATrueMinusSign() {
        #expect(ClaimVerdict.percent(-0.079) == "\u{2212}7.9%")
        #expect(ClaimVerdict.percent(0.426) == "+43%")
        #expect(ClaimVerdict.percent(0.00001) == "±0.0%")
        #expect(ClaimVerdict.percent(0.03, signed: false) == "3.0%")
    }
}

@Suite struct FreshDirectoryTests {
    @Test func aTakenNameIsNeverReused() throws {
        let root = NSTemporaryDirectory() + "fragbench-fresh-\(UUID().uuidString)"
        let store = ResultStore(root: root)
        let first = try store.freshDirectory(section: "reproduce", name: "20260101T000000Z-abc")
        try "kept".write(toFile: first + "/reproduce.md", atomically: true, encoding: .utf8)
        let second = try store.freshDirectory(section: "reproduce", name: "20260101T000000Z-abc")
        #expect(first.hasSuffix("/reproduce/20260101T000000Z-abc"))
        #expect(second.hasSuffix("/reproduce/20260101T000000Z-abc-2"))
        #expect(try String(contentsOfFile: first + "/reproduce.md", encoding: .utf8) == "kept")
        try? FileManager.default.removeItem(atPath: root)
    }
}
