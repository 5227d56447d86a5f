import Foundation

/// A run read back from its directory, for `fragbench report` and `fragbench compare`.
public enum StoredRun {
    /// The run directory `path` names: a run directory itself (holding run.json), or a results
    /// root, whose `latest` is taken.
    public static func directory(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ResultStoreError.unreadable(path, "no such directory")
        }
        if FileManager.default.fileExists(atPath: path + "/run.json") { return path }
        if FileManager.default.fileExists(atPath: path + "/latest/run.json") {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path + "/latest")) ?? "latest"
            return target.hasPrefix("/") ? target : path + "/" + target
        }
        throw ResultStoreError.malformed(path, "no run.json here (nor a latest run under it)")
    }

    /// Reads the run stored at `path` (see `directory`).
    public static func load(_ path: String) throws -> (run: BenchRun, directory: String) {
        let directory = try directory(path)
        let file = directory + "/run.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ResultStoreError.unreadable(file, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ResultStoreError.malformed(file, "not UTF-8 text") }
        return (try JSONReport.parse(text, path: file), directory)
    }

    /// Renders a stored run's files again from its run.json (after a reporter changed, or to
    /// add the files an older FragBench did not write). Each file is replaced atomically; charts
    /// the new rendering no longer has are removed; run.json itself is left as it was.
    /// Returns the names of the files written.
    @discardableResult
    public static func rerender(_ path: String) throws -> (directory: String, files: [String]) {
        let (run, directory) = try load(path)
        var files = ReportFiles.render(run)
        files["run.json"] = nil
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            try AtomicFile.write(text, to: directory + "/" + name)
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in existing where name.hasPrefix("chart-") && name.hasSuffix(".svg") && files[name] == nil {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        return (directory, files.keys.sorted())
    }
}
