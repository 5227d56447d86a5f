import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The results directory:
///
///     results/runs/<date>-<commit>[-dirty]/   one run's files (report.md, results.csv, run.json, …)
///     results/history.csv                    one row per point per published run
///     results/latest -> runs/<newest>        the newest published run
///     results/.lock                          flock(2) lock serialising publication
///
/// A run's files are written into a hidden staging directory (locked by its writer), then,
/// under the results lock, published in this order: its history rows go into the staging
/// directory (`.pending-history.csv`) and the new history into a temporary file; the staging
/// directory is renamed to `runs/<name>` (the commit point, and where the name is taken: a
/// rename never replaces a non-empty directory); the history is renamed into place; `latest`
/// moves; the pending rows are removed. A kill before the commit leaves nothing visible (the
/// next run removes the dead staging); a kill after it leaves a run directory with its pending
/// rows, which the next run finishes publishing. Either way the run ends up whole or absent.
///
/// An interrupted or failed run leaves published results untouched; what it measured is kept
/// in `runs/<name>-partial/` with a PARTIAL marker.
public struct ResultStore: Sendable {
    public let root: String
    /// Test hook, in process: called at each step; a thrown error stands for a failed I/O call.
    var fault: (@Sendable (PublicationStep) throws -> Void)?

    /// `root` as given (`--output`), without trailing slashes, so the paths in notes read clean.
    public init(root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    public var runsDirectory: String { root + "/runs" }
    public var historyPath: String { root + "/history.csv" }
    public var latestPath: String { root + "/latest" }

    static let pendingFile = ".pending-history.csv"

    /// A directory name for a run: `<UTC date and time>-<short commit>[-dirty]`.
    public static func runName(date: Date, commit: String?, dirty: Bool?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var name = formatter.string(from: date) + "-" + (commit.map { String($0.prefix(12)) } ?? "nocommit")
        if dirty == true { name += "-dirty" }
        return name
    }

    /// Publishes a finished run: its files into `runs/<name>`, `latest`, and the history.
    /// `files` maps file names to contents. Returns the run's directory.
    @discardableResult
    public func publish(name: String, files: [String: String], historyRows: [BenchPoint],
                        provenance: Provenance) throws -> String {
        try publishReporting(name: name, files: files, historyRows: historyRows, provenance: provenance).directory
    }

    /// Where a run went, and what the reader should know about it: a history set aside, an
    /// interrupted publication completed, `latest` left alone because it is not a symlink.
    public struct Publication: Sendable, Equatable {
        public var directory: String
        public var notes: [String]
    }

    /// Publishes a run. Throws only when nothing was published (the results are as before);
    /// once the run is committed, what could not be finished is a note, and the next run
    /// finishes it.
    public func publishReporting(name: String, files: [String: String], historyRows: [BenchPoint],
                                 provenance: Provenance) throws -> Publication {
        let staging = try Staging.create(in: self, label: name)
        var committed = false
        defer { if !committed { staging.discard() } else { staging.lock.release() } }
        try staging.write(files, store: self)
        try step(.staged)

        let lock = try lockExclusively()
        defer { lock.release() }
        var notes = recover()
        try step(.locked)

        let history = try HistoryFile.read(historyPath)
        var taken = history.runNames
        while true {
            let runName = try freeName(name, taken: taken)
            let rows = Self.historyRows(historyRows, runName: runName, provenance: provenance)
            try AtomicFile.write(rows, to: staging.path + "/" + Self.pendingFile)
            try step(.pending)
            let prepared = try prepareHistory(history, rows: rows, runName: runName)
            do {
                try step(.historyTemp)
            } catch {
                if let temporary = prepared.temporary { unlink(temporary) }
                throw error
            }
            let final = runsDirectory + "/" + runName
            guard rename(staging.path, final) == 0 else {
                let code = errno
                if let temporary = prepared.temporary { unlink(temporary) }
                // Taken since we looked (by something that does not take the lock): next name.
                if code == EEXIST || code == ENOTEMPTY { taken.insert(runName); continue }
                throw ResultStoreError.system(final, code)
            }
            committed = true
            // The commit point made durable: the run's name in runs/ (its files were flushed
            // before the rename).
            do { try DirectorySync.sync(runsDirectory) } catch { notes.append("\(final) is published but could not be flushed to disk (\(Self.reason(error))): a power loss now could lose it") }
            if let note = prepared.note { notes.append(note) }
            notes += finish(runName, history: prepared.temporary)
            return Publication(directory: final, notes: notes)
        }
    }

    /// After the commit: history in place, `latest` moved, pending rows removed. Each failure
    /// is a note; the pending rows stay until the history has them, for the next run to finish.
    func finish(_ runName: String, history temporary: String?) -> [String] {
        let directory = runsDirectory + "/" + runName
        do {
            try step(.renamed)
            if let temporary { try AtomicFile.commit(temporary, to: historyPath) }
        } catch {
            if let temporary { unlink(temporary) }
            return ["\(directory) is published but \(historyPath) could not take its rows (\(Self.reason(error))); "
                    + "they wait in \(directory)/\(Self.pendingFile) and the next run adds them"]
        }
        do {
            try step(.history)
        } catch {
            return ["\(directory) is published and in \(historyPath), but publication stopped there (\(Self.reason(error))); "
                    + "the next run points latest to it"]
        }
        var notes: [String] = []
        if let note = pointLatest(at: runName) { notes.append(note) }
        // The new history and latest, durable before "saved" is said.
        do { try DirectorySync.sync(root) } catch { notes.append("\(historyPath) could not be flushed to disk (\(Self.reason(error)))") }
        do {
            try step(.latest)
            if unlink(directory + "/" + Self.pendingFile) != 0 && errno != ENOENT {
                throw ResultStoreError.system(directory + "/" + Self.pendingFile)
            }
        } catch {
            notes.append("\(directory) is published; its \(Self.pendingFile) could not be removed (\(Self.reason(error))), the next run removes it")
        }
        // Nothing is left to do: a fault here has nothing to undo.
        try? step(.published)
        return notes
    }

    /// Keeps what an interrupted run measured, clearly marked, without touching `latest` or
    /// the history. Returns the directory.
    @discardableResult
    public func keepPartial(name: String, files: [String: String], reason: String) throws -> String {
        try keepPartialReporting(name: name, files: files, reason: reason).directory
    }

    public func keepPartialReporting(name: String, files: [String: String], reason: String) throws -> Publication {
        var files = files
        files["PARTIAL"] = "This run did not complete: \(reason)\nIts points are not in history.csv and latest does not point here.\n"
        let staging = try Staging.create(in: self, label: name + "-partial")
        var placed = false
        defer { if !placed { staging.discard() } else { staging.lock.release() } }
        try staging.write(files, store: self)
        try step(.staged)

        let lock = try lockExclusively()
        defer { lock.release() }
        let notes = recover()
        try step(.partialLocked)
        var taken = Set<String>()
        while true {
            let final = runsDirectory + "/" + (try freeName(name + "-partial", taken: taken))
            guard rename(staging.path, final) == 0 else {
                let code = errno
                if code == EEXIST || code == ENOTEMPTY { taken.insert((final as NSString).lastPathComponent); continue }
                throw ResultStoreError.system(final, code)
            }
            placed = true
            return Publication(directory: final, notes: notes)
        }
    }

    /// `base`, else `base-2`, `base-3`, …: the first name neither in `runs/` nor in the history
    /// (a name the history knows is never reused, even when its directory was deleted).
    /// Called under the lock, so no other FragBench picks a name meanwhile.
    private func freeName(_ base: String, taken: Set<String>) throws -> String {
        for n in 1 ... 10_000 {
            let candidate = n == 1 ? base : "\(base)-\(n)"
            var info = stat()
            if !taken.contains(candidate) && lstat(runsDirectory + "/" + candidate, &info) != 0 && errno == ENOENT {
                return candidate
            }
        }
        throw ResultStoreError.writeFailed(runsDirectory + "/" + base, "ten thousand names like it are taken")
    }

    /// One line for any error, errno text rather than a Foundation dump.
    static func reason(_ error: Error) -> String {
        if case .writeFailed(_, let why)? = error as? ResultStoreError { return why }
        if case .unreadable(_, let why)? = error as? ResultStoreError { return why }
        return ResultStoreError.describe(error)
    }
}
