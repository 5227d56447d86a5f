import FragCache

/// Runs trace operations against a `PageFragCache<Layout>` and reports, line by line, what the
/// page allocator and the cache did (SPEC 5). One replayer runs one trace, with the
/// configuration its first operation gave (or the defaults). `TraceReplayer` is the SPEC's
/// `remaining` layout; the others serve `fragbench replay --variant` (SPEC 6).
public typealias TraceReplayer = LayoutTraceReplayer<RemainingLayout>

public final class LayoutTraceReplayer<Layout: FragLayout> {
    /// Arena for replays: lazy, and large enough that only injections make requests fail.
    public static var arenaBytes: Int { 1 << 30 }

    private var cache: PageFragCache<Layout>
    private let allocator: PageAllocator
    private let pages = PageLog()
    /// Live fragments by name. A name once bound is never bound again (SPEC 5), so freed and
    /// aborted names are remembered too, in sets: no address to keep, half the memory per name
    /// on a long trace.
    private var fragments: [String: UnsafeMutableRawPointer] = [:]
    private var freedNames = Set<String>()
    private var abortedNames = Set<String>()
    /// Set by a successful prepare/probe, cleared by alloc, drain and a null prepare/probe.
    private var preparedArea = false
    /// The most recent commit within the current prepared area, which abort may undo.
    private var lastCommit: (name: String, size: Int)?

    /// Sets up the allocator and an empty cache; `line` is where the configuration came from.
    /// `arenaBytes` other than the default changes when requests fail (the fuzzer uses a small
    /// arena to run faster and reach exhaustion); the SPEC 5 contract is the default.
    public init(pageSize: Int = 4096, maxSize: Int = 32768, line: Int = 0,
                arenaBytes: Int = LayoutTraceReplayer.arenaBytes) throws(TraceError) {
        let config: FragCacheConfig
        do {
            config = try FragCacheConfig(pageSize: pageSize, maxSize: maxSize)
        } catch {
            throw TraceError(line: line, reason: "config: \(error)")
        }
        do {
            allocator = try PageAllocator(pageSize: pageSize, arenaBytes: arenaBytes, prefault: false)
        } catch {
            throw TraceError(line: line, reason: "cannot set up the page allocator: \(error)")
        }
        let log = pages
        allocator.setObserver { log.record($0) }
        cache = PageFragCache<Layout>(allocator: allocator, config: config)
    }

    /// Runs one operation, appending its output lines (events first, then the result).
    /// `line` is the 1-based line number used in errors. `config` is not an operation here:
    /// it can only come first, where it chose how the replayer was made.
    public func run(_ op: TraceOperation, line: Int, into out: inout [String]) throws(TraceError) {
        let reusesBefore = cache.stats.reuses
        let result = try execute(op, line: line)
        // A reuse never shares an operation with allocator events, so its place is free.
        if cache.stats.reuses > reusesBefore, let page = cache.currentPage {
            out.append("reuse page=\(number(of: page))")
        }
        out.append(contentsOf: pages.takeLines())
        out.append(result)
    }

    // MARK: - Operations

