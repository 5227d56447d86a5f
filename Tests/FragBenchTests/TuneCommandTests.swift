import Testing
@testable import FragBench

@Suite struct TuneCommandTests {
    /// Each child run warns about the load with its own figures: tune says it once.
    @Test func theSameWarningWithOtherFiguresIsSaidOnce() {
        let a = "Other work was running on this machine (the CPUs were 100% busy …; load average 8.95 …): expect noise."
        let b = "Other work was running on this machine (the CPUs were 97% busy …; load average 8.80 …): expect noise."
        #expect(TuneCommand.sameWarning(a, b))
        #expect(!TuneCommand.sameWarning("NOT APPLICABLE: mixed", "NOT APPLICABLE: pressure"))
    }
}
