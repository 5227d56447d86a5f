import Lab
import Testing
import Workloads

@Suite struct TunePlanChoicesTests {
    /// --distribution (mixed) and --depth reach every point; the distribution and the
    /// fragmented arena are mixed's only; bad values are refused by tune's options (TuneOptionsTests).
    @Test func choicesReachThePointsTheyBelongTo() throws {
        let chosen = TunePlan.Choices(distribution: .uniform(64 ... 1500), depth: 64, fragmented: ArenaFragmentation(fraction: 1), twoCPUs: true)
        let mixed = try #require(try TunePlan.point(workload: "mixed", pageSize: 4096, maxSize: 32768, choices: chosen))
        #expect(mixed.distribution == .uniform(64 ... 1500) && mixed.depth == 64 && mixed.fragmented == ArenaFragmentation(fraction: 1))
        #expect(PointLabel.benchmarkName(mixed).hasSuffix("/fragment_fraction:1.0/fragment_order:0"))
        let pressure = try #require(try TunePlan.point(workload: "pressure", pageSize: 4096, maxSize: 32768, choices: chosen))
        #expect(pressure.depth == 64 && pressure.fragsz == 2048 && pressure.fragmented == nil && pressure.distribution == .imix)
    }

    /// cross-thread's two threads run on CPUs 0 and 1 where there are two, as the presets do,
    /// so its name carries them; on one CPU they are left to the scheduler and named `any`.
    @Test func crossThreadIsPinnedWhereThereAreTwoCPUs() throws {
        let p = try #require(try TunePlan.point(workload: "cross-thread", pageSize: 4096, maxSize: 32768, choices: .init(twoCPUs: true)))
        #expect(p.pushCPU == 0 && p.popCPU == 1)
        #expect(PointLabel.benchmarkName(p).contains("/pop_cpu:1/prepare:0/push_cpu:0"))
        let q = try #require(try TunePlan.point(workload: "cross-thread", pageSize: 4096, maxSize: 32768, choices: .init(twoCPUs: false)))
        #expect(q.pushCPU == nil && PointLabel.benchmarkName(q).contains("/pop_cpu:any/prepare:0/push_cpu:any"))
    }
}
