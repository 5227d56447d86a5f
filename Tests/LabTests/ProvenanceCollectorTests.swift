import Foundation
import Testing
@testable import Lab

/// Runs record the Swift packages they were built with (Package.resolved is not committed).
@Suite struct ProvenanceCollectorTests {
    @Test func resolvedPackagesAreNamedWithTheirVersions() {
        let json = """
        {"pins": [
          {"identity": "swift-property-based", "kind": "remoteSourceControl", "location": "x",
           "state": {"revision": "aaaa", "version": "2.0.1"}},
          {"identity": "swift-argument-parser", "kind": "remoteSourceControl", "location": "y",
           "state": {"revision": "0123456789abcdef0123", "version": "1.8.2"}},
          {"identity": "on-a-branch", "kind": "remoteSourceControl", "location": "z",
           "state": {"revision": "0123456789abcdef0123"}}
        ], "version": 3}
        """
        #expect(ProvenanceCollector.resolvedPackages(json: Data(json.utf8))
            == "on-a-branch 0123456789ab, swift-argument-parser 1.8.2, swift-property-based 2.0.1")
        #expect(ProvenanceCollector.resolvedPackages(json: nil) == nil)
        #expect(ProvenanceCollector.resolvedPackages(json: Data("not json".utf8)) == nil)
    }

    /// This checkout has resolved its packages (the build did), so a run here names them.
    @Test func thisCheckoutsPackagesAreRead() {
        #expect(ProvenanceCollector.resolvedPackages()?.contains("swift-argument-parser") == true)
    }

    /// This build aligns its functions (Package.swift's codeAlignment), and its provenance says so.
    @Test func buildFlagsNameTheFunctionAlignment() {
        #expect(ProvenanceCollector.buildFlags.hasSuffix("; every function on a 64-byte boundary"))
    }
}
