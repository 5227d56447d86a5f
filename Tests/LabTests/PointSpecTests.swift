import Foundation
import Testing
import FragCache
import Workloads
@testable import Lab

/// A point crosses a process boundary as a `PointSpec`: it survives the trip unchanged, and a
/// damaged or hostile description is refused with a reason, never trapped on.
@Suite struct PointSpecTests {
    static func point() throws -> WorkloadParameters {
        var p = WorkloadParameters(kind: .mixed, config: try FragCacheConfig(pageSize: 4096, maxSize: 65536), fragsz: 256,
                                   align: 64, depth: 128, distribution: .uniform(64 ... 1500), arenaBytes: 16 << 20, seed: 42)
        p.variant = .offsetUp
        p.impl = .swift
        return p
    }

    @Test func aPointSurvivesTheTrip() throws {
        let p = try Self.point()
        let spec = try PointSpec.decode(PointSpec(p).encoded())
        #expect(spec.parameters == p)
        #expect(spec.name == PointLabel.benchmarkName(p))
        #expect(try spec.checkedParameters() == p)
    }

    @Test func aDamagedDescriptionIsRefusedWithAReason() throws {
        let good = String(decoding: PointSpec(try Self.point()).encoded(), as: UTF8.self)
        let cases: [(String, String)] = [
            ("", "not a point description"),
            ("{}", "not a point description"),
            (good.replacingOccurrences(of: "\"pageSize\":4096", with: "\"pageSize\":4097"), "not a point description"),
            (good.replacingOccurrences(of: "\"maxSize\":65536", with: "\"maxSize\":-1"), "not a point description"),
            (good.replacingOccurrences(of: "\"kind\":\"mixed\"", with: "\"kind\":\"nope\""), "not a point description"),
        ]
        for (text, expected) in cases {
            #expect(throws: ValidationFailure.self) { try PointSpec.decode(Data(text.utf8)) }
            do { _ = try PointSpec.decode(Data(text.utf8)) } catch { #expect("\(error)".contains(expected)) }
        }
    }

    @Test func parametersTheWorkloadsRefuseAreRefusedBeforeSetUp() throws {
        var spec = PointSpec(try Self.point())
        spec.parameters.align = 3
        #expect(throws: ValidationFailure.self) { try spec.checkedParameters() }
        spec = PointSpec(try Self.point())
        spec.parameters.depth = -5
        #expect(throws: ValidationFailure.self) { try spec.checkedParameters() }
        spec = PointSpec(try Self.point())
        spec.format = 99
        do { _ = try spec.checkedParameters(); Issue.record("format 99 accepted") } catch {
            #expect("\(error)".contains("format 99"))
        }
        spec = PointSpec(try Self.point())
        spec.parameters.arenaBytes = 1 << 50
        #expect(throws: ValidationFailure.self) { try spec.checkedParameters() }
    }

    /// An old controller sends run options only; a new one sends both, and an old worker
    /// reads the request as before (the unknown `spec` key is ignored).
    @Test func requestsCarryBothFormsAndOldReadersIgnoreTheSpec() throws {
        let p = try Self.point()
        let request = WorkerProtocol.PointRequest(p, args: ["--workload", "mixed"])
        let line = WorkerProtocol.encode(.point(request))
        #expect(try WorkerProtocol.decode(line) == .point(request))
        struct OldRequest: Codable { var label: String; var args: [String] }
        let old = try JSONDecoder().decode(OldRequest.self, from: Data(line.dropFirst("point ".count).utf8))
        #expect(old.label == PointLabel.text(p) && old.args == ["--workload", "mixed"])
        let legacy = try WorkerProtocol.decode("point {\"label\": \"x\", \"args\": []}")
        #expect(legacy == .point(WorkerProtocol.PointRequest(label: "x", args: [])))
    }

    /// A worker set up from a description serves the point; one with neither form refuses.
    @Test func aWorkerSetsUpFromTheDescription() throws {
        var p = try Self.point()
        p.kind = .allocOnly
        p.arenaBytes = 8 << 20
        let session = WorkerSession(cpu: nil)
        #expect(session.handle(.point(WorkerProtocol.PointRequest(p, args: []))) == "ready \(PointLabel.text(p))")
        #expect(session.handle(.end) == "ok")
        let refused = session.handle(.point(WorkerProtocol.PointRequest(label: "x", args: ["--workload", "alloc-only"])))
        #expect(refused.hasPrefix("error "), "\(refused)")
        session.finish()
    }
}
