import Foundation
import Testing
@testable import FragReplay

/// Every `Golden/NAME.trace` replays to exactly `NAME.out` on stdout; where `NAME.err` exists
/// the replay must stop with that message and exit status 2. The expected files were worked
/// out by hand from SPEC 4 and 5, not captured from the code.
@Suite struct GoldenReplayTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var traces: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(".trace".count)) }.sorted()
    }

    @Test func thereAreGoldenTraces() {
        #expect(Self.traces.count >= 20)
        #expect(Self.traces.contains("spec-example"))
    }

    @Test(arguments: traces)
    func replayMatchesGolden(name: String) throws {
        let base = Self.directory.appendingPathComponent(name)
        let expectedOut = try String(contentsOf: base.appendingPathExtension("out"), encoding: .utf8)
        let errURL = base.appendingPathExtension("err")
        let expectedErr = try? String(contentsOf: errURL, encoding: .utf8)
        var output = ""
        let outcome = TraceFile.replay(path: base.appendingPathExtension("trace").path) { output += $0 }
        #expect(output == expectedOut)
        if let expectedErr {
            #expect(outcome.status == 2)
            #expect(outcome.error.map { $0 + "\n" } == expectedErr)
        } else {
            #expect(outcome.status == 0)
            #expect(outcome.error == nil)
        }
    }
}
