import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

extension ResultStore {
    /// Puts right what a killed run left, before this run publishes: runs committed but not
    /// finished are finished (history, latest), dead staging directories and temporary files
    /// are removed. Runs under the exclusive lock, so every temporary file found is a dead
    /// process's; a staging directory is dead when no process holds its flock. Returns notes.
    func recover() -> [String] {
        var notes: [String] = []
        let rootEntries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for entry in rootEntries where entry.hasPrefix(".history.csv.tmp-") || entry.hasPrefix(".latest.tmp-") {
            unlink(root + "/" + entry)
        }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: runsDirectory)) ?? []).sorted()
        var removed = 0
        for entry in entries where entry.hasPrefix(Staging.prefix) {
            let path = runsDirectory + "/" + entry
            guard let abandoned = FileLock.takeAbandonedDirectory(path) else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
            abandoned.release()
        }
        if removed > 0 {
            notes.append("removed \(removed) staging director\(removed == 1 ? "y" : "ies") in \(runsDirectory) left by runs killed while saving")
        }
        for entry in entries where !entry.hasPrefix(".") {
            let pending = runsDirectory + "/" + entry + "/" + Self.pendingFile
            guard let data = FileManager.default.contents(atPath: pending) else { continue }
            notes += finishInterrupted(entry, rows: String(decoding: data, as: UTF8.self))
        }
        return notes
    }

    /// A run killed after its commit: its rows into the history unless already there, `latest`
    /// to it (it is the newest: every publication recovers before it commits), pending removed.
    private func finishInterrupted(_ runName: String, rows: String) -> [String] {
        let directory = runsDirectory + "/" + runName
        do {
            let history = try HistoryFile.read(historyPath)
            let prepared = try prepareHistory(history, rows: rows, runName: runName)
            var notes = prepared.note.map { [$0] } ?? []
            if let temporary = prepared.temporary { try AtomicFile.commit(temporary, to: historyPath) }
            if let note = pointLatest(at: runName) { notes.append(note) }
            if unlink(directory + "/" + Self.pendingFile) != 0 && errno != ENOENT {
                throw ResultStoreError.system(directory + "/" + Self.pendingFile)
            }
            return notes + ["finished publishing \(directory), interrupted earlier (the process died after its directory was in place): history and latest updated"]
        } catch {
            return ["\(directory) was interrupted while being published and could not be finished now (\(Self.reason(error))); its rows wait in \(Self.pendingFile)"]
        }
    }

    /// Points `latest` at `runs/<name>` (a new symlink renamed over the old: readers see the old
    /// or the new one). Returns why not, when `latest` is something else than a symlink (it is
    /// then left as it is) or the link cannot be made.
    func pointLatest(at runName: String) -> String? {
        var info = stat()
        if lstat(latestPath, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type != S_IFLNK {
                let what = type == S_IFDIR ? "a directory" : type == S_IFREG ? "a regular file" : "not a symlink"
                return "\(latestPath) is \(what), not the symlink FragBench keeps: left as it is, so it does not point to this run (runs/\(runName)); remove or rename it and the next run recreates it"
            }
        } else if errno != ENOENT {
            return "\(latestPath) could not be read (\(errnoText(errno))): not updated"
        }
        let temporary = root + "/.latest.tmp-\(getpid())-\(String(UInt32.random(in: 0 ... .max), radix: 16))"
        guard symlink("runs/" + runName, temporary) == 0 else {
            return "\(latestPath) not updated: cannot create \(temporary): \(errnoText(errno))"
        }
        do {
            try step(.latestTemp)
        } catch {
            unlink(temporary)
            return "\(latestPath) not updated: \(Self.reason(error))"
        }
        guard rename(temporary, latestPath) == 0 else {
            let code = errno
            unlink(temporary)
            return "\(latestPath) not updated (\(errnoText(code))): it still points to an earlier run"
        }
        return nil
    }
}
