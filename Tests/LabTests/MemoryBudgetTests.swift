import Testing
@testable import Lab

/// The arena check against memory, fed with made-up /proc and /sys contents.
@Suite struct MemoryBudgetTests {
    static let meminfo = "MemTotal:       32000000 kB\nMemFree:         1000000 kB\nMemAvailable:    3000000 kB\n"

    func budget(_ files: [String: String]) -> MemoryBudget {
        MemoryBudget.probe { files[$0] }
    }

    @Test func cgroupV2LimitOfAnAncestorCounts() {
        let b = budget([
            "/proc/meminfo": Self.meminfo,
            "/proc/self/cgroup": "0::/user.slice/session-1.scope\n",
            "/sys/fs/cgroup/user.slice/session-1.scope/memory.max": "max\n",
            "/sys/fs/cgroup/user.slice/memory.max": "2147483648\n",
            "/sys/fs/cgroup/user.slice/memory.current": "147483648\n",
        ])
        #expect(b.cgroupLimit == 2_147_483_648)
        #expect(b.cgroupHeadroom == 2_000_000_000)
        #expect(b.cgroupFile == "/sys/fs/cgroup/user.slice/memory.max")
        #expect(b.memAvailable == 3_000_000 * 1024)
        let refusal = b.refusal(arenaBytes: 4 << 30)
        #expect(refusal?.hasPrefix("--arena 4294967296 bytes does not fit in memory") == true)
        #expect(refusal?.contains("allows 2000000000 more bytes (limit 2147483648 in /sys/fs/cgroup/user.slice/memory.max)") == true)
        #expect(refusal?.contains("MemAvailable is 3072000000 bytes") == true)
        #expect(b.refusal(arenaBytes: 256 << 20) == nil)
    }

    @Test func cgroupV1MemoryControllerAndItsUnlimitedValue() {
        let limited = budget([
            "/proc/self/cgroup": "9:name=systemd:/\n4:memory:/job\n0::/\n",
            "/sys/fs/cgroup/memory/job/memory.limit_in_bytes": "1073741824\n",
            "/sys/fs/cgroup/memory/job/memory.usage_in_bytes": "73741824\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        ])
        #expect(limited.cgroupHeadroom == 1_000_000_000)
        #expect(limited.memAvailable == nil)
        #expect(limited.refusal(arenaBytes: 1 << 30)?.contains("MemAvailable unknown") == true)
        let unlimited = budget([
            "/proc/self/cgroup": "4:cpu,memory:/\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        ])
        #expect(unlimited.cgroupHeadroom == nil)
        #expect(unlimited.refusal(arenaBytes: 1 << 40) == nil)
    }

    @Test func memAvailableAloneLimits() {
        let b = budget(["/proc/meminfo": Self.meminfo, "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/memory.max": "max"])
        #expect(b.cgroupHeadroom == nil)
        let refusal = b.refusal(arenaBytes: 4 << 30)
        #expect(refusal?.contains("no memory cgroup limit, MemAvailable is 3072000000 bytes") == true)
    }

    @Test func garbageFilesAreNoLimit() {
        let b = budget(["/proc/meminfo": "MemAvailable: lots\n", "/proc/self/cgroup": "::\n0::\n",
                        "/sys/fs/cgroup/memory.max": "\u{0}\u{0}"])
        #expect(b == MemoryBudget())
    }
}
