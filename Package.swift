// swift-tools-version: 6.2
// FragBench: a performance lab for the Linux kernel's page_frag cache, modelled in Swift.
import PackageDescription
import Foundation

// Every function starts on a 64-byte boundary, the C ones too. Otherwise where a timed loop
// falls across 64-byte lines and op-cache windows depends on all the code linked before it:
// two builds that differed by one start-up function read alloc-only 64 B 11-17% apart with
// identical instruction counts (docs/noise.md). Aligned, a loop's placement is its own
// function's business. The define lets a worker say so in its greeting (`codealign=64`).
// Incremental LLVM code generation is off: it skips a file whose IR hash is unchanged, and the
// hash does not cover -Xllvm options, so a build tree from before kept its unaligned objects.
let codeAlignment: [SwiftSetting] = [
    .unsafeFlags(["-Xllvm", "-align-all-functions=6", "-Xfrontend", "-disable-incremental-llvm-codegen"]),
    .define("FRAGBENCH_FUNCTIONS_ALIGNED_64"),
]
let cCodeAlignment: [CSetting] = [.unsafeFlags(["-falign-functions=64"])]

// The fast path must not pay for dynamic exclusivity checks; the model's own
// invariant checks run in debug builds only (see FragCache+Invariants.swift).
let fastPathSettings: [SwiftSetting] = codeAlignment + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    .define("FRAGCACHE_INTERNAL_CHECKS", .when(configuration: .debug)),
]

let package = Package(
    name: "FragBench",
    products: [
        .library(name: "FragCache", targets: ["FragCache"]),
        .executable(name: "fragbench", targets: ["FragBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        .target(name: "FragCache", swiftSettings: fastPathSettings),
        // The lab's one copy of statistics, the seeded generator, number formatting, errno
        // names and the EINTR loop (docs/architecture.md).
        .target(name: "Support", swiftSettings: codeAlignment),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .target(name: "FragReplay", dependencies: ["FragCache", "Support"], swiftSettings: codeAlignment),
        .target(name: "Workloads", dependencies: ["FragCache", "FragReplay", "Support", "CFragCacheC", "CKernelPorts", "CFragShim"], swiftSettings: fastPathSettings),
        // The same cache in C (SPEC 3-4, remaining layout), the parity reference for --impl c.
        .target(name: "CFragCacheC", cSettings: [.unsafeFlags(["-O2"])] + cCodeAlignment),
        // C twins of five kernel versions of the page_frag allocation path (--impl c --variant
        // v6.12 … part2-v2), over CFragCacheC's page allocator; one translation unit per version.
        .target(name: "CKernelPorts", dependencies: ["CFragCacheC"], cSettings: [.unsafeFlags(["-O2"])] + cCodeAlignment),
        .testTarget(name: "CFragCacheTests", dependencies: ["CFragCacheC", "CKernelPorts", "Workloads"]),
        // The lab's engine: planning a sweep, running and pairing points, workers, machine facts
        // and provenance, saving. Everything but the command line (docs/architecture.md).
        .target(
            name: "Lab",
            dependencies: ["FragCache", "FragReplay", "Measure", "Workloads", "BenchReport", "Support"],
            swiftSettings: fastPathSettings
        ),
        .testTarget(name: "LabTests", dependencies: ["Lab", "BenchReport", "Workloads", "FragCache", "Measure"]),
        // The command line only: options, help, progress, exit statuses.
        .executableTarget(
            name: "FragBench",
            dependencies: [
                "FragCache", "FragReplay", "Measure", "Workloads", "BenchReport", "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastPathSettings
        ),
        .testTarget(
            name: "FragCacheTests",
            dependencies: [
                "FragCache", "Support",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "FragReplayTests",
            dependencies: ["FragReplay", "FragCache"],
            exclude: ["Golden"]
        ),
        // Measurement engine: TSC/clock sampling, perf_event counters, callgrind.
        .target(name: "CFragShim", cSettings: cCodeAlignment),
        // libpfm4-dev ships no pkg-config file; Sources/CLibPFM/module.modulemap links "pfm".
        .systemLibrary(name: "CLibPFM", providers: [.apt(["libpfm4-dev"])]),
        .target(name: "Measure", dependencies: ["Support", "CFragShim", "CLibPFM"], swiftSettings: codeAlignment),
        .testTarget(name: "MeasureTests", dependencies: ["Measure", "CFragShim"]),
        .testTarget(name: "WorkloadsTests", dependencies: ["Workloads", "FragCache"]),
        .testTarget(name: "FragBenchTests", dependencies: ["FragBench", "Lab", "BenchReport", "Workloads", "FragCache", "Measure"]),
        // Results: the model, CSV/markdown/JSON writers.
        .target(name: "BenchReport", dependencies: ["Support"], swiftSettings: codeAlignment),
        .testTarget(name: "BenchReportTests", dependencies: ["BenchReport"], exclude: ["Golden"]),
    ]
)

// `make fuzz` only: a libFuzzer target (libFuzzer brings its own main(), so an ordinary build
// could not link it). Built with --sanitize=fuzzer,address into .build-fuzz.
if ProcessInfo.processInfo.environment["FRAGBENCH_FUZZ"] != nil {
    package.products.append(.executable(name: "fragfuzz", targets: ["FragFuzz"]))
    package.targets.append(.executableTarget(name: "FragFuzz", dependencies: ["FragCache", "FragReplay", "Support"]))
}
