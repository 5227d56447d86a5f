import Testing
@testable import Measure

@Suite struct CPUPlacementTests {
    /// The placements seen on the AMD VM: about 60, about 100 (spread 76-132) and about 440 ns.
    @Test func readingsGroupIntoPlacementsAndAStrayJoinsItsNeighbour() {
        let readings = [61, 60, 98, 104, 440, 95, 62, 452, 101, 88, 431, .nan, 120]
        let levels = CPUPlacement.levels(readings)
        #expect(levels == [0, 0, 1, 1, 2, 1, 0, 2, 1, 1, 2, nil, 1])
        // One reading of 200 is no placement of its own: it joins the group across the narrower gap (the 100s).
        #expect(CPUPlacement.levels([100, 101, 99, 200, 440, 450, 445]) == [0, 0, 0, 0, 1, 1, 1])
        #expect(CPUPlacement.levels([]).isEmpty)
        #expect(CPUPlacement.levels([.nan, -1]) == [nil, nil])
    }

    /// The estimate keeps the fastest placement that stands for the run; a sample whose two
    /// readings disagree ran while the placement changed and is left out too.
    @Test func theFastestPlacementThatStandsForTheRunIsKept() throws {
        // Three visits, each two samples at 100 ns, then at 440 ns; visit 1's third saw the change.
        let samples = [[18.0, 18.2, 30.0, 55, 56], [18.1, 18.3, 54, 55, 57], [18.0, 18.2, 56, 55, 54]]
        let classes: [[SampleClass]] = Array(repeating: Array(repeating: .undisturbed, count: 5), count: 3)
        let before = [[100, 101, 100, 440, 441], [99, 100, 440, 442, 440], [102, 100, 439, 441, 440.0]]
        let after = [[101, 100, 440, 441, 439], [100, 99, 442, 440, 443], [100, 101, 441, 440, 442.0]]
        let split = try #require(CPUPlacement.split(visitSamples: samples, visitClasses: classes, visitBefore: before, visitAfter: after))
        #expect(split.visitSamples == [[18.0, 18.2], [18.1, 18.3], [18.0, 18.2]])
        #expect(split.leftOut == [false, false, true, true, true] + [false, false, true, true, true] + [false, false, true, true, true])
        #expect(split.roundTripNs == 100)
        #expect(split.note.hasPrefix("9 of 15 samples left out"), "\(split.note)")
        #expect(split.note.contains("8 at 44") && split.note.contains("1 while it changed"), "\(split.note)")
    }

