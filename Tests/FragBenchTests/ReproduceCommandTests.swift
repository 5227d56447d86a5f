import BenchReport
import Foundation
import Testing
import Workloads
@testable import FragBench
import Lab

/// `fragbench reproduce` end to end on the debug binary, with a claims file of the layouts this
/// branch has: every claim gets a section and a verdict word, a bad file runs nothing.
@Suite(.serialized) struct ReproduceCommandTests {
    let runner = RunCommandTests()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixture = root.appendingPathComponent("Fixtures/claims-existing-variants.tsv").path

    @Test func aQuickRunJudgesEveryClaimAndWritesItsFiles() throws {
        let output = NSTemporaryDirectory() + "fragbench-reproduce-\(UUID().uuidString)"
        let result = try runner.run(["reproduce", "--claims", Self.fixture, "--quick", "--budget", "1", "--allow-debug",
                                     "--output", output])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: output + "/reproduce")
        let directory = output + "/reproduce/" + (try #require(names.first))
        let markdown = try String(contentsOfFile: directory + "/reproduce.md", encoding: .utf8)
        #expect(markdown.hasPrefix("# FragBench reproduce: "))
        #expect(markdown.contains("| mode | QUICK"))
        for id in ["fx-alloc-time", "fx-alloc-ins", "fx-prepare", "fx-netcat"] { #expect(markdown.contains("## \(id)\n"), "\(id)") }
        // The time claim has an interval and a verdict on it; the prepare claim cannot run on offset-down.
        #expect(markdown.contains("time, head/base (paired: geometric mean of session medians"))
        #expect(markdown.contains("**Verdict: ") && markdown.contains("on time: "))
        #expect(markdown.contains("the base side (--variant offset-down) cannot run this point"))
        #expect(markdown.contains("- **Not reproducible here**: not reproducible in a userspace model: needs the kernel's TCP stack"))
        #expect(markdown.contains("## Why: instructions per operation by version pair"))
        #expect(markdown.contains("<!-- record-why:"))
        #expect(markdown.contains("## What a userspace model cannot reproduce"))
        let csv = try String(contentsOfFile: directory + "/reproduce.csv", encoding: .utf8)
        #expect(csv.hasPrefix(CSV.row(ReproduceReport.csvColumns)))
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 5)
        #expect(FileManager.default.fileExists(atPath: directory + "/pairs.csv"))
    }

