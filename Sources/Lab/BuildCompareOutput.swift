import Foundation
import Support

/// Where a comparison's files go: written into a staging directory under `.build-compare/`,
/// then moved to `results/compare/<base>-vs-<head>/` in one rename once the comparison
/// finished. An interrupted or failed comparison leaves no half-written directory there, and
/// an earlier comparison of the same two sides is kept whole as `<dir>.previous` (another
/// COUNTERS mode leaves other files: they are not mixed in).
package struct BuildCompareOutput {
    package let destination: String
    package let staging: String

    package init(destination: String, staging: String) {
        self.destination = destination
        self.staging = staging
    }

    package func prepare() throws(ValidationFailure) {
        do {
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        } catch {
            throw ValidationFailure("cannot create \(staging): \(error)")
        }
    }

    /// Moves the staged files into place, the earlier comparison to `.previous`.
    package func publish() throws(ValidationFailure) {
        let previous = destination + ".previous"
        let fm = FileManager.default
        if fm.fileExists(atPath: destination) {
            try? fm.removeItem(atPath: previous)
            guard rename(destination, previous) == 0 else {
                throw ValidationFailure("cannot move \(destination) to \(previous): \(errnoText(errno)); this comparison is in \(staging)")
            }
            StandardStreams.err("compare: the earlier comparison of these two sides is kept in \(previous)\n")
        }
        do {
            try fm.moveItem(atPath: staging, toPath: destination)
        } catch {
            throw ValidationFailure("cannot move \(staging) to \(destination): \(error)")
        }
    }

    /// Drops the staged files (an interrupted or failed comparison).
    package func discard() { try? FileManager.default.removeItem(atPath: staging) }
}
