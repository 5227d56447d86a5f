import ArgumentParser
import Foundation
import Lab

/// `fragbench callgrind-child`: runs one point, described by a `PointSpec` file, under the
/// valgrind its parent started (`CallgrindPoint.measure`). Not for direct use.
struct CallgrindChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: CallgrindPoint.childCommand,
        abstract: "Run one described point for callgrind (started by fragbench itself; not for direct use).",
        shouldDisplay: false
    )

    @Option(parsing: .unconditional, help: "The point's description (JSON, written by the parent).")
    var point: String
    @Option(parsing: .unconditional, help: "Where to write the operation count.")
    var result: String
    @Flag(help: "Short samples, as the parent's --quick.")
    var quick = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: point) else {
            throw ValidationFailure("cannot read the point description \(point)")
        }
        let parameters = try PointSpec.decode(data).checkedParameters()
        if parameters.impl == .jemalloc { StaticTLS.ensureForJemalloc() }
        try CallgrindPoint.runChild(parameters, quick: quick, resultPath: result)
    }
}
