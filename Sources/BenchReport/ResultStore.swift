import Foundation

/// The results directory:
///
///     results/runs/<date>-<commit>[-dirty]/   one run's files (results.csv, report.md, run.json)
///     results/history.csv                    one row per point per completed run
///     results/latest -> runs/<newest>        the newest completed run
///
/// A run writes into a hidden staging directory and only becomes visible, with `latest` and the
/// history updated, when it completes. An interrupted or failed run leaves everything that was
/// there untouched; what it measured is kept in `runs/<name>-partial/` with a PARTIAL marker.
public struct ResultStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var runsDirectory: String { root + "/runs" }
    public var historyPath: String { root + "/history.csv" }
    public var latestPath: String { root + "/latest" }

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

    /// A published run's directory, and what the reader should know about the publication
    /// (a history set aside because its columns differ from this version's).
    public struct Publication: Sendable, Equatable {
        public var directory: String
        public var notes: [String]
    }

    public func publishReporting(name: String, files: [String: String], historyRows: [BenchPoint],
                                 provenance: Provenance) throws -> Publication {
        let staging = try stage(files: files, name: name)
        let final = uniqueDirectory(runsDirectory + "/" + name)
        let runName = (final as NSString).lastPathComponent
        // History first: if it cannot be written, the run stays invisible and nothing changed.
        var notes: [String] = []
        do {
            if let note = try appendHistory(historyRows, runName: runName, provenance: provenance) { notes.append(note) }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        try move(staging, to: final)
        try pointLatest(at: "runs/" + runName)
        return Publication(directory: final, notes: notes)
    }

    /// Keeps what an interrupted run measured, clearly marked, without touching `latest` or
    /// the history. Returns the directory.
    @discardableResult
    public func keepPartial(name: String, files: [String: String], reason: String) throws -> String {
        var files = files
        files["PARTIAL"] = "This run did not complete: \(reason)\nIts points are not in history.csv and latest does not point here.\n"
        let staging = try stage(files: files, name: name)
        let final = uniqueDirectory(runsDirectory + "/" + name + "-partial")
        try move(staging, to: final)
        return final
    }

    private func stage(files: [String: String], name: String) throws -> String {
        let staging = runsDirectory + "/.staging-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: staging)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw ResultStoreError.writeFailed(staging, "\(error)")
        }
        for (file, text) in files.sorted(by: { $0.key < $1.key }) {
            try AtomicFile.write(text, to: staging + "/" + file)
        }
        return staging
    }

    private func move(_ from: String, to: String) throws {
        if rename(from, to) != 0 {
            throw ResultStoreError.writeFailed(to, String(cString: strerror(errno)))
        }
    }

    private func uniqueDirectory(_ base: String) -> String {
        var candidate = base
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }

    /// Replaces the `latest` symlink atomically (a new link renamed over the old one).
    private func pointLatest(at target: String) throws {
        let temp = root + "/.latest.tmp-\(getpid())"
        try? FileManager.default.removeItem(atPath: temp)
        guard symlink(target, temp) == 0 else {
            throw ResultStoreError.writeFailed(temp, String(cString: strerror(errno)))
        }
        try move(temp, to: latestPath)
    }

    /// The run's columns, then the machine's (so merged histories from several machines can be
    /// told apart), then the point's.
    public static let historyColumns = ["run", "date", "commit", "dirty", "quick", "counter_backend", "host", "cpu_count",
                                        "memory_bytes", "smt", "aslr", "thp", "load_avg"] + CSVReport.columns

    /// Appends the run's points to the history: the whole file is rewritten through a
    /// temporary file, so an interruption leaves the old history intact.
    /// Returns a note when an existing history had other columns (an older FragBench, or not
    /// ours at all): it is renamed aside, byte for byte, and a new history starts, so neither
    /// the old rows nor this run are lost.
    private func appendHistory(_ points: [BenchPoint], runName: String, provenance: Provenance) throws -> String? {
        var text = CSV.row(Self.historyColumns)
        var note: String?
        if FileManager.default.fileExists(atPath: historyPath) {
            let data = FileManager.default.contents(atPath: historyPath)
            if let data, let existing = String(data: data, encoding: .utf8), existing.hasPrefix(text) {
                text = existing
            } else {
                let aside = uniqueFile(root + "/history-before-\(runName).csv")
                try move(historyPath, to: aside)
                note = "results/history.csv had other columns (an older format); kept as \((aside as NSString).lastPathComponent), new history started"
            }
        }
        let prefix = [runName, provenance.date, provenance.gitCommit ?? "", provenance.gitDirty.map { $0 ? "1" : "0" } ?? "",
                      provenance.quick ? "1" : "0", provenance.counterBackend, provenance.hostName ?? "",
                      NumberFormat.integer(provenance.cpuCount), NumberFormat.integer(provenance.memoryBytes),
                      provenance.smt ?? "", provenance.aslr ?? "", provenance.transparentHugePages ?? "",
                      provenance.loadAverage ?? ""]
        for point in points { text += CSV.row(prefix + CSVReport.fields(point)) }
        try AtomicFile.write(text, to: historyPath)
        return note
    }

    private func uniqueFile(_ path: String) -> String {
        let base = (path as NSString).deletingPathExtension
        let ext = (path as NSString).pathExtension
        var candidate = path
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(base)-\(n).\(ext)"
            n += 1
        }
        return candidate
    }
}