    @Test func aBadClaimsFileNamesEveryBadLineAndRunsNothing() throws {
        let output = NSTemporaryDirectory() + "fragbench-reproduce-\(UUID().uuidString)"
        let file = NSTemporaryDirectory() + "claims-\(UUID().uuidString).tsv"
        let good = "ok\ts\td\tc\tw\t--workload alloc-only\t--variant offset-down\t--variant remaining\ttime\t1\t2\t-"
        let text = [
            ClaimsFile.columns.joined(separator: "\t"),
            "v\ts\td\tc\tw\t--workload alloc-only\t--variant v9.99\t--variant v6.13\ttime\t1\t2\t-",
            good,
            "m\ts\td\tc\tw\t--workload alloc-only\t--variant offset-down\t--variant remaining\tcycles\t1\t2\t-",
            "two\ts\td\tc\tw\t--workload alloc-only --fragsz 64,128\t--variant offset-down\t--variant remaining\ttime\t1\t2\t-",
        ].joined(separator: "\n") + "\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try runner.run(["reproduce", "--claims", file, "--quick", "--allow-debug", "--output", output])
        #expect(result.status == 64)
        // Every bad line at once, in line order: an unknown variant, an unknown metric, options naming two points.
        #expect(result.stderr.contains("\(file):2: base side: run options --workload alloc-only --variant v9.99 --arena 64M: --variant 'v9.99' is not one of"), "\(result.stderr)")
        #expect(result.stderr.contains("\(file):4: metric 'cycles' is not one of"), "\(result.stderr)")
        #expect(result.stderr.contains("\(file):5: base side: run options --workload alloc-only --fragsz 64,128"), "\(result.stderr)")
        #expect(result.stderr.contains("name 2 points, not one"))
        #expect(!result.stderr.contains("\(file):3"))
        #expect(result.stderr.contains("3 bad line(s), nothing was run"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func listPrintsTheClaimsAndRunsNothing() throws {
        let output = NSTemporaryDirectory() + "fragbench-reproduce-\(UUID().uuidString)"
        let result = try runner.run(["reproduce", "--claims", Self.fixture, "--list", "--filter", "^fx-(alloc-time|netcat)$",
                                     "--output", output])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("fx-alloc-time\ttime\t"))
        #expect(result.stdout.contains("    base: --workload alloc-only --fragsz 64 --variant offset-down --arena 64M"))
        #expect(result.stdout.contains("fx-netcat\tnone\t") && !result.stdout.contains("fx-prepare"))
        #expect(!FileManager.default.fileExists(atPath: output))
        let none = try runner.run(["reproduce", "--claims", Self.fixture, "--list", "--filter", "^nothing$"])
        #expect(none.status == 64 && none.stderr.contains("matches none of the 4 claim id(s)"))
    }

    /// docs/claims.tsv parses, and its experiments use the kernel versions' variant names (and the
    /// socket page_frag that Part-2 replaced).
    @Test func theRecordsClaimsFileParses() throws {
        let path = Self.root.appendingPathComponent("../../docs/claims.tsv").standardizedFileURL.path
        let claims = try ClaimsFile.parse(try String(contentsOfFile: path, encoding: .utf8), file: "docs/claims.tsv")
        #expect(claims.count >= 10)
        let versions: Set<String> = ["v6.12", "v6.13", "rfc-v11-pre08", "rfc-v11", "part2-v2", "sk-page-frag"]
        for claim in claims where claim.isReproducible {
            #expect(claim.base.count == 2 && versions.contains(claim.base[1]), "\(claim.id)")
            #expect(claim.head.count == 2 && versions.contains(claim.head[1]), "\(claim.id)")
        }
        #expect(claims.contains { $0.metric == .none && $0.note.contains("needs the kernel's TCP stack") })
        #expect(claims.contains { $0.metric == .branchMisses })
        #expect(claims.contains { $0.metric == .instructions })
        #expect(claims.contains { $0.change == 0 })
    }

    @Test func everyCSVColumnIsDocumented() throws {
        let path = Self.root.appendingPathComponent("../../results/README.md").standardizedFileURL.path
        let readme = try String(contentsOfFile: path, encoding: .utf8)
        let columns = ReproduceReport.csvColumns + Comparison.csvColumns + CSVReport.columns + ResultStore.historyColumns
            + Tuning.csvColumns + PeersCommand.csvColumns + PairsCSV.columns
        for column in columns {
            #expect(readme.contains("`\(column)`"), "\(column) is not in results/README.md")
        }
        for file in ["compare.csv", "reproduce.csv", "results.csv", "tune.csv", "peers.csv", "pairs.csv"] {
            #expect(readme.contains("## \(file)"), "\(file) has no section")
        }
    }

    @Test func crossThreadIsCountedOnAllocOnlyWithTheSameSizes() throws {
        let options = ["--workload", "cross-thread", "--fragsz", "12", "--align", "64", "--count", "51200",
                       "--push-cpu", "0", "--pop-cpu", "1", "--variant", "offset-up"]
        let point = try SelfPairing.namedPoint(options)
        let counted = ReproduceCommand.callgrindOptions(options, point: point)
        #expect(counted.options == ["--workload", "alloc-only", "--fragsz", "12", "--align", "64", "--variant", "offset-up"])
        #expect(counted.note?.contains("spin-waiting") == true)
        let alloc = ["--workload", "alloc-only", "--fragsz", "64"]
        #expect(ReproduceCommand.callgrindOptions(alloc, point: try SelfPairing.namedPoint(alloc)).options == alloc)
    }
}
