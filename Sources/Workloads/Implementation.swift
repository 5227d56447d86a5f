import FragCache

/// What allocates the fragments (`--impl`): the Swift model, the same algorithm in C, or a
/// general-purpose allocator as a peer.
public enum Implementation: String, CaseIterable, Sendable, Codable, Hashable {
    /// `PageFragCache<Layout>`, the Swift model (any `--variant`).
    case swift
    /// The same algorithm (SPEC 3–4, `remaining` layout) in C: Sources/CFragCacheC.
    case c
    /// glibc's malloc/free: the process's own allocator.
    case malloc
    /// jemalloc (`mallocx`/`dallocx`), loaded with dlopen so the process's malloc is untouched.
    case jemalloc
    /// mimalloc (`mi_malloc`/`mi_free`), loaded with dlopen likewise.
    case mimalloc

    /// Whether this is a page_frag cache (has prepare/commit, refills, page figures).
    public var isPageFrag: Bool { self == .swift || self == .c }
}

/// The cache layout (`--variant`, SPEC 6), a compile-time parameter of the Swift cache, or
/// a kernel version ported as it was (Sources/FragCache/Kernel, `KernelVersion`).
public enum LayoutVariant: String, CaseIterable, Sendable, Codable, Hashable {
    case remaining
    case offsetUp = "offset-up"
    case offsetDown = "offset-down"
    case v6_12 = "v6.12"
    case v6_13 = "v6.13"
    case rfcV11Pre08 = "rfc-v11-pre08"
    case rfcV11 = "rfc-v11"
    case part2V2 = "part2-v2"
    /// The socket's own page_frag that TCP's sendmsg used before Part-2 (prepare-commit only).
    case skPageFrag = "sk-page-frag"

    /// The kernel version this variant ports, or nil for the lab's own layouts.
    public var kernelVersion: KernelVersion? { KernelVersion(rawValue: rawValue) }
}

extension WorkloadParameters {
    /// Why this point cannot run (the workload does not make sense for the implementation or
    /// variant), or nil. Reported as a row or notice, never silently dropped.
    public var notApplicableReason: String? {
        if api != .kernel, let why = apiNotApplicableReason { return why }
        if fragmented != nil && impl != .swift {
            return "a fragmented arena (--fragmented) is the Swift model's page allocator; \(impl.rawValue) has its own"
        }
        if !impl.isPageFrag {
            if kind.isPageFragOnly {
                return "\(kind.rawValue) is page_frag-only (it needs prepare/commit, a page allocator under pressure, or a page_frag trace); \(impl.rawValue) is not a page_frag cache"
            }
            if kind == .crossThread && usePrepare {
                return "cross-thread --prepare needs the page_frag prepare/commit API; \(impl.rawValue) has none"
            }
            if variant != .remaining {
                return "--variant \(variant.rawValue) is a page_frag cache layout; \(impl.rawValue) has none"
            }
            return nil
        }
        if let version = variant.kernelVersion, let why = kernelPortNotApplicableReason(version) { return why }
        if variant == .skPageFrag, let why = skPageFragNotApplicableReason { return why }
        if impl == .c && variant != .remaining && variant.kernelVersion == nil {
            return "the C cache implements the remaining layout and the kernel versions (v6.12, v6.13, rfc-v11-pre08, rfc-v11, part2-v2); use --impl swift for \(variant.rawValue)"
        }
        if impl == .c && (kind == .prepareCommit || kind == .pressure || kind == .replay || usePrepare) {
            return "\(kind.rawValue)\(usePrepare ? " --prepare" : "") runs on the Swift model only (the C cache implements alloc/free, the parity fast path)"
        }
        if variant == .offsetDown && (kind == .prepareCommit || (kind == .crossThread && usePrepare)) {
            return "the offset-down layout has no prepare/commit API (a fragment's start depends on its size)"
        }
        if variant != .remaining && kind == .replay {
            return "the replay workload runs the remaining layout (its reference is fragbench replay); use fragbench replay --variant for other layouts"
        }
        if kind == .prepareCommit && ![.remaining, .part2V2, .skPageFrag].contains(variant) {
            return "prepare-commit (TCP's sendmsg) runs the schemes sendmsg used: remaining (the seed's prepare/commit), part2-v2 and sk-page-frag; \(variant.rawValue) has no prepare/commit as sendmsg uses it"
        }
        return nil
    }
}

extension WorkloadParameters {
    /// Why a kernel version port cannot run this point, or nil.
    func kernelPortNotApplicableReason(_ version: KernelVersion) -> String? {
        if let why = KernelPort.unsupportedReason(config) { return why }
        switch kind {
        case .prepareCommit where version == .part2V2 && impl == .swift:
            return nil
        case .prepareCommit, .pressure, .replay:
            return "\(kind.rawValue) runs the lab's layouts; the \(version.rawValue) port runs alloc-only, free-only, alloc-free, mixed and cross-thread\(kind == .prepareCommit ? " (prepare-commit: part2-v2 and sk-page-frag)" : "")"
        case .crossThread where usePrepare && impl == .c:
            return "cross-thread --prepare does not run on the C twins of the kernel versions (they implement the allocation path and page_frag_free)"
        case .crossThread where usePrepare && version != .part2V2:
            return "\(version.rawValue) has no prepare/commit API in this lab (part2-v2 has; the seed's is the remaining layout's)"
        default:
            return nil
        }
    }
}

extension WorkloadParameters {
    /// Why the socket page_frag (`--variant sk-page-frag`) cannot run this point, or nil.
    var skPageFragNotApplicableReason: String? {
        if impl != .swift { return "sk-page-frag is a Swift port only; use --impl swift" }
        if let why = KernelPort.unsupportedReason(config) { return why }
        if kind != .prepareCommit {
            return "sk-page-frag is the socket page_frag of TCP's sendmsg: it runs prepare-commit only"
        }
        if align != 1 { return "sk-page-frag has no alignment (tcp_sendmsg asks for none)" }
        return nil
    }
}

extension WorkloadParameters {
    /// The API experiments exist on the Swift cache, remaining layout, for the workloads that
    /// allocate and free fragments one way or another.
    public var apiNotApplicableReason: String? {
        if impl != .swift {
            return "--api \(api.rawValue) is an experiment on the Swift cache; \(impl.rawValue) has only its own API"
        }
        if variant != .remaining {
            return "--api \(api.rawValue) runs on the remaining layout only, not on \(variant.rawValue)"
        }
        switch kind {
        case .allocOnly, .allocFree, .mixed, .freeOnly: return nil
        case .crossThread:
            if api == .bulk && ringFull == .free {
                return "--api bulk pushes whole runs and waits for room; --ring-full free is the one-at-a-time producer of the kernel test"
            }
            return usePrepare ? "--api \(api.rawValue) allocates with alloc, not prepare/commit (--prepare)" : nil
        case .prepareCommit, .pressure, .replay:
            return "--api \(api.rawValue) applies to alloc-only, free-only, alloc-free, mixed and cross-thread; \(kind.rawValue) uses the kernel API"
        }
    }
}
