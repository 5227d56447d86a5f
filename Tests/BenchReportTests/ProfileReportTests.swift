import Testing
@testable import BenchReport

@Suite struct ProfileReportTests {
    static func profile(_ extraFast: UInt64 = 0) -> InstructionProfile {
        InstructionProfile(costs: [
            .init(stack: ["loop", "alloc"], line: "Sources/FragCache/FragCache.swift:97", instructions: 600 + extraFast),
            .init(stack: ["loop", "free"], line: "Sources/FragCache/PageArena.swift:141", instructions: 300),
            .init(stack: ["loop", "alloc", "_allocAfterReload"], line: nil, instructions: 60),
            .init(stack: ["loop", "alloc", "_allocAfterReload", "PageArena.allocPages"], line: "Sources/FragCache/PageAllocator+Buddy.swift:20", instructions: 40),
        ], totalInstructions: 1000 + extraFast, operations: 100)
    }

    @Test func functionsAndLinesSplitByPathAndSumToTheTotal() {
        let p = Self.profile()
        #expect(p.sum == p.totalInstructions)
        #expect(p.functions.map(\.name) == ["alloc", "free", "_allocAfterReload", "PageArena.allocPages"])
        #expect(p.functions.map(\.path) == ["fast", "fast", "slow", "slow"])
        #expect(p.lines.map(\.name) == ["Sources/FragCache/FragCache.swift:97", "Sources/FragCache/PageArena.swift:141",
                                        "(no line: _allocAfterReload)", "Sources/FragCache/PageAllocator+Buddy.swift:20"])
        #expect(p.folded["loop;alloc;_allocAfterReload"] == 60)
    }

    @Test func theMarkdownStatesTheSplitAgainstTheGateAndTheFallback() {
        let md = ProfileReport.markdown(Self.profile(), sampled: nil, base: nil, context: .init(
            point: "p", provenance: ["commit x"], gateInstructions: 10, sampledFallback: "perf is not installed",
            flameFiles: ("flame-callgrind.svg", nil), against: nil))
        #expect(md.contains("10.00 instructions per operation over 100 operations"))
        #expect(md.contains("sums to 10.00 (100.0% of the total); the exact gate's own count of this point is 10.00 (split +0.00% from it)"))
        #expect(md.contains("Fast path 9.00 ins/op, slow path (reload, refill, page allocator) 1.00 ins/op."))
        #expect(md.contains("| `alloc` | fast | 6.000 | 60.0% |"))
        #expect(md.contains("Not sampled: perf is not installed."))
    }

    @Test func theDifferenceNamesTheFunctionsThatMoved() {
        let text = ProfileReport.difference(base: Self.profile(), head: Self.profile(100))
        #expect(text.contains("Total: 10.00 → 11.00 ins/op (+1.00)."))
        #expect(text.contains("| `alloc` | fast | 6.000 | 7.000 | +1.000 |"))
        #expect(!text.contains("`free`"))
        #expect(ProfileReport.difference(base: Self.profile(), head: Self.profile()).contains("No function gained or lost instructions."))
    }

    /// A profile whose free executes `freeLocked` locked instructions and whose page
    /// allocator executes `allocatorLocked`, over the same 100 operations.
    static func lockedProfile(freeLocked: UInt64, allocatorLocked: UInt64) -> InstructionProfile {
        InstructionProfile(costs: [
            .init(stack: ["loop", "alloc"], line: nil, instructions: 600),
            .init(stack: ["loop", "free"], line: nil, instructions: 300, locked: freeLocked),
            .init(stack: ["loop", "alloc", "_allocAfterReload", "PageArena.allocPages"], line: nil, instructions: 100, locked: allocatorLocked),
        ], totalInstructions: 1000, operations: 100)
    }

    @Test func lockedInstructionsAreCountedPerOperationAndFunction() {
        let p = Self.lockedProfile(freeLocked: 100, allocatorLocked: 4)
        #expect(p.lockedSum == 104)
        #expect(p.lockedFunctions.map(\.name) == ["free", "PageArena.allocPages"])
        #expect(p.lockedFunctions.map(\.path) == ["fast", "slow"])
        let md = ProfileReport.markdown(p, sampled: nil, base: nil, context: .init(
            point: "p", provenance: [], gateInstructions: nil, sampledFallback: nil, flameFiles: (nil, nil), against: nil))
        #expect(md.contains("### Locked instructions\n\n1.040 per operation (instructions with a lock prefix"))
        #expect(md.contains("| `free` | fast | 1.000 |") && md.contains("| `PageArena.allocPages` | slow | 0.040 |"))
        let diff = ProfileReport.difference(base: Self.lockedProfile(freeLocked: 100, allocatorLocked: 0), head: p)
        #expect(diff.contains("Locked instructions: 1.000 → 1.040 per operation (+0.040)."))
    }

    /// A count that could not be made is unavailable with its reason, never 0.
    @Test func lockedInstructionsThatCannotBeCountedSaySo() {
        var p = Self.lockedProfile(freeLocked: 100, allocatorLocked: 4)
        p.lockedUnavailable = "objdump is not on PATH (Debian's binutils)"
        #expect(p.lockedSum == nil && p.lockedFunctions.isEmpty)
        let md = ProfileReport.markdown(p, sampled: nil, base: nil, context: .init(
            point: "p", provenance: [], gateInstructions: nil, sampledFallback: nil, flameFiles: (nil, nil), against: nil))
        #expect(md.contains("### Locked instructions\n\nUnavailable: objdump is not on PATH (Debian's binutils)."))
        #expect(ProfileReport.difference(base: Self.lockedProfile(freeLocked: 1, allocatorLocked: 0), head: p)
            .contains("Locked instructions: not compared (objdump is not on PATH"))
    }

    @Test func sampledFunctionsAreLeafFrames() {
        let s = SampledProfile(stacks: ["a;b": 3, "a;c": 1, "d;b": 2], event: "cpu-clock", scope: "all")
        #expect(s.samples == 6)
        #expect(s.functions.map(\.name) == ["b", "c"])
        #expect(s.functions.map(\.samples) == [5, 1])
    }
}
