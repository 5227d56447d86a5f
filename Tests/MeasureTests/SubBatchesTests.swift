import Testing
@testable import Measure

/// A sample above a workload's batch limit runs as several timed batches.
struct SubBatchesTests {
    @Test func samplesWithinTheLimitAreOneBatch() {
        #expect(SubBatches.sizes(operations: 1000, limit: nil) == [1000])
        #expect(SubBatches.sizes(operations: 1000, limit: 1000) == [1000])
        #expect(SubBatches.sizes(operations: 0, limit: 10) == [])
    }

    @Test func largerSamplesSplitIntoNearlyEqualBatches() {
        #expect(SubBatches.sizes(operations: 10, limit: 4) == [4, 3, 3])
        #expect(SubBatches.sizes(operations: 100_001, limit: 32_768) == [25_001, 25_000, 25_000, 25_000])
        for (ops, limit) in [(7, 1), (1_000_003, 32_768), (65_536, 32_768), (65_537, 32_768)] {
            let sizes = SubBatches.sizes(operations: ops, limit: limit)
            #expect(sizes.reduce(0, +) == ops)
            #expect(sizes.allSatisfy { $0 <= limit && $0 >= 1 })
            #expect(sizes.count == (ops + limit - 1) / limit)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        }
    }

    @Test func countersOfTheBatchesAddUp() {
        let a = [CounterValue(name: "instructions", source: .pmu, value: 100, scalingRatio: 1),
                 CounterValue(name: "cycles", source: .pmu, value: 40, status: "scaled", scalingRatio: 0.5)]
        let b = [CounterValue(name: "instructions", source: .pmu, value: 50, scalingRatio: 0.8),
                 CounterValue(name: "cycles", source: .pmu, value: 10, scalingRatio: 1)]
        let sum = CounterValue.summed([a, b])
        #expect(sum.map(\.value) == [150, 50])
        #expect(sum.map(\.scalingRatio) == [0.8, 0.5])
        #expect(sum[1].status == "scaled")
        #expect(CounterValue.summed([a]) == a)
        #expect(CounterValue.summed([]).isEmpty)
    }

    @Test func aCounterMissingInOneBatchIsUnavailableNotPartial() {
        let a = [CounterValue(name: "instructions", source: .pmu, value: 100)]
        let b = [CounterValue.unavailable("instructions", source: .pmu, reason: "read failed: EIO")]
        let sum = CounterValue.summed([a, b, a])
        #expect(sum.count == 1 && sum[0].value == nil)
        #expect(sum[0].status == "read failed: EIO")
        let other = CounterValue.summed([a, [CounterValue(name: "cycles", source: .pmu, value: 1)]])
        #expect(other[0].value == nil && other[0].status == "missing from one of the sample's batches")
    }
}
