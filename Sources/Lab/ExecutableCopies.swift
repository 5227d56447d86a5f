import Foundation

/// Fresh copies of executables, one per distinct file, for the processes of one pair session or
/// one visit. Where a binary's pages sit in the page cache is fixed for every process started
/// from that file until the cache drops them, and it can move the timings: on the AMD EPYC VM
/// (2026-12-07) one linked fragbench ran Swift alloc-free and pressure points 4-14% slower, in
/// every visit of a `make bench`, than copies of the same file and than itself after
/// `drop_caches` (alloc-free 64 B 4K: 2.48 against 2.18 ns/op; docs/noise.md). Two builds of a
/// `make compare` would carry one such draw each through every session. A copy per session or
/// visit gives each its own pages, so an unlucky draw is one session or visit, which the
/// estimators already treat as an outlier, instead of the whole run.
package struct ExecutableCopies {
    /// Original file (`identity(of:)`) to the copy's path.
    private var copies: [String: String] = [:]

    /// Copies each distinct file among `binaries` once, into the temporary directory, or beside
    /// the original where that one cannot run programs (mounted noexec). A file that cannot be
    /// copied to a place it can run from (no room, no permission) is run from where it is:
    /// `path(for:)` returns the original.
    package static func make(_ binaries: [String]) -> ExecutableCopies {
        var made = ExecutableCopies()
        var swept: Set<String> = []
        for binary in binaries {
            let original = identity(of: binary)
            guard made.copies[original] == nil else { continue }
            let name = (original as NSString).lastPathComponent
            for directory in [NSTemporaryDirectory(), (original as NSString).deletingLastPathComponent] {
                if swept.insert(directory).inserted { removeOrphans(in: directory) }
                let copy = (directory as NSString).appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString.prefix(8))-\(name)")
                // access(X_OK) also fails on a noexec mount, where starting the copy would.
                if (try? FileManager.default.copyItem(atPath: original, toPath: copy)) != nil,
                   chmod(copy, 0o755) == 0, access(copy, X_OK) == 0 {
                    made.copies[original] = copy
                    break
                }
                try? FileManager.default.removeItem(atPath: copy)
            }
        }
        return made
    }

    /// The copy of `binary`, or `binary` itself when it has none.
    package func path(for binary: String) -> String {
        copies[Self.identity(of: binary)] ?? binary
    }

    /// Deletes the copies (their processes have exited, or keep running from the deleted file).
    package func remove() {
        for copy in copies.values { try? FileManager.default.removeItem(atPath: copy) }
    }

    /// Copies are named `fragbench-exec-<pid of the process that made them>-...`.
    static let prefix = "fragbench-exec-"

    /// Deletes the copies left by processes that no longer exist (killed before their clean-up),
    /// so that kills do not fill the temporary directory 18 MB at a time.
    static func removeOrphans(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
            }
        }
    }

    /// The path with symbolic links followed: two paths with one identity name one file.
    package static func identity(of path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
