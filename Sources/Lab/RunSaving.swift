import BenchReport
import Foundation
import Support

/// Saving a finished `run` into its results directory: published whole, or kept as a partial
/// run when it did not complete or cannot be published; when the directory takes nothing at
/// all (read-only, full), one line says why and where, and the table printed above is all
/// that is left.
package enum RunSaving {
    /// Fails with the reason when `root` could not take a run (it, or the directory it would be
    /// created in, is not a writable directory), so that a run finds out before it measures,
    /// not after. Creates nothing: a run refused later leaves no empty directory behind.
    package static func preflight(_ root: String) throws {
        let fm = FileManager.default
        var path = URL(fileURLWithPath: root).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        while !fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            let parent = (path as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != path else { break }
            path = parent
        }
        guard isDirectory.boolValue else {
            throw ValidationFailure("results directory \(root): \(path) is not a directory")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw ValidationFailure("results directory \(root): \(path) is not writable: \(errnoText(errno))")
        }
    }

    /// `partialReason` is nil for a complete run; `name` defaults to date and commit.
    package static func save(_ run: BenchRun, to store: ResultStore, partialReason: String?, name: String? = nil) throws {
        let name = name ?? ResultStore.runName(date: Date(), commit: run.provenance.gitCommit, dirty: run.provenance.gitDirty)
        let files = ReportFiles.render(run)
        // A run with no point has no history row, so it could not be found from the history:
        // it is kept, marked, like any run that did not produce what a run should.
        let partialReason = partialReason ?? (run.points.isEmpty ? "no point was measured (see the report for why)" : nil)
        if let partialReason {
            let kept: ResultStore.Publication
            do {
                kept = try store.keepPartialReporting(name: name, files: files, reason: partialReason)
            } catch {
                StandardStreams.err("error: results not saved: \(ResultStoreError.describe(error))\n")
                throw ExitStatus(1)
            }
            for note in kept.notes { StandardStreams.err("note: \(note)\n") }
            StandardStreams.err("partial results kept in \(kept.directory); earlier results untouched\n")
            return
        }
        let publication: ResultStore.Publication
        do {
            publication = try store.publishReporting(name: name, files: files, historyRows: run.points,
                                                     provenance: run.provenance)
        } catch {
            // Nothing was published. What was measured is still worth keeping, clearly marked.
            let why = ResultStoreError.describe(error)
            guard let kept = try? store.keepPartialReporting(name: name, files: files,
                                                             reason: "it could not be published: \(why)") else {
                StandardStreams.err("error: results not saved: \(why)\n")
                throw ExitStatus(1)
            }
            for note in kept.notes { StandardStreams.err("note: \(note)\n") }
            StandardStreams.err("error: \(why)\npartial results kept in \(kept.directory); earlier results untouched\n")
            throw ExitStatus(1)
        }
        for note in publication.notes { StandardStreams.err("note: \(note)\n") }
        // A child of run --process-per-visit or tune writes into its parent's scratch
        // directory, removed when the parent ends: that path is not a result to print.
        if ProcessInfo.processInfo.environment[ScratchChild.variable] == nil {
            StandardStreams.err("results: \(publication.directory)/report.md\n")
        }
    }
}

/// Marks a child process whose output directory is its parent's scratch space.
package enum ScratchChild {
    package static let variable = "FRAGBENCH_SCRATCH_CHILD"

    /// This process's environment plus the mark, for a child's `Process.environment`.
    package static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env[variable] = "1"
        return env
    }
}
