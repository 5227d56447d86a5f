import Foundation

extension Process {
    /// Waits until the process has ended and its status is set, and sees the end within about
    /// as long again as the child lived, 10 ms at most. Foundation's `waitUntilExit` on Linux
    /// runs the caller's run loop in 50 ms slices and was not woken early by the child's end
    /// here (swift-corelibs-foundation, Swift 6.3.1): every wait cost 50 ms at least, and `pair`
    /// ended two workers per session that way, 100 ms of a session of about 270 ms.
    ///
    /// `whileWaiting` is called about every 50 ms while the child runs (to forward an
    /// interrupt, to show progress).
    package func waitForExit(whileWaiting: (() -> Void)? = nil) {
        var pauseMicroseconds: UInt32 = 100
        var lastCall = Date()
        // Foundation sets the status before it clears `isRunning` (its child watcher reaps
        // the child, stores the status, then marks the process ended).
        while isRunning {
            usleep(pauseMicroseconds)
            pauseMicroseconds = min(pauseMicroseconds * 2, 10_000)
            if let whileWaiting, Date().timeIntervalSince(lastCall) >= 0.05 {
                lastCall = Date()
                whileWaiting()
            }
        }
        // Returns at once now; it releases the run-loop source `run()` added to this thread's
        // run loop, which holds the process (and its pipes) until then.
        waitUntilExit()
    }
}
