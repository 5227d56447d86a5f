import Foundation
import Testing

/// How a run's save fails, seen from the command line: a results directory that takes nothing
/// (read-only, full) gives one line with the reason and the path, and leaves earlier results
/// as they were; a `latest` that is not a symlink costs a note, not the run.
@Suite struct RunSavingTests {
    func temporaryRoot() -> String {
        NSTemporaryDirectory() + "fragbench-saving-\(UUID().uuidString)"
    }

    func save(_ root: String, name: String, points: Int = 3) throws -> Fragbench.Result {
        try Fragbench.run(["store-selftest", "--output", root, "--name", name, "--points", String(points)])
    }

    /// Snapshot of everything under a directory: path -> contents (symlinks by their target).
    func snapshot(_ root: String) -> [String: String] {
        var files: [String: String] = [:]
        let manager = FileManager.default
        for path in (manager.subpaths(atPath: root) ?? []) {
            let full = root + "/" + path
            if let target = try? manager.destinationOfSymbolicLink(atPath: full) {
                files[path] = "-> " + target
            } else if let data = manager.contents(atPath: full) {
                files[path] = String(decoding: data, as: UTF8.self)
            }
        }
        return files
    }

    @Test(arguments: ["directory", "file"])
    func aLatestThatIsNotASymlinkCostsANoteNotTheRun(kind: String) throws {
        let root = temporaryRoot()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        if kind == "directory" {
            try FileManager.default.createDirectory(atPath: root + "/latest", withIntermediateDirectories: true)
        } else {
            _ = FileManager.default.createFile(atPath: root + "/latest", contents: Data("mine".utf8))
        }
        let result = try save(root, name: "r")
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("note: \(root)/latest is a \(kind == "directory" ? "directory" : "regular file"), not the symlink FragBench keeps") == true)
        #expect(lines.last == "results: \(root)/runs/r/report.md")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/runs") == ["r"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == [".lock", "history.csv", "latest", "runs"])
    }

    /// A run in which no point applies has no history row: it is kept as a partial run, so
    /// every run directory is in the history or marked.
    @Test func aRunWithNoPointIsKeptAsPartial() throws {
        let root = temporaryRoot()
        let result = try Fragbench.run(["run", "--allow-debug", "--quick", "--impl", "malloc", "--workload", "pressure",
                                        "--output", root + "/"])
        #expect(result.status == 0, "\(result.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/runs")
        #expect(runs.count == 1 && runs[0].hasSuffix("-partial"), "\(runs)")
        #expect(result.stderr.contains("partial results kept in \(root)/runs/\(runs[0]);"), "trailing slash dropped from the path")
        let marker = try String(contentsOfFile: root + "/runs/" + runs[0] + "/PARTIAL", encoding: .utf8)
        #expect(marker.contains("no point was measured"))
        #expect(!FileManager.default.fileExists(atPath: root + "/history.csv"))
        #expect(!FileManager.default.fileExists(atPath: root + "/latest"))
    }

    /// Root may mount file systems here (the test VM); elsewhere these tests are skipped and
    /// ErrnoTextTests covers the error text with made-up errors.
    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "fragbench-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]) else { return false }
        return mount(["-u", probe], command: "/bin/umount")
    }()

    @discardableResult
    static func mount(_ arguments: [String], command: String = "/bin/mount") -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments.first == "-u" ? Array(arguments.dropFirst()) : arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test(.enabled(if: RunSavingTests.canMount, "needs root and mount (a read-only bind mount)"))
    func aReadOnlyResultsDirectoryIsOneClearLine() throws {
        let root = temporaryRoot()
        #expect(try save(root, name: "earlier").status == 0)
        let before = snapshot(root)
        #expect(Self.mount(["--bind", "-o", "ro", root, root]))
        defer { Self.mount(["-u", root], command: "/bin/umount") }
        let result = try save(root, name: "r")
        #expect(result.status == 1)
        #expect(result.stderr == "error: results not saved: cannot write \(root)/.lock: Read-only file system (EROFS)\n",
                "\(result.stderr)")
        #expect(snapshot(root) == before, "earlier results untouched")
    }

    @Test(.enabled(if: RunSavingTests.canMount, "needs root and mount (a 64 KiB tmpfs)"))
    func aFullDiskIsOneClearLineAndLeavesNothingBehind() throws {
        let mountPoint = temporaryRoot()
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(Self.mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint]))
        defer { Self.mount(["-u", mountPoint], command: "/bin/umount") }
        let root = mountPoint + "/results"
        #expect(try save(root, name: "earlier").status == 0)
        let before = snapshot(root)
        // A thousand points: their report files alone are several times 64 KiB.
        let result = try save(root, name: "big", points: 1000)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("error: results not saved: cannot write \(root)/runs/.staging-") == true, "\(result.stderr)")
        #expect(lines.first?.hasSuffix(": No space left on device (ENOSPC)") == true, "\(result.stderr)")
        #expect(snapshot(root) == before, "earlier results untouched, no staging or temporary file left")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/runs") == ["earlier"])
    }
}
