import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The steps of saving a run, in order. Each is a point where a test can stop the process
/// dead (`FRAGBENCH_TEST_KILL_AT=<step>`: SIGKILL, as `kill -9` would) or freeze it
/// (`FRAGBENCH_TEST_STOP_AT=<step>`: SIGSTOP, until SIGCONT). TEST ONLY: nothing sets these
/// variables outside the tests; they exist so a test can prove that a kill at any step
/// leaves the whole run or none of it.
public enum PublicationStep: String, CaseIterable, Sendable {
    /// The first file is in the staging directory, the others not yet.
    case staging
    /// Every file staged; the results lock not yet taken.
    case staged
    /// Publication: lock held, earlier interruptions recovered, name not yet chosen.
    case locked
    /// The run's history rows are in its staging directory (`.pending-history.csv`).
    case pending
    /// The new history is written to a temporary file, not yet in place.
    case historyTemp = "history-temp"
    /// The commit point: the staging directory renamed to `runs/<name>`. From here on the run
    /// is published; a kill leaves the rest to the next run's recovery.
    case renamed
    /// The new history is in place.
    case history
    /// A new `latest` symlink exists under a temporary name.
    case latestTemp = "latest-temp"
    /// `latest` points to the run; `.pending-history.csv` not yet removed.
    case latest
    /// Done, the lock still held.
    case published
    /// keepPartial: lock held, the partial run not yet renamed into place.
    case partialLocked = "partial-locked"

    /// The steps of `publish`, in order.
    public static let publication: [PublicationStep] = [.staging, .staged, .locked, .pending, .historyTemp, .renamed,
                                                        .history, .latestTemp, .latest, .published]
    /// The steps of `keepPartial`, in order.
    public static let partial: [PublicationStep] = [.staging, .staged, .partialLocked]

    /// Whether a publication stopped at this step has its run committed: after the next run's
    /// recovery it is whole (directory, history rows, latest); before it, none of it is.
    public var committed: Bool {
        PublicationStep.publication.firstIndex(of: self).map { $0 >= PublicationStep.publication.firstIndex(of: .renamed)! } ?? false
    }
}

extension ResultStore {
    /// Reaches a step: the test-only kill and stop points, then the in-process fault, if any.
    func step(_ step: PublicationStep) throws {
        if let at = getenv("FRAGBENCH_TEST_KILL_AT"), String(cString: at) == step.rawValue { raise(SIGKILL) }
        if let at = getenv("FRAGBENCH_TEST_STOP_AT"), String(cString: at) == step.rawValue { raise(SIGSTOP) }
        try fault?(step)
    }
}
