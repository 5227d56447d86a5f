import Foundation
import Testing

/// `fragbench list` and `run --list`: the points by their gbench.json names, nothing measured.
@Suite struct ListCommandTests {
    let runner = RunCommandTests()

    @Test func listPrintsThePointsByNameAndFilterSelects() throws {
        let output = runner.temporaryDirectory()
        let all = try runner.run(["run", "--list", "--output", output, "--workload", "alloc-only,cross-thread",
                                  "--fragsz", "64,2048", "--max-size", "4K,32K", "--page-size", "4K,64K"])
        #expect(all.status == 0, "stderr: \(all.stderr)")
        let names = all.stdout.split(separator: "\n").map(String.init)
        #expect(names.count == 12)
        #expect(names.contains("alloc-only/page:4096/max:32768/fragsz:64/align:1"))
        #expect(all.stderr.contains("12 point(s) from 16 combinations: max size 4K, 32K on 64K pages means one page"))
        #expect(!FileManager.default.fileExists(atPath: output), "listing measures and writes nothing")

        let listed = try runner.run(["list", "--workload", "alloc-only,cross-thread", "--fragsz", "64,2048",
                                     "--max-size", "4K,32K", "--page-size", "4K,64K", "--filter", "^cross-thread/page:65536"])
        #expect(listed.status == 0, "stderr: \(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("cross-thread/page:65536/max:65536/") })
        #expect(listed.stdout.split(separator: "\n").count == 2)
    }

    @Test func aFilterMatchingNothingIsAUsageError() throws {
        let result = try runner.run(["list", "--filter", "no-such-point"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--filter 'no-such-point' matches none of the 1 point(s)"))
    }

    @Test func badRunOptionsAreListsOwnUsageError() throws {
        let result = try runner.run(["list", "--bogus"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option '--bogus'"))
        #expect(result.stderr.contains("fragbench list --help"))
        let help = try runner.run(["list", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("The options, as for 'fragbench run'") && help.stdout.contains("--filter"))
    }

    @Test func aPresetWithAxesIsRefused() throws {
        let result = try runner.run(["run", "--allow-debug", "--no-save", "--preset", "quick", "--fragsz", "128"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--preset quick chooses the sweep's axes itself: drop --fragsz or drop --preset"))
    }
}
