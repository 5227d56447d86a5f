import BenchReport
import Foundation
import Testing
@testable import FragBench

/// peers.md: a title, where it was measured, full point labels, and figures whose quotient
/// is the ratio printed beside them.
@Suite struct PeersCommandTests {
    static let swiftRounds = [10.0, 11.0, 10.5, 9.8, 10.2]
    static let cRounds = [8.0, 9.5, 8.1, 7.9, 8.4]

    func rows() -> [PeersCommand.Row] {
        let label = "alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B"
        return [
            PeersCommand.Row(point: label, subject: "swift", nsPerOp: PeersCommand.geometricMean(Self.swiftRounds),
                             estimate: nil, note: nil),
            PeersCommand.Row(point: label, subject: "c", nsPerOp: PeersCommand.geometricMean(Self.cRounds),
                             estimate: RatioEstimate.paired(a: Self.swiftRounds, b: Self.cRounds), note: nil),
            PeersCommand.Row(point: label, subject: "jemalloc", nsPerOp: nil, estimate: nil,
                             note: "libjemalloc.so.2 cannot be loaded"),
        ]
    }

    @Test func theFiguresBelongToTheRatiosEstimate() throws {
        let rows = rows()
        let ratio = try #require(rows[1].estimate?.ratio)
        let quotient = try #require(rows[1].nsPerOp) / (try #require(rows[0].nsPerOp))
        #expect(abs(ratio - quotient) < 1e-12, "geometric means: their quotient is the paired ratio")
    }

    @Test func peersMarkdownHasATitleProvenanceAndFullLabels() {
        var provenance = Provenance.unknown
        provenance.gitCommit = "0123456789abcdef"
        provenance.cpuModel = "Intel Xeon"
        provenance.cpuCount = 2
        provenance.quick = true
        let text = PeersCommand.markdown(rows(), rounds: 5, notes: [], provenance: provenance,
                                         libraries: "libc6 2.36-9, libjemalloc2 5.3.0-1")
        #expect(text.hasPrefix("# FragBench peers: "))
        #expect(text.contains("| commit | 0123456789ab |"))
        #expect(text.contains("| cpu | Intel Xeon, 2 CPUs online |"))
        #expect(text.contains("| allocator libraries | libc6 2.36-9, libjemalloc2 5.3.0-1 |"))
        #expect(text.contains("| mode | QUICK"))
        #expect(text.contains("| alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B | c |"))
        #expect(text.contains("ns/op (geometric mean of rounds)"))
        #expect(text.contains("| jemalloc | — | — | libjemalloc.so.2 cannot be loaded |"))
        #expect(!text.contains("0 B"))
    }

    @Test func peersCSVGoesThroughTheOneWriter() {
        let csv = PeersCommand.csv(rows())
        #expect(csv.hasPrefix(CSV.row(PeersCommand.csvColumns)))
        #expect(csv.contains("\"alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B\",jemalloc,,,,,,libjemalloc.so.2 cannot be loaded\r\n"))
    }
}

@Suite struct PeersAPISubjectsTests {
    @Test func theAPIExperimentsAreSubjects() throws {
        let command = try PeersCommand.parse(["--against", "mimalloc,swift:local-free,swift:bulk,swift:offset-up", "--max-size", "32K,128K"])
        let subjects = try command.subjects()
        #expect(subjects.map(\.name) == ["swift", "mimalloc", "swift:local-free", "swift:bulk", "swift:offset-up"])
        #expect(subjects[2].api == .localFree && subjects[2].variant == .remaining)
        #expect(try command.configs().map(\.maxSize) == [32768, 131072])
        #expect(throws: (any Error).self) { try PeersCommand.parse(["--against", "mimalloc:bulk"]).subjects() }
    }
}
