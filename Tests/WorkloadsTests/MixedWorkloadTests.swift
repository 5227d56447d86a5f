import Testing
@testable import FragCache
@testable import Workloads

@Suite struct MixedWorkloadTests {
    @Test func imixProportions() throws {
        let workload = try MixedWorkload(parameters(.mixed) { $0.distribution = .imix })
        let counts = workload.sizeTableCounts
        #expect(Set(counts.keys) == [64, 576, 1500])
        let total = Double(counts.values.reduce(0, +))
        #expect(abs(Double(counts[64, default: 0]) / total - 7.0 / 12) < 0.01)
        #expect(abs(Double(counts[576, default: 0]) / total - 4.0 / 12) < 0.01)
        #expect(abs(Double(counts[1500, default: 0]) / total - 1.0 / 12) < 0.01)
        #expect(workload.tearDown() == nil)
    }

    @Test func ringRunsWithDrawnSizes() throws {
        let workload = try MixedWorkload(parameters(.mixed) { $0.distribution = .imix; $0.depth = 128 })
        #expect(workload.ring.liveCount == 128)
        workload.runBatch(10)
        workload.runBatch(70_000)  // wraps around the 64K table
        #expect(workload.ring.liveCount == 128)
        let figures = workload.figures()
        #expect(figures.allocations == 128 + 70_010)
        #expect(figures.refillFailures == 0)
        #expect(figures.bytesHandedOut == workload.table.bytes(ofFirst: 128 + 70_010))
        // The mean IMIX size is (7×64 + 4×576 + 1500) / 12 ≈ 354 bytes.
        let mean = Double(figures.bytesHandedOut) / Double(figures.allocations)
        #expect(abs(mean - 354.3) < 5)
        #expect(workload.tearDown() == nil)
        #expect(pagesInUse(workload.ring.allocator) == 0)
    }

    @Test func uniformAndHistogramSizesStayInTheirSupport() throws {
        let uniform = try MixedWorkload(parameters(.mixed) { $0.distribution = .uniform(100 ... 200) })
        let drawn = uniform.sizeTableCounts.keys
        #expect(drawn.min() == 100)
        #expect(drawn.max() == 200)
        #expect(uniform.tearDown() == nil)

        let histogram = SizeDistribution.histogram([.init(size: 40, weight: 1), .init(size: 4000, weight: 3)])
        let mixed = try MixedWorkload(parameters(.mixed) { $0.distribution = histogram; $0.align = 8 })
        let counts = mixed.sizeTableCounts
        #expect(Set(counts.keys) == [40, 4000])
        #expect(abs(Double(counts[4000, default: 0]) / 65536 - 0.75) < 0.01)
        mixed.runBatch(5_000)
        #expect(mixed.figures().refillFailures == 0)
        #expect(mixed.tearDown() == nil)
    }

    @Test func theSeedDecidesTheSizes() throws {
        let a = try MixedWorkload(parameters(.mixed) { $0.distribution = .uniform(1 ... 4096); $0.seed = 1 })
        let b = try MixedWorkload(parameters(.mixed) { $0.distribution = .uniform(1 ... 4096); $0.seed = 1 })
        let c = try MixedWorkload(parameters(.mixed) { $0.distribution = .uniform(1 ... 4096); $0.seed = 2 })
        let first = (0 ..< 100).map { a.table.sizes[$0] }
        #expect(first == (0 ..< 100).map { b.table.sizes[$0] })
        #expect(first != (0 ..< 100).map { c.table.sizes[$0] })
        for w in [a, b, c] { #expect(w.tearDown() == nil) }
    }
}

@Suite struct SizeDistributionParsingTests {
    @Test func histogramFile() throws {
        let text = """
            # size weight
            64 7

            576 4   # the middle
            1500\t1
            64 0.5
            """
        let distribution = try SizeDistribution.parseHistogram(text)
        #expect(distribution == .histogram([.init(size: 64, weight: 7.5), .init(size: 576, weight: 4),
                                            .init(size: 1500, weight: 1)]))
    }

    @Test(arguments: [
        ("64 7\n576\n", "histogram line 2: expected 'SIZE WEIGHT', got '576'"),
        ("64 7\n\n# c\n0 1\n", "histogram line 4: size '0' is not a whole number of bytes >= 1"),
        ("x 1", "histogram line 1: size 'x' is not a whole number of bytes >= 1"),
        ("64 -1", "histogram line 1: weight '-1' is not a positive number"),
        ("64 0", "histogram line 1: weight '0' is not a positive number"),
        ("64 nan", "histogram line 1: weight 'nan' is not a positive number"),
        ("64 1 2", "histogram line 1: expected 'SIZE WEIGHT', got '64 1 2'"),
        ("# nothing\n\n", "histogram has no 'SIZE WEIGHT' lines"),
    ])
    func malformedHistogram(text: String, message: String) {
        #expect(invalidMessage { _ = try SizeDistribution.parseHistogram(text) } == message)
    }

    @Test func commandLineSpecs() throws {
        #expect(try SizeDistribution.parse("imix") == .imix)
        #expect(try SizeDistribution.parse("uniform:64-1500") == .uniform(64 ... 1500))
        let path = try temporaryFile("100 1\n200 3\n")
        #expect(try SizeDistribution.parse("histogram:\(path)")
            == .histogram([.init(size: 100, weight: 1), .init(size: 200, weight: 3)]))
        let bad = try temporaryFile("100 1\n200\n")
        #expect(invalidMessage { _ = try SizeDistribution.parse("histogram:\(bad)") }
            == "histogram file \(bad): histogram line 2: expected 'SIZE WEIGHT', got '200'")
        #expect(invalidMessage { _ = try SizeDistribution.parse("histogram:/nonexistent/h") }
            == "histogram file /nonexistent/h: No such file or directory")
        #expect(invalidMessage { _ = try SizeDistribution.parse("uniform:1500-64") }?.contains("need 1 <= MIN <= MAX") == true)
        #expect(invalidMessage { _ = try SizeDistribution.parse("uniform:64") }?.contains("expected uniform:MIN-MAX") == true)
        #expect(invalidMessage { _ = try SizeDistribution.parse("gauss") }
            == "unknown size distribution 'gauss' (expected imix, uniform:MIN-MAX or histogram:PATH)")
    }
}
