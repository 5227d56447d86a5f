import Foundation
import Testing
@testable import FragBench
import Lab
import Measure

/// `fragbench pair` end to end: two workers of the debug binary (the same build on both sides),
/// a small budget. Behaviour only: the protocol runs, every point gets a row and an interval,
/// a build without a worker is reported as such (exit 3), bad options are refused.
@Suite(.serialized) struct PairCommandTests {
    let runner = RunCommandTests()

    @Test func theSameBuildPairedWithItselfComparesEveryPoint() throws {
        let binary = try #require(RunCommandTests.binary).path
        let output = NSTemporaryDirectory() + "fragbench-pair-\(UUID().uuidString)"
        let result = try runner.run([
            "pair", "--base", binary, "--head", binary, "--allow-debug", "--budget", "4", "--min-pairs", "12",
            "--max-pairs", "48", "--min-sessions", "3", "--sample-ms", "0.2", "--output", output, "--",
            "--workload", "alloc-only,alloc-free", "--fragsz", "64", "--max-size", "4K,32K", "--arena", "16M",
        ])
        #expect(result.status == 0 || result.status == 2, "stderr: \(result.stderr)")
        let markdown = try String(contentsOfFile: output + "/compare.md", encoding: .utf8)
        #expect(markdown.contains("samples paired in time"))
        #expect(markdown.contains("Both sides are one binary"), "one layout per session for both workers")
        // Rows carry the points' fragbench list names.
        for label in ["alloc-only/page:4096/max:4096/fragsz:64/align:1", "alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256"] {
            #expect(markdown.contains("| \(label) |"), "no row for \(label)")
        }
        #expect(markdown.contains("sessions") && markdown.contains("resolution ±"))
        let csv = try String(contentsOfFile: output + "/compare.csv", encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { $0.contains("paired samples") }.count == 4)
        #expect(FileManager.default.fileExists(atPath: output + "/worker-base.log"))
        // Every pair taken is kept, with its session and whether the estimate used it.
        let pairs = try String(contentsOfFile: output + "/pairs.csv", encoding: .utf8).components(separatedBy: "\r\n")
        #expect(pairs.first == "point,session,first,base_ns_per_op,head_ns_per_op,ratio,base_canary_ns_per_step,head_canary_ns_per_step,used")
        let body = pairs.dropFirst().filter { !$0.isEmpty }
        #expect(body.count >= 4 * 12, "at least --min-pairs per point")
        for label in ["alloc-only/page:4096/max:4096/fragsz:64/align:1", "alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256"] {
            #expect(Set(body.filter { $0.hasPrefix(label + ",") }.map { $0.split(separator: ",")[1] }).count >= 3, "sessions of \(label)")
        }
    }

    @Test func twoConfigurationsOfOneBuildArePaired() throws {
        let binary = try #require(RunCommandTests.binary).path
        let output = NSTemporaryDirectory() + "fragbench-pair-\(UUID().uuidString)"
        let result = try runner.run([
            "pair", "--base", binary, "--head", binary, "--allow-debug", "--budget", "3", "--min-pairs", "12",
            "--max-pairs", "24", "--min-sessions", "3", "--sample-ms", "0.2", "--output", output,
            "--base-options", "--impl swift", "--head-options", "--impl c", "--",
            "--workload", "alloc-free", "--fragsz", "64", "--max-size", "32K", "--arena", "16M",
        ])
        #expect(result.status == 0 || result.status == 2, "stderr: \(result.stderr)")
        let markdown = try String(contentsOfFile: output + "/compare.md", encoding: .utf8)
        #expect(markdown.contains("| alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256 vs alloc-free<c>/page:4096/max:32768/fragsz:64/align:1/depth:256 |"), "\(markdown)")
        // Sides naming different numbers of points are refused before anything runs.
        let mismatch = try runner.run(["pair", "--base", binary, "--head", binary, "--allow-debug",
                                       "--head-options", "--max-size 4K,32K", "--", "--workload", "alloc-free", "--max-size", "32K"])
        #expect(mismatch.status == 64 && mismatch.stderr.contains("as many points on each side (1 vs 2)"), "\(mismatch.stderr)")
        #expect(PairCommand.words("  --impl   c\t--max-size 4K ") == ["--impl", "c", "--max-size", "4K"])
        // Without --base and --head both sides are this binary: two versions of one build.
        let versions = try PairCommand.parse(["--base-options", "--variant v6.12", "--head-options", "--variant v6.13", "--",
                                              "--workload", "alloc-only"])
        #expect(versions.base == ThisBinary.path && versions.head == ThisBinary.path)
        #expect(PairCommand.words("").isEmpty)
    }

