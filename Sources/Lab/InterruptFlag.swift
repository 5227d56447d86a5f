#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C during a run: the first SIGINT asks the run to stop after the current point and keep
/// what it has (marked partial); a second one kills the process as usual.
package enum InterruptFlag {
    package static let raised = Atomic<Bool>(false)

    package static func install() {
        // A parent may hand us SIGINT blocked (test runners and some process launchers do); a
        // blocked Ctrl-C would never reach the handler, so unblock it first.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if InterruptFlag.raised.exchange(true, ordering: .relaxed) {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
        }
    }

    package static var isRaised: Bool { raised.load(ordering: .relaxed) }
}
