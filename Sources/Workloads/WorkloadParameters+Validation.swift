#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FragCache

/// Checks parameters before anything is set up, so that a bad sweep point or command line is
/// reported as a sentence instead of a trap deep in the model (SPEC 4: tools that take input
/// from users check first). Each workload's init runs the checks for its own kind, and
/// `makeWorkload` runs them for `kind`.
extension WorkloadParameters {
    /// The CPUs `sched_setaffinity` can name with a `cpu_set_t`.
    static let cpuSetSize = MemoryLayout<cpu_set_t>.size * 8

    /// Throws `.invalid` with a clear message for the first problem found for `kind`.
    public func validate() throws(WorkloadError) {
        try validate(as: kind)
    }

    func validate(as kind: WorkloadKind) throws(WorkloadError) {
        let pageSize = config.pageSize
        guard align >= 1, align & (align - 1) == 0, align <= pageSize else {
            throw .invalid("align \(align) is not a power of two between 1 and the page size \(pageSize)")
        }
        guard arenaBytes >= 2 * config.maxSize else {
            throw .invalid("arenaBytes \(arenaBytes) must hold at least two \(config.maxSize)-byte pages (max_size)")
        }
        guard bulk >= 1, bulk <= FragAPI.largestBulk else {
            throw .invalid("bulk \(bulk) must be between 1 and \(FragAPI.largestBulk)")
        }
        switch kind {
        case .allocOnly, .freeOnly, .allocFree, .pressure, .crossThread:
            try checkFragsz(limit: pageSize)
        case .prepareCommit:
            try checkFragsz(limit: Self.largestMessageMean, isMessageMean: true)
        case .mixed, .replay:
            break  // fragsz is not used
        }
        switch kind {
        case .allocFree, .pressure:
            try checkDepth()
            try checkRingFits(fragmentBytes: fragsz)
        case .mixed:
            try checkDepth()
            try checkDistribution()
            try checkRingFits(fragmentBytes: distribution.largestSize)
        case .prepareCommit:
            try checkDepth()
            // Each in-flight fragment pins one page at worst (coalescing can grow it to a page).
            guard depth <= arenaBytes / config.maxSize - 2 else {
                throw .invalid("depth \(depth) in-flight fragments may pin as many \(config.maxSize)-byte pages, more than arenaBytes \(arenaBytes) holds")
            }
        case .crossThread:
            guard count >= 1 else { throw .invalid("count \(count) must be at least 1") }
            try checkCPU(pushCPU, "pushCPU")
            try checkCPU(popCPU, "popCPU")
        case .replay:
            guard let tracePath, !tracePath.isEmpty else {
                throw .invalid("the replay workload needs a trace file (tracePath)")
            }
        case .allocOnly, .freeOnly:
            break
        }
        if let fragmented {
            guard kind == .mixed else {
                throw .invalid("a fragmented arena (fragmented \(fragmented)) is for the mixed workload only (pressure fragments its own: --pressure-fraction)")
            }
            guard fragmented.fraction.isFinite, (0.0 ... 1.0).contains(fragmented.fraction),
                  (0 ..< PageAllocator.maxOrder).contains(fragmented.maxFreeOrder) else {
                throw .invalid("fragmented \(fragmented): the fraction must be within 0...1 and the order within 0...\(PageAllocator.maxOrder - 1)")
            }
        }
        if kind == .pressure {
            guard pressureFraction.isFinite, (0.0 ... 1.0).contains(pressureFraction) else {
                throw .invalid("pressureFraction \(pressureFraction) must be between 0 and 1")
            }
            guard (0 ..< PageAllocator.maxOrder).contains(pressureMaxFreeOrder) else {
                throw .invalid("pressureMaxFreeOrder \(pressureMaxFreeOrder) must be between 0 and \(PageAllocator.maxOrder - 1)")
            }
        }
    }

    /// prepare-commit copies messages of up to twice `fragsz` from a source buffer; a mean
    /// beyond this would be a typo rather than a TCP write.
    static let largestMessageMean = 1 << 20

    private func checkFragsz(limit: Int, isMessageMean: Bool = false) throws(WorkloadError) {
        guard fragsz >= 1 else { throw .invalid("fragsz \(fragsz) must be at least 1") }
        guard fragsz <= limit else {
            if isMessageMean {
                throw .invalid("fragsz \(fragsz) (the mean message size) must be at most \(limit)")
            }
            throw .invalid("fragsz \(fragsz) exceeds the page size \(limit): the cache refuses larger fragments (docs/model.md, Reload)")
        }
    }

    private func checkDepth() throws(WorkloadError) {
        guard depth >= 1 else { throw .invalid("depth \(depth) must be at least 1") }
    }

    /// A ring of `depth` live fragments allocated one after another spans about
    /// depth × (size + align - 1) bytes of pages, plus the page being carved and one left behind.
    private func checkRingFits(fragmentBytes: Int) throws(WorkloadError) {
        let (span, overflow) = depth.multipliedReportingOverflow(by: fragmentBytes + align - 1)
        let needed = span + 2 * config.maxSize
        guard !overflow, needed <= arenaBytes else {
            throw .invalid("depth \(depth) live fragments of up to \(fragmentBytes) bytes need about \(overflow ? Int.max : needed) bytes of pages, more than arenaBytes \(arenaBytes)")
        }
    }

    private func checkDistribution() throws(WorkloadError) {
        let pageSize = config.pageSize
        switch distribution {
        case .imix:
            break
        case .uniform(let range):
            guard range.lowerBound >= 1, range.upperBound <= pageSize else {
                throw .invalid("uniform sizes \(range.lowerBound)-\(range.upperBound) must lie within 1...\(pageSize) (the page size)")
            }
        case .histogram(let entries):
            guard !entries.isEmpty else { throw .invalid("the size histogram is empty") }
            for entry in entries {
                guard (1 ... pageSize).contains(entry.size) else {
                    throw .invalid("histogram size \(entry.size) must lie within 1...\(pageSize) (the page size)")
                }
                guard entry.weight.isFinite, entry.weight > 0 else {
                    throw .invalid("histogram weight \(entry.weight) for size \(entry.size) must be a positive number")
                }
            }
        }
    }

    private func checkCPU(_ cpu: Int?, _ name: String) throws(WorkloadError) {
        guard let cpu else { return }
        guard cpu >= 0, cpu < Self.cpuSetSize else {
            throw .invalid("\(name) \(cpu) must be between 0 and \(Self.cpuSetSize - 1)")
        }
        let configured = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))
        guard configured <= 0 || cpu < configured else {
            throw .invalid("\(name) \(cpu) does not exist: this machine has \(configured) CPUs (0...\(configured - 1))")
        }
    }
}
