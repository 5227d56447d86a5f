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

    /// The estimate keeps the fastest placement that held enough samples; a sample whose two
    /// readings disagree ran while the placement changed and is left out too.
    @Test func theFastestPlacementWithEnoughSamplesIsKept() throws {
        // Visit 1: five samples at 100 ns, one changing; visit 2: six at 440 ns.
        let samples = [[18.0, 18.2, 18.1, 18.3, 18.0, 30.0], [55, 56, 54, 55, 57, 56.0]]
        let classes: [[SampleClass]] = [Array(repeating: .undisturbed, count: 6), Array(repeating: .undisturbed, count: 6)]
        let before = [[100, 101, 99, 100, 102, 100.0], [440, 441, 439, 445, 442, 440.0]]
        let after = [[101, 99, 100, 102, 100, 440.0], [441, 439, 445, 442, 440, 443.0]]
        let split = try #require(CPUPlacement.split(visitSamples: samples, visitClasses: classes, visitBefore: before, visitAfter: after))
        #expect(split.visitSamples == [[18.0, 18.2, 18.1, 18.3, 18.0], []])
        #expect(split.leftOut == [false, false, false, false, false, true] + Array(repeating: true, count: 6))
        #expect(split.roundTripNs == 100)
        #expect(split.note.hasPrefix("7 of 12 samples left out"))
        #expect(split.note.contains("6 at 441 ns") && split.note.contains("1 while it changed"))

        // Four at 60 ns are too few: the 100 ns placement is kept.
        let fast = [[60, 61, 60, 62, 100, 101, 100, 99, 100.0]]
        let s = [[10, 10, 10, 10, 18, 18, 18, 18, 18.0]]
        let kept = try #require(CPUPlacement.split(visitSamples: s, visitClasses: [[]], visitBefore: fast, visitAfter: fast))
        #expect(kept.visitSamples == [[18, 18, 18, 18, 18]] && kept.roundTripNs == 100)
        #expect(kept.visitClasses == [[]], "classes that did not match their samples stay unmatched")
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
