import FragCache
import Testing
import Workloads
@testable import Lab

@Suite struct SweepPlanTests {
    let template = WorkloadParameters(kind: .allocOnly, config: try! FragCacheConfig())

    func axes(_ workloads: [WorkloadKind] = [.allocOnly], pages: [Int] = [4096], maxes: [Int] = [32768],
              fragszs: [Int] = [64], aligns: [Int] = [1]) -> SweepPlan.Axes {
        .init(workloads: workloads, pageSizes: pages, maxSizes: maxes, fragszs: fragszs, aligns: aligns, template: template)
    }

    @Test func isTheCartesianProduct() throws {
        let plan = try SweepPlan.build(axes([.allocOnly, .allocFree], pages: [4096, 16384], maxes: [16384, 65536],
                                            fragszs: [64, 256, 2048], aligns: [1, 64]))
        #expect(plan.points.count == 2 * 2 * 2 * 3 * 2)
    }

    @Test func workloadsThatDrawTheirSizesGetOnePoint() throws {
        let plan = try SweepPlan.build(axes([.mixed], fragszs: [64, 256, 2048]))
        #expect(plan.points.count == 1)
    }

    @Test func maxSizesBelowThePageCollapse() throws {
        // 4K and 16K both mean "one page" on 64K pages.
        let plan = try SweepPlan.build(axes(pages: [65536], maxes: [4096, 16384, 65536]))
        #expect(plan.points.count == 1)
        #expect(plan.points[0].config.maxSize == 65536)
    }

    @Test(arguments: [
        (SweepPlanTests.Bad.page, "--page-size 8192 is not one of 4K, 16K, 64K"),
        (.align, "--align 48 is not a power of two"),
        (.alignAbovePage, "--align 8192 exceeds the page size 4096"),
        (.fragsz, "--fragsz 0 must be at least 1"),
        (.maxSize, "--max-size 12288 with --page-size 4096: max size 12288 is neither below the page size 4096 nor 4096 << k for k in 0...10"),
        (.zeroMaxSize, "--max-size 0 must be at least 1 (a value below the page size means one page)"),
    ])
    func rejectsBadAxesBeforeRunning(bad: Bad, message: String) {
        let a: SweepPlan.Axes
        switch bad {
        case .page: a = axes(pages: [8192])
        case .align: a = axes(aligns: [48])
        case .alignAbovePage: a = axes(aligns: [8192])
        case .fragsz: a = axes(fragszs: [0])
        case .maxSize: a = axes(maxes: [12288])
        case .zeroMaxSize: a = axes(maxes: [0])
        }
        #expect(throws: SweepError(message)) { try SweepPlan.build(a) }
    }

    enum Bad: Sendable { case page, align, alignAbovePage, fragsz, maxSize, zeroMaxSize }

    @Test func theREADMEExampleSaysWhichCombinationsMerged() throws {
        // 2 workloads x 3 fragsz x 2 aligns x 3 max sizes x 2 page sizes = 72; on 64K pages the
        // three max sizes are one page: 48 points.
        let plan = try SweepPlan.build(axes([.allocOnly, .allocFree], pages: [4096, 65536], maxes: [4096, 32768, 65536],
                                            fragszs: [64, 256, 2048], aligns: [1, 64]))
        #expect(plan.combinations == 72)
        #expect(plan.points.count == 48)
        #expect(plan.summary == "48 point(s) from 72 combinations: max size 4K, 32K on 64K pages means one page, the same point as max size 64K")
    }

    @Test func nothingMergedSaysNothing() throws {
        let plan = try SweepPlan.build(axes(fragszs: [64, 128]))
        #expect(plan.merges.isEmpty)
        #expect(plan.summary == "2 point(s)")
        let mixed = try SweepPlan.build(axes([.mixed], fragszs: [64, 128]))
        #expect(mixed.summary.contains("mixed draw their own sizes"))
    }

    @Test(arguments: ["default", "quick"])
    func presetsAreValidAndCoverMaxSizesFrom4KTo128K(name: String) throws {
        let plan = try SweepPresets.plan(name, template: template)
        #expect(!plan.points.isEmpty)
        for point in plan.points { try point.validate() }
        let maxes = Set(plan.points.map(\.config.maxSize))
        #expect(maxes.contains(4096) && maxes.contains(131072))
        #expect(Set(plan.points.map(\.kind)).isSuperset(of: [.allocOnly, .allocFree, .crossThread, .prepareCommit, .mixed, .pressure]))
    }

    /// make compare's exact gate: every layout and kernel version, aligned and not, both page
    /// sizes, every API, and only points that can run (no cross-thread: callgrind counts its
    /// spinning).
    @Test func theGatePresetCoversEveryCodePath() throws {
        let plan = try SweepPresets.plan("gate", template: template)
        for point in plan.points {
            try point.validate()
            #expect(point.notApplicableReason == nil, "\(point)")
        }
        #expect(Set(plan.points.map(\.variant)) == Set(LayoutVariant.allCases))
        #expect(Set(plan.points.map(\.api)) == Set(FragAPI.allCases))
        #expect(Set(plan.points.map(\.align)) == [1, 64])
        #expect(Set(plan.points.map(\.config.pageSize)) == [4096, 65536])
        #expect(!plan.points.contains { $0.kind == .crossThread })
        // The mainline layout's aligned path, on both page sizes.
        #expect(plan.points.filter { $0.variant == .offsetUp && $0.align == 64 }.count == 4)
    }

    @Test func apisAreTheInnermostAxisOnTheSwiftCacheOnly() throws {
        var a = axes([.allocFree, .pressure])
        a.impls = [.swift, .mimalloc]
        a.apis = [.kernel, .localFree, .bulk]
        let plan = try SweepPlan.build(a)
        // alloc-free: swift × 3 APIs + mimalloc; pressure: swift kernel only (mimalloc is not applicable there but stays a row).
        let allocFree = plan.points.filter { $0.kind == .allocFree }
        #expect(allocFree.map(\.api) == [.kernel, .localFree, .bulk, .kernel])
        #expect(allocFree.map(\.impl) == [.swift, .swift, .swift, .mimalloc])
        #expect(plan.points.filter { $0.kind == .pressure }.allSatisfy { $0.api == .kernel })
        #expect(plan.summary.contains("API experiments"))
    }

    @Test func kernelParametersAreUnchangedAndTheExperimentsNameThemselves() {
        var p = template
        p.kind = .allocFree
        #expect(PointLabel.parameters(p) == ["depth": "256"])
        #expect(!PointLabel.text(p).contains("api"))
        p.api = .bulk
        p.bulk = 32
        #expect(PointLabel.parameters(p) == ["depth": "256", "api": "bulk", "bulk": "32"])
        #expect(PointLabel.text(p).contains("api=bulk bulk=32"))
        p.api = .localFree
        #expect(PointLabel.parameters(p) == ["depth": "256", "api": "local-free"])
    }
}

extension SweepError: Equatable {
    public static func == (a: SweepError, b: SweepError) -> Bool { a.description == b.description }
}
