import BenchReport

/// What `compare` and `pair` do with a finished comparison: print the markdown, write
/// compare.md and compare.csv when asked, and turn a regression into exit status 2.
package enum ComparisonOutput {
    package static func publish(_ comparison: Comparison, output: String?, command: String) throws {
        let markdown = comparison.markdown()
        StandardStreams.out(markdown)
        if let output {
            try AtomicFile.write(markdown, to: output + "/compare.md")
            try AtomicFile.write(comparison.csv(), to: output + "/compare.csv")
            StandardStreams.err("\(command): \(output)/compare.md, \(output)/compare.csv\n")
        }
    }
}