    /// The footprint-neutral slowdown reaches the head worker, and the report gives each row's
    /// true ratio.
    @Test func aKnownDelayIsAppliedToTheHeadAndItsTruthReported() throws {
        let output = NSTemporaryDirectory() + "fragbench-pair-delay-\(UUID().uuidString)"
        let result = try runner.run([
            "pair", "--allow-debug", "--budget", "2", "--min-pairs", "12", "--max-pairs", "24", "--min-sessions", "3",
            "--sample-ms", "0.2", "--output", output, "--head-delay-ns", "50", "--",
            "--workload", "alloc-only", "--fragsz", "64", "--max-size", "32K", "--arena", "16M",
        ])
        #expect(result.status == 0 || result.status == 2, "stderr: \(result.stderr)")
        let markdown = try String(contentsOfFile: output + "/compare.md", encoding: .utf8)
        #expect(markdown.contains("calibration experiment: the head spends 50.00 ns more per operation"), "\(markdown)")
        #expect(markdown.contains("true ratio 1 + 50.00 / the base's median ns/op over the pairs used: alloc-only"), "\(markdown)")
        let refused = try runner.run(["pair", "--head-delay-ns", "-1", "--", "--workload", "alloc-only"])
        #expect(refused.status == 64, "\(refused.stderr)")
    }

