import CFragShim

/// A process that runs without address-space randomization. `pair` gives both workers of a
/// session one heap-and-stack layout draw (`HeapLayoutDraw.seedVariable`) when they are one
/// binary, and such a worker starts itself again without randomization first, so the two
/// processes share a layout, a new one each session. In three A/As of 8 points at 2 s a point
/// on the AMD EPYC VM the sessions' ratios spread 0.4-9.6% (SD, median 2.1%) with each worker
/// randomized on its own, and 0.3-6.4% (median 1.5%) with one layout for both (docs/noise.md).
///
/// The worker turns it off for itself, by starting again, rather than the controller for what
/// it starts: the personality is the whole controller's, and the lab's tests start programs
/// from several threads at once (an exact instruction count read another layout's total).
public enum AddressRandomization {
    /// Starts this program again without randomization, unless it runs without already; returns
    /// only when it does, or when it cannot (it then runs on as it is).
    public static func turnOffByStartingAgain() {
        _ = fb_reexec_without_address_randomization(CommandLine.unsafeArgv)
    }
}
