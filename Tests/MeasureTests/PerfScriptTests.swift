import Testing
@testable import Measure

@Suite struct PerfScriptTests {
    static let text = """
        fragbench 16347 10553.681600:    1001001 cpu-clock:u: 
        \t    55d0c0ff1234 $s9FragCache5allocF+0x13 (/x/fragbench)
        \t    55d0c0ff0000 $s9Workloads8runBatchF+0x2c (/x/fragbench)
        \t    7f0000000000 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)

        fragbench 16347 10553.690318:    1001001 cpu-clock:u: 
        \t    55d0c0ff1240 $s9FragCache5allocF+0x1f (/x/fragbench)
        \t    55d0c0ff0000 $s9Workloads8runBatchF+0x2c (/x/fragbench)
        \t    7f0000000000 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)

        fragbench 16347 10553.691310:    1001001 cpu-clock:u: 
        \t          155515 __strchr_avx2+0x35 (/usr/lib/x86_64-linux-gnu/libc.so.6)
        \t    a5b784af57e6 [unknown] ([unknown])
        """

    @Test func samplesFoldIntoStacksOutermostFirst() {
        let folded = PerfScript.fold(Self.text)
        #expect(folded == [
            "[libc.so.6];$s9Workloads8runBatchF;$s9FragCache5allocF": 2,
            "[unknown];__strchr_avx2": 1,
        ])
    }

    @Test func nothingToFold() {
        #expect(PerfScript.fold("").isEmpty)
    }
}
