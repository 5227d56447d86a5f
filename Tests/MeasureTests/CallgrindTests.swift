import Testing
@testable import Measure

/// Output of callgrind 3.19 for a 1000-iteration loop bracketed by
/// CALLGRIND_START/STOP_INSTRUMENTATION (run with --instr-atstart=no, hence
/// the stale `summary: 0` next to the real `totals:`).
let callgrindSample = """
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 6650
cmd:  ./cg 1000
part: 1


desc: I1 cache: 32768 B, 64 B, 8-way associative
desc: D1 cache: 32768 B, 64 B, 8-way associative
desc: LL cache: 8388608 B, 64 B, 16-way associative

desc: Timerange: Basic block 0 - 1002
desc: Trigger: Program termination

positions: line
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
summary: 0


ob=(1) /tmp/pfmt/cg
fl=(1) ???
fn=(0) main
0 6005 1001 1001 2 1 1 2 1 1

totals: 6005 1001 1001 2 1 1 2 1 1
"""

@Suite struct CallgrindParserTests {
    @Test func parsesTotalsWithEventsHeader() throws {
        let totals = try CallgrindTotals.parse(callgrindSample).get()
        #expect(totals.eventNames == ["Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"])
        #expect(totals.instructions == 6005)
        #expect(totals["Dr"] == 1001)
        #expect(totals.d1Misses == 2)
        #expect(totals.i1Misses == 2)
        #expect(totals.llMisses == 4)
        // 6005 + 10 * (2 + 1 + 1) + 100 * (2 + 1 + 1)
        #expect(totals.estimatedCycles == 6445)
    }

    @Test func perOpDividesByOperations() throws {
        let values = try CallgrindTotals.parse(callgrindSample).get().perOp(operations: 1000)
        let byName = Dictionary(uniqueKeysWithValues: values.map { ($0.name, $0) })
        #expect(byName["instructions"]?.value == 6.005)
        #expect(byName["estimated cycles"]?.value == 6.445)
        #expect(values.allSatisfy { $0.source == .callgrind })
    }

    @Test func summaryUsedWhenNoTotalsAndShortRowsZeroFilled() throws {
        let text = "events: Ir Dr\nsummary: 500\n"
        let totals = try CallgrindTotals.parse(text).get()
        #expect(totals.instructions == 500 && totals["Dr"] == 0)
    }

    @Test func multipleTotalsPartsAreSummed() throws {
        let text = "events: Ir\ntotals: 10\npart: 2\nevents: Ir\ntotals: 5\n"
        #expect(try CallgrindTotals.parse(text).get().instructions == 15)
    }

    @Test func missingCacheEventsAreUnavailableNotZero() throws {
        let totals = try CallgrindTotals.parse("events: Ir\ntotals: 1000\n").get()
        #expect(totals.d1Misses == nil && totals.estimatedCycles == nil)
        let values = totals.perOp(operations: 10)
        let d1 = values.first { $0.name == "L1D misses" }!
        #expect(d1.value == nil && d1.status?.contains("--cache-sim") == true)
        #expect(values.first { $0.name == "instructions" }?.value == 100)
    }

    @Test func malformedInput() {
        #expect(CallgrindTotals.parse("totals: 1\n") == .failure(.missingEvents))
        #expect(CallgrindTotals.parse("events: Ir\n") == .failure(.missingTotals))
        #expect(CallgrindTotals.parse("events: Ir\ntotals: x\n") == .failure(.badNumber("totals: x")))
        #expect(CallgrindTotals.parse("events: Ir\ntotals: 1 2\n") == .failure(.columnMismatch(1, 2)))
        #expect(CallgrindTotals.parse(file: "/nonexistent/callgrind.out") != .failure(.missingEvents))
    }

    @Test func commandLine() {
        let argv = Callgrind.commandLine(binary: "/bin/fragbench", arguments: ["run", "--quick"],
                                         outputFile: "/tmp/cg.out")
        #expect(argv == [
            "valgrind", "--tool=callgrind", "--cache-sim=yes", "--instr-atstart=no",
            "--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64",
            "--callgrind-out-file=/tmp/cg.out", "/bin/fragbench", "run", "--quick",
        ])
        #expect(Callgrind.environment["SWIFT_DETERMINISTIC_HASHING"] == "1")
        let shell = Callgrind.shellCommand(binary: "/bin/x y", arguments: ["it's"], outputFile: "o")
        #expect(shell.hasPrefix("SWIFT_DETERMINISTIC_HASHING=1 valgrind "))
        #expect(shell.hasSuffix("'/bin/x y' 'it'\\''s'"))
    }

    /// callgrind 3.19 with --branch-sim=yes adds Bc Bcm Bi Bim (conditional branches and their
    /// mispredictions, indirect branches and theirs) after the cache events.
    static let branchSample = """
    events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
    summary: 0
    fn=(0) main
    0 12000 3000 1000 2 1 1 2 1 1 2500 40 300 10
    totals: 12000 3000 1000 2 1 1 2 1 1 2500 40 300 10
    """

    @Test func branchSimulationEventsGiveMispredictsPerOp() throws {
        let totals = try CallgrindTotals.parse(Self.branchSample).get()
        #expect(totals.hasBranchSimulation)
        #expect(totals["Bc"] == 2500 && totals["Bi"] == 300)
        // Conditional + indirect mispredictions.
        #expect(totals.branchMispredicts == 50)
        let values = totals.perOp(operations: 100)
        let mispredicts = try #require(values.first { $0.name == CallgrindTotals.branchMispredictName })
        #expect(mispredicts.value == 0.5 && mispredicts.source == .callgrind)
        #expect(values.first { $0.name == "instructions" }?.value == 120)
    }

    @Test func withoutBranchSimulationNothingChanges() throws {
        let totals = try CallgrindTotals.parse(callgrindSample).get()
        #expect(!totals.hasBranchSimulation && totals.branchMispredicts == nil)
        #expect(totals.perOp(operations: 1000).map(\.name)
                == ["instructions", "L1D misses", "L1I misses", "LL misses", "estimated cycles"])
    }

    @Test func onlyOneMispredictEventIsUnavailableNotAHalfSum() throws {
        let totals = try CallgrindTotals.parse("events: Ir Bc Bcm\ntotals: 100 20 3\n").get()
        #expect(totals.hasBranchSimulation && totals.branchMispredicts == nil)
        let value = try #require(totals.perOp(operations: 10).first { $0.name == CallgrindTotals.branchMispredictName })
        #expect(value.value == nil && value.status?.contains("--branch-sim=yes") == true)
    }

    @Test func branchSimIsOffByDefaultAndAddedOnRequest() {
        let plain = Callgrind.commandLine(binary: "b", arguments: [], outputFile: "o")
        #expect(!plain.contains("--branch-sim=yes"))
        let simulated = Callgrind.commandLine(binary: "b", arguments: [], outputFile: "o", branchSim: true)
        #expect(simulated.prefix(4) == ["valgrind", "--tool=callgrind", "--cache-sim=yes", "--branch-sim=yes"])
        #expect(simulated.filter { $0 != "--branch-sim=yes" } == plain)
    }

    @Test func notOnValgrindInTests() {
        #expect(Callgrind.isCompiledIn)
        #expect(!Callgrind.isRunningOnValgrind)
        // Client requests are harmless no-ops on a real CPU.
        Callgrind.zero()
        Callgrind.start()
        Callgrind.stop()
        Callgrind.dump("test")
    }
}