    private func execute(_ op: TraceOperation, line: Int) throws(TraceError) -> String {
        func fail(_ reason: String) -> TraceError { TraceError(line: line, reason: reason) }
        let pageSize = cache.config.pageSize
        func checkSize(_ size: Int) throws(TraceError) {
            guard size >= 1 else { throw fail("SIZE must be at least 1") }
        }
        func checkAlign(_ align: Int) throws(TraceError) {
            guard align >= 1, align & (align - 1) == 0, align <= pageSize else {
                throw fail("align \(align) is not a power of two between 1 and the page size \(pageSize)")
            }
        }
        func checkLayoutHasPrepare(_ what: String) throws(TraceError) {
            guard Layout.supportsPrepare else {
                throw fail("\(what) is not supported by the \(Layout.name) layout (it has no prepare/commit API: a fragment's start depends on its size)")
            }
        }
        func checkNewName(_ name: String) throws(TraceError) {
            guard fragments[name] == nil, !freedNames.contains(name), !abortedNames.contains(name) else { throw fail("fragment name '\(QuotedText.escaped(name))' is already used") }
        }
        func checkPrepared(_ what: String) throws(TraceError) {
            try checkLayoutHasPrepare(what)
            guard preparedArea else { throw fail("\(what) without a prepared area (prepare or probe first)") }
        }

        switch op {
        case .config:
            throw fail("config must be the first operation")

        case .alloc(let name, let size, let align):
            try checkSize(size)
            try checkAlign(align)
            try checkNewName(name)
            endPreparedArea()
            guard let address = cache.allocVA(size, align: align) else { return "\(name) null" }
            fragments[name] = address
            return "\(name) \(location(of: address))"

        case .prepare(let size, let align), .probe(let size, let align):
            if case .prepare = op { try checkLayoutHasPrepare("prepare") } else { try checkLayoutHasPrepare("probe") }
            try checkSize(size)
            try checkAlign(align)
            let verb: String
            let area: PreparedFragment?
            if case .prepare = op {
                verb = "prepare"
                area = cache.prepare(size, align: align)
            } else {
                verb = "probe"
                area = cache.probe(size, align: align)
            }
            guard let area else {
                endPreparedArea()
                return "\(verb) null"
            }
            preparedArea = true
            lastCommit = nil
            return "\(verb) page=\(number(of: area.page)) off=\(area.offset) avail=\(area.available)"

        case .commit(let name, let size):
            try checkPrepared("commit")
            try checkNewName(name)
            try checkSize(size)
            guard size <= cache.remaining else {
                throw fail("commit of \(size) bytes but only \(cache.remaining) remain")
            }
            let offset = cache.commit(size)
            let page = cache.currentPage!  // Safe: commit traps without a page
            let address = cache.arena.pointer(to: page) + offset
            fragments[name] = address
            lastCommit = (name, size)
            return "\(name) page=\(number(of: page)) off=\(offset)"

        case .commitNoref(let size):
            try checkPrepared("commit_noref")
            guard size <= cache.remaining else {
                throw fail("commit_noref of \(size) bytes but only \(cache.remaining) remain")
            }
            cache.commitNoref(size)
            return "commit_noref remaining=\(cache.remaining)"

        case .abort(let name):
            try checkPrepared("abort")
            guard fragments[name] != nil || freedNames.contains(name) || abortedNames.contains(name) else { throw fail("unknown fragment '\(QuotedText.escaped(name))'") }
            guard let last = lastCommit, last.name == name else {
                throw fail("abort '\(QuotedText.escaped(name))': it is not the most recent commit")
            }
            guard last.size <= cache.pageOffset else {
                throw fail("abort '\(QuotedText.escaped(name))' would move before the page's start")
            }
            cache.abort(last.size)
            fragments[name] = nil
            abortedNames.insert(name)
            lastCommit = nil
            return "abort \(name) remaining=\(cache.remaining)"

        case .free(let name):
            guard let address = fragments.removeValue(forKey: name) else {
                if freedNames.contains(name) { throw fail("fragment '\(QuotedText.escaped(name))' is freed twice") }
                if abortedNames.contains(name) { throw fail("fragment '\(QuotedText.escaped(name))' was aborted, not committed") }
                throw fail("unknown fragment '\(QuotedText.escaped(name))'")
            }
            let refs = cache.free(address)
            freedNames.insert(name)
            if lastCommit?.name == name { lastCommit = nil }
            return "free \(name) refs=\(refs)"

        case .drain:
            endPreparedArea()
            guard let refs = cache.drain() else { return "drain empty" }
            return "drain refs=\(refs)"

        case .failHighOrder(let count):
            allocator.failNextHighOrder(count)
            return "fail ok"

        case .failAny(let count):
            allocator.failNextAny(count)
            return "fail ok"

        case .pfmemalloc(let count):
            allocator.pfmemallocNext(count)
            return "pfmemalloc ok"
        }
    }

    private func endPreparedArea() {
        preparedArea = false
        lastCommit = nil
    }

    private func number(of page: Page) -> Int {
        guard let n = pages.number(of: page) else { preconditionFailure("\(page) was never handed to the cache") }
        return n
    }

    private func location(of address: UnsafeMutableRawPointer) -> String {
        let arena = cache.arena
        let page = arena.headPage(of: address)
        return "page=\(number(of: page)) off=\(UInt(bitPattern: address) - arena.address(of: page))"
    }
}

/// Numbers pages in the order the allocator hands them out and turns allocator events into
/// trace lines as they happen, so a result line can name a page refilled in the same
/// operation. The replay is single-threaded; the unchecked box only satisfies the observer's
/// `@Sendable` signature.
private final class PageLog: @unchecked Sendable {
    private var numbers: [Page: Int] = [:]
    private var nextNumber = 1
    private var lines: [String] = []

    func record(_ event: PageEvent) {
        switch event {
        case .allocated(let page, let order, let pfmemalloc):
            numbers[page] = nextNumber
            lines.append("refill page=\(nextNumber) order=\(order) pfmemalloc=\(pfmemalloc ? 1 : 0)")
            nextNumber += 1
        case .released(let page, _):
            lines.append("release page=\(numbers[page].map(String.init) ?? "?")")
        }
    }

    func number(of page: Page) -> Int? { numbers[page] }

    func takeLines() -> [String] {
        defer { lines.removeAll(keepingCapacity: true) }
        return lines
    }
}
