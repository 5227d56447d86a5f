/// One compare.md from the two halves of a comparison (COUNTERS=both): the time table, the
/// note on what time covered, then the exact gate's table; and one exit status from both.
package enum BuildCompareReport {
    /// One half's outcome: its compare.md (nil when it wrote none) and its exit status.
    package struct Part: Equatable, Sendable {
        package var markdown: String?
        package var status: Int32
        package init(markdown: String?, status: Int32) {
            self.markdown = markdown
            self.status = status
        }
    }

    package static func merged(time: Part, note: String, gate: Part) -> String {
        func text(_ part: Part, _ what: String) -> String {
            part.markdown ?? "## \(what)\n\nThe \(what) comparison wrote no table (exit status \(part.status); its messages are in the log above).\n"
        }
        return text(time, "time") + note + "\n" + text(gate, "exact instruction")
    }

    /// 2 when either half found a regression and neither failed; a failure (1, 130, …) wins,
    /// since a regression beside a failure is not the whole story.
    package static func status(time: Int32, gate: Int32) -> Int32 {
        if time == 2 || gate == 2 {
            if gate != 0 && gate != 2 { return gate }
            if time != 0 && time != 2 { return time }
            return 2
        }
        return time != 0 ? time : gate
    }
}