    /// A delay in per mille of each batch's own time has the same truth on every point: the
    /// head reads about that much slower, and the report says the ratio it should read.
    @Test func aProportionalDelayReadsAsItsOwnRatio() throws {
        let output = NSTemporaryDirectory() + "fragbench-pair-permille-\(UUID().uuidString)"
        let result = try runner.run([
            "pair", "--allow-debug", "--budget", "3", "--min-pairs", "12", "--max-pairs", "40", "--min-sessions", "3",
            "--sample-ms", "0.5", "--output", output, "--head-delay-permille", "500", "--",
            "--workload", "alloc-free", "--fragsz", "64", "--max-size", "32K", "--arena", "16M",
        ])
        // Exit 2 when the interval resolves the slowdown; a loaded machine may leave it open (0).
        #expect(result.status == 0 || result.status == 2, "stderr: \(result.stderr)")
        let markdown = try String(contentsOfFile: output + "/compare.md", encoding: .utf8)
        #expect(markdown.contains("the head spends 500‰ of each timed batch's own time more"), "\(markdown)")
        #expect(markdown.contains("true ratio 1.500 on every point"), "\(markdown)")
        // CRLF rows (RFC 4180): "\r\n" is one Character, so split on newlines, not on "\n".
        let csv = try String(contentsOfFile: output + "/compare.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = try #require(csv.first).split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "ratio"))
        let row = try #require(csv.dropFirst().first).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let ratio = try #require(Double(row[column]))
        #expect((1.2...1.9).contains(ratio), "read \(ratio) against a truth of 1.5")
        if result.status == 2 { #expect(row.contains("slower")) }
        for bad in [["--head-delay-permille", "-1"], ["--head-delay-permille", "1001"],
                    ["--head-delay-permille", "10", "--head-delay-ns", "1"]] {
            let refused = try runner.run(["pair"] + bad + ["--", "--workload", "alloc-only"])
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
        }
    }

    @Test func aBuildWithoutAWorkerIsReportedForTheFallback() throws {
        let binary = try #require(RunCommandTests.binary).path
        // /bin/true starts and exits without the greeting: what an old build does.
        let result = try runner.run(["pair", "--base", "/bin/true", "--head", binary, "--allow-debug", "--",
                                     "--workload", "alloc-only"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("has no 'worker' command"))
    }

    @Test func aWorkerThatDiesMidSessionIsAnErrorNotADeathBySIGPIPE() throws {
        let binary = try #require(RunCommandTests.binary).path
        // Greets, then exits at its first request without replying: the controller's next
        // write to it (the session's stop) goes to a closed pipe.
        let script = NSTemporaryDirectory() + "fragbench-dying-worker-\(UUID().uuidString).sh"
        defer { try? FileManager.default.removeItem(atPath: script) }
        try "#!/bin/sh\necho '\(WorkerProtocol.greeting)'\nread line\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(chmod(script, 0o755) == 0)
        let result = try runner.run(["pair", "--base", binary, "--head", script, "--allow-debug", "--budget", "2", "--",
                                     "--workload", "alloc-free", "--fragsz", "64", "--max-size", "32K", "--arena", "16M"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("the worker exited"), "\(result.stderr)")
    }

    /// Both workers of a session get one layout draw when the two sides are one binary; two
    /// binaries do not (a worker given one runs without address randomization: WorkerCommandTests). A stand-in worker writes what it was
    /// started with to a file when it is given a point (the probes before are not), and
    /// refuses it.
    @Test func aSessionsWorkersShareOneLayoutOnlyWhenTheyAreOneBinary() throws {
        let dir = NSTemporaryDirectory() + "fragbench-layout-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = """
        #!/bin/sh
        echo '\(WorkerProtocol.greeting)'
        read line
        case "$line" in point*)
            echo "seed=$\(HeapLayoutDraw.seedVariable) $0" >> \(dir)/started
            echo "error stand-in"
            read line ;;
        esac
        """
        for name in ["a", "b"] {
            try script.write(toFile: "\(dir)/\(name).sh", atomically: true, encoding: .utf8)
            #expect(chmod("\(dir)/\(name).sh", 0o755) == 0)
        }
        func started(base: String, head: String) throws -> [String] {
            try? FileManager.default.removeItem(atPath: dir + "/started")
            _ = try runner.run(["pair", "--base", "\(dir)/\(base).sh", "--head", "\(dir)/\(head).sh", "--allow-debug",
                                "--budget", "1", "--", "--workload", "alloc-free", "--fragsz", "64", "--max-size", "32K"])
            return try String(contentsOfFile: dir + "/started", encoding: .utf8).split(separator: "\n").map(String.init)
        }
        // Each line: the seed, then the file the worker ran from: the session's copy of the
        // binary (ExecutableCopies), one for both workers of one binary, gone after the session.
        let one = try started(base: "a", head: "a").map { $0.split(separator: " ").map(String.init) }
        #expect(one.count == 2 && one[0] == one[1] && UInt64(one[0][0].dropFirst(5)) != nil, "\(one)")
        #expect(one.allSatisfy { $0.count == 2 && $0[1] != "\(dir)/a.sh" && $0[1].hasSuffix("-a.sh") }, "\(one)")
        #expect(one.allSatisfy { !FileManager.default.fileExists(atPath: $0[1]) }, "\(one)")
        let two = try started(base: "a", head: "b").map { $0.split(separator: " ").map(String.init) }
        #expect(two.map { $0[0] } == ["seed=", "seed="], "\(two)")
        #expect(Set(two.map { $0[1] }).count == 2 && two.allSatisfy { !$0[1].hasPrefix(dir) }, "\(two)")
    }

    /// Two builds of which one does not start its functions on 64 bytes (a build from before
    /// codealign=64, stood in for by this build with the word taken out of its greeting) are
    /// paired with a warning; two aligned builds (this build behind a wrapper: another file)
    /// without one.
    @Test func twoBuildsWhoseCodePlacementDiffersAreWarnedAbout() throws {
        let binary = try #require(RunCommandTests.binary).path
        let dir = NSTemporaryDirectory() + "fragbench-codealign-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "#!/bin/sh\nexec '\(binary)' \"$@\"\n".write(toFile: dir + "/aligned.sh", atomically: true, encoding: .utf8)
        try "#!/bin/sh\n'\(binary)' \"$@\" | sed -u 's/ codealign=64//'\n"
            .write(toFile: dir + "/unaligned.sh", atomically: true, encoding: .utf8)
        for name in ["aligned", "unaligned"] { #expect(chmod("\(dir)/\(name).sh", 0o755) == 0) }
        func pair(head: String) throws -> RunCommandTests.Result {
            try runner.run(["pair", "--base", binary, "--head", "\(dir)/\(head).sh", "--allow-debug", "--budget", "1",
                            "--", "--workload", "alloc-only", "--fragsz", "64", "--max-size", "32K",
                            "--arena", "16M"])
        }
        let unaligned = try pair(head: "unaligned")
        #expect(unaligned.status == 0 || unaligned.status == 2, "stderr: \(unaligned.stderr)")
        #expect(unaligned.stdout.contains("code placement: the head build does not start every function on a 64-byte boundary"),
                "\(unaligned.stdout)")
        let aligned = try pair(head: "aligned")
        #expect(aligned.status == 0 || aligned.status == 2, "stderr: \(aligned.stderr)")
        #expect(!aligned.stdout.contains("code placement:"), "\(aligned.stdout)")
    }

    @Test func badOptionsAreRefused() throws {
        let binary = try #require(RunCommandTests.binary).path
        for (args, message) in [
            (["--budget", "0"], "--budget"), (["--threshold", "nan"], "--threshold"), (["--min-pairs", "2"], "--min-pairs"),
            (["--sample-ms", "inf"], "--sample-ms"),
        ] {
            let result = try runner.run(["pair", "--base", binary, "--head", binary] + args + ["--", "--workload", "alloc-only"])
            #expect(result.status == 64, "\(args): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(args): \(result.stderr)")
        }
        let missing = try runner.run(["pair", "--base", "/nonexistent", "--head", binary, "--", "--workload", "alloc-only"])
        #expect(missing.status == 64 && missing.stderr.contains("not an executable"))
        let badRun = try runner.run(["pair", "--base", binary, "--head", binary, "--", "--workload", "nope"])
        #expect(badRun.status == 64 && badRun.stderr.contains("--workload"))
    }
}
