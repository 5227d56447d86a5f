/// One workload at one point, set up once and then run in batches by the sampler:
/// `prepareBatch` and `finishBatch` are untimed, `runBatch` is the timed region.
///
/// Runners own their page allocator and cache. Dynamic dispatch happens once per batch; the
/// loops inside `runBatch` are specialised code over a local `inout` cache.
public protocol WorkloadRunner: AnyObject {
    var parameters: WorkloadParameters { get }

    /// A batch size the workload insists on (cross-thread runs `count` operations, as the
    /// kernel test does); nil lets the sampler choose.
    var fixedBatchSize: Int? { get }

    /// The most operations one timed batch may run (alloc-only holds a whole batch at once, so
    /// the arena and the cache bound it: `heldBatchLimit`); a longer sample runs as several
    /// batches. nil for no limit.
    var maxBatchSize: Int? { get }

    /// Untimed set-up for a batch of `ops` operations (e.g. make room for the pointers).
    func prepareBatch(_ ops: Int)
    /// The timed operations.
    func runBatch(_ ops: Int)
    /// Untimed clean-up after a batch (e.g. free what alloc-only allocated).
    func finishBatch()

    /// The cache's figures over everything run so far (warm-up included: ratios, not totals,
    /// are what the report uses).
    func figures() -> CacheFigures

    /// Why the cache's figures are unavailable (a peer is not a page_frag cache), or nil.
    var figuresUnavailableReason: String? { get }

    /// Frees everything and checks that no page was lost; returns a description of any leak.
    func tearDown() -> String?

    /// The ring workloads (alloc-free, mixed): their allocations and frees timed apart. A
    /// requirement, not a cast: a dynamic cast of a runner generic over a ~Copyable allocator
    /// to another protocol fails at run time.
    var allocFreeSplitting: (any AllocFreeSplitting)? { get }
}

extension WorkloadRunner {
    public var figuresUnavailableReason: String? { nil }
    public var allocFreeSplitting: (any AllocFreeSplitting)? { nil }
}

public enum WorkloadError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    case setupFailed(String)
    /// The workload does not make sense for this implementation or variant (say so in the
    /// output; do not drop the row silently).
    case notApplicable(String)

    public var description: String {
        switch self {
        case .invalid(let why): return why
        case .setupFailed(let why): return "workload set-up failed: \(why)"
        case .notApplicable(let why): return "not applicable: \(why)"
        }
    }
}
