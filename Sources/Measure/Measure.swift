// Measure's users see the lab's statistics, generator, formatter and system-error helpers
// (Support) with it: they were Measure's before they became everyone's.
@_exported import Support

/// Build facts a benchmark report must carry, because a number measured in a
/// debug build says nothing about the shipped code.
public enum Measure {
    /// True when this module was compiled without optimisation (`-Onone`,
    /// `DEBUG` defined). Callers should refuse to publish timings, or flag
    /// them loudly, when this is set.
    public static let isDebugBuild: Bool = {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }()

    /// The warning a report prints next to any timing taken in a debug build.
    public static let debugBuildWarning =
        "DEBUG BUILD: timings are not representative; rebuild with `-c release`"
}
