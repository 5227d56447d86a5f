import Foundation
import Testing
@testable import FragReplay

/// `Golden/<layout>/NAME.trace` replays under `--variant <layout>` to exactly `NAME.out`
/// (and, where `NAME.err` exists, stops with that error and status 2). The expected files were
/// worked out by hand from each layout's rules (SPEC 6; see OffsetUpLayout and
/// OffsetDownLayout), near page ends and with alignment, where the layouts part ways.
@Suite struct LayoutGoldenReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let layouts = ["offset-up", "offset-down"]

    static var cases: [String] {
        layouts.flatMap { layout -> [String] in
            let directory = root.appendingPathComponent(layout)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.filter { $0.hasSuffix(".trace") }.map { "\(layout)/\($0.dropLast(".trace".count))" }.sorted()
        }
    }

    @Test func everyLayoutHasGoldenTraces() {
        for layout in Self.layouts {
            #expect(Self.cases.contains { $0.hasPrefix(layout + "/") }, "no golden traces for \(layout)")
        }
    }

    @Test(arguments: cases)
    func replayMatchesGolden(name: String) throws {
        let layout = String(name.split(separator: "/")[0])
        let base = Self.root.appendingPathComponent(name)
        let expectedOut = try String(contentsOf: base.appendingPathExtension("out"), encoding: .utf8)
        let expectedErr = try? String(contentsOf: base.appendingPathExtension("err"), encoding: .utf8)
        var output = ""
        let outcome = TraceFile.replay(path: base.appendingPathExtension("trace").path, variant: layout) { output += $0 }
        #expect(output == expectedOut)
        if let expectedErr {
            #expect(outcome.status == 2)
            #expect(outcome.error.map { $0 + "\n" } == expectedErr)
        } else {
            #expect(outcome.status == 0)
            #expect(outcome.error == nil)
        }
    }

    /// The SPEC 5 contract is the remaining layout's: the spec example under offset-up (same
    /// placement, different arithmetic) gives the same output, byte for byte.
    @Test func offsetUpPlacesLikeRemainingOnTheSpecExample() {
        let trace = Self.root.appendingPathComponent("spec-example.trace").path
        var remaining = "", up = ""
        _ = TraceFile.replay(path: trace) { remaining += $0 }
        _ = TraceFile.replay(path: trace, variant: "offset-up") { up += $0 }
        #expect(!remaining.isEmpty)
        #expect(remaining == up)
    }

    @Test func unknownVariantIsAnError() {
        let trace = Self.root.appendingPathComponent("spec-example.trace").path
        let outcome = TraceFile.replay(path: trace, variant: "sideways") { _ in }
        #expect(outcome.status == 2)
    }
}
