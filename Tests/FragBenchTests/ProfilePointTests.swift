import Testing
@testable import FragBench

@Suite struct ProfilePointTests {
    @Test func aPointNameIsItsOwnAnchoredFilter() throws {
        let name = "alloc-free<c>[v6.12]/page:4096/max:32768/fragsz:64/align:1/depth:256"
        let regex = try Regex("^" + ProfilePoint.escaped(name) + "$")
        #expect(name.contains(regex))
        #expect(!"alloc-free<c>[v6.12]/page:4096/max:32768/fragsz:64/align:1/depth:2560".contains(regex))
    }

    /// The gate's points are profiled as the gate counts them (its --quick op counts).
    @Test func aGatePointIsFoundInTheGateSweep() throws {
        let found = try #require(ProfilePoint.find("alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256", options: nil))
        #expect(found.quick)
        #expect(found.runArguments.prefix(4) == ["run", "--preset", "gate", "--quick"])
        #expect(found.parameters.fragsz == 64 && found.parameters.config.maxSize == 32768)
        #expect(ProfilePoint.find("alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256", options: ["--workload", "alloc-only"]) == nil)
        #expect(ProfilePoint.find("no-such-point", options: nil) == nil)
    }
}