    /// A fast placement that came for a moment does not take the estimate: under a quarter of
    /// the placed samples, or seen in fewer than three visits, it would come and go between
    /// runs. The placement most samples ran in is kept instead.
    @Test func aRareFastPlacementDoesNotTakeTheEstimate() throws {
        func run(fastVisits: Int, fastPerVisit: Int, visits: Int = 10) throws -> CPUPlacement.Split {
            let readings = (0..<visits).map { v in (0..<6).map { i in v < fastVisits && i < fastPerVisit ? 60.0 : 100.0 } }
            let samples = readings.map { $0.map { $0 == 60 ? 10.0 : 18.0 } }
            return try #require(CPUPlacement.split(visitSamples: samples, visitClasses: samples.map { _ in [] },
                                                   visitBefore: readings, visitAfter: readings))
        }
        // 8 of 60 samples (13%) at 60 ns, in four visits: the 100 ns placement is kept.
        let rare = try run(fastVisits: 4, fastPerVisit: 2)
        #expect(rare.roundTripNs == 100 && rare.visitSamples.flatMap { $0 }.allSatisfy { $0 == 18 })
        // 16 of 60 (27%), in eight visits: the fast one stands for the run.
        let common = try run(fastVisits: 8, fastPerVisit: 2)
        #expect(common.roundTripNs == 60 && common.visitSamples.flatMap { $0 }.count == 16)
        // 5 of 17 (29%), but all in one visit of three: not enough visits.
        let oneVisit = try run(fastVisits: 1, fastPerVisit: 5, visits: 3)
        #expect(oneVisit.roundTripNs == 100)
        #expect(CPUPlacement.minimumShare == 0.25 && CPUPlacement.minimumVisits == 3)
    }

    /// One visit (the single-process sampler): the visits rule asks for that one.
    @Test func oneVisitNeedsOnlyItself() throws {
        // Four at 60 ns are too few: the 100 ns placement is kept.
        let fast = [[60, 61, 60, 62, 100, 101, 100, 99, 100.0]]
        let s = [[10, 10, 10, 10, 18, 18, 18, 18, 18.0]]
        let kept = try #require(CPUPlacement.split(visitSamples: s, visitClasses: [[]], visitBefore: fast, visitAfter: fast))
        #expect(kept.visitSamples == [[18, 18, 18, 18, 18]] && kept.roundTripNs == 100)
        #expect(kept.visitClasses == [[]], "classes that did not match their samples stay unmatched")
        // Five at 60 ns in the one visit there is: the fast placement is kept.
        let five = [[60, 61, 60, 62, 60, 100, 101, 100, 99.0]]
        let fastKept = try #require(CPUPlacement.split(visitSamples: [[10, 10, 10, 10, 10, 18, 18, 18, 18.0]], visitClasses: [[]],
                                                       visitBefore: five, visitAfter: five))
        #expect(fastKept.roundTripNs == 60 && fastKept.visitSamples == [[10, 10, 10, 10, 10]])
    }

    @Test func onePlacementOrTooFewInAnyKeepsEverySample() throws {
        let same = try #require(CPUPlacement.split(visitSamples: [[1, 2, 3, 4, 5]], visitClasses: [[]], visitBefore: [[98, 99, 100, 99, 99]],
                                                   visitAfter: [[99, 100, 99, 99, 98]]))
        #expect(!same.leftOut.contains(true) && same.note.contains("kept one placement") && same.roundTripNs == 99)
        // Every sample saw a change: nothing to estimate one placement from.
        let flapping = try #require(CPUPlacement.split(visitSamples: [[1, 2, 3, 4]], visitClasses: [[]],
                                                       visitBefore: [[100, 440, 100, 440]], visitAfter: [[440, 100, 440, 100]]))
        #expect(!flapping.leftOut.contains(true) && flapping.roundTripNs == nil && flapping.note.contains("changed too often"))
        // Readings that do not match the samples, or none: not a two-thread point.
        #expect(CPUPlacement.split(visitSamples: [[1, 2]], visitClasses: [[]], visitBefore: [[100]], visitAfter: [[100]]) == nil)
        #expect(CPUPlacement.split(visitSamples: [[1]], visitClasses: [[]], visitBefore: [[.nan]], visitAfter: [[.nan]]) == nil)
    }

    /// A real reading: a round trip to a CPU this process may use is positive; to a CPU that
    /// does not exist there is none (nil, not zero).
    @Test func aRealReadingIsPositiveAndAnImpossibleCPUGivesNone() throws {
        let cpu = try #require(CPUAffinity.current())
        let ns = try #require(CPUPlacement.read(toCPU: cpu))
        #expect(ns > 0 && ns.isFinite)
        #expect(CPUPlacement.read(toCPU: 100_000) == nil)
        #expect(CPUPlacement.read(toCPU: -1) == nil)
    }

    /// The sampler brackets each sample with readings when asked, and only then.
    @Test func theSamplerReadsThePlacementAroundEachSample() throws {
        var config = SamplerConfig.quick
        config.samples = 4
        let cpu = try #require(CPUAffinity.current())
        let placed = Sampler(config).measureBatches(label: "x", crossCPU: cpu, setup: { _ in () }, run: { _, ops in
            var x = 0
            for i in 0..<ops { x &+= i }
            blackHole(x)
        }, teardown: { _ in })
        #expect(placed.crossCPUBeforeNs.count == placed.samples.count && placed.crossCPUAfterNs.count == placed.samples.count)
        #expect(Array(placed.crossCPUBeforeNs.dropFirst()) == Array(placed.crossCPUAfterNs.dropLast()), "one reading between two samples")
        #expect(placed.crossCPURoundTripNs != nil || placed.estimate?.description.contains("changed too often") == true)
        let plain = Sampler(config).measure(label: "y") { _ in }
        #expect(plain.crossCPUBeforeNs.isEmpty && plain.crossCPURoundTripNs == nil)
    }
}
