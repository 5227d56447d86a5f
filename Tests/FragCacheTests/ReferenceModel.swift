/// A deliberately naive model of SPEC 2–4: pages are dictionary entries with integer ids, the
/// allocator never runs out, and every rule is written the way the spec states it. The
/// property test runs the real cache and this model side by side.
///
/// `ownerLocal` models the owner-local free experiment (OwnerLocalFragCache): the owner's frees
/// of fragments of the current or previous page go to that page's bias, and a page left with
/// fragments out stays held (as `previous`) until the cache leaves the next one.
struct ReferenceModel {
    struct PageState {
        var order: Int
        var refcount: Int
        var pfmemalloc: Bool
    }

    let pageSize: Int
    let maxSize: Int
    let maxOrder: Int

    /// Pages handed out and not yet released, by id (ids count up from 1).
    private(set) var pages: [Int: PageState] = [:]
    private var nextId = 1
    private(set) var cachePage: Int?
    private(set) var remaining = 0
    private(set) var bias = 0
    let ownerLocal: Bool
    private(set) var previous: Int?
    private(set) var previousBias = 0
    private(set) var refills = 0
    private(set) var reuses = 0
    var failAny = 0
    var failHighOrder = 0
    var pfmemallocNext = 0

    init(_ config: FragCacheConfigValues, ownerLocal: Bool = false) {
        self.ownerLocal = ownerLocal
        pageSize = config.pageSize
        maxSize = config.maxSize
        maxOrder = config.maxOrder
    }

    func size(of id: Int) -> Int { pageSize << pages[id]!.order }

    private mutating func request(order: Int) -> Int? {
        if failAny > 0 { failAny -= 1; return nil }
        if order > 0 && failHighOrder > 0 { failHighOrder -= 1; return nil }
        // The high-order request carries noMemalloc; the order-0 one the caller's flags.
        let pfmemalloc = order == 0 && pfmemallocNext > 0
        if pfmemalloc { pfmemallocNext -= 1 }
        let id = nextId
        nextId += 1
        pages[id] = PageState(order: order, refcount: 1, pfmemalloc: pfmemalloc)
        return id
    }

    private mutating func put(_ id: Int, _ count: Int) -> Int {
        pages[id]!.refcount -= count
        let left = pages[id]!.refcount
        if left == 0 { pages[id] = nil }
        return left
    }

    private mutating func refill() -> Bool {
        var id: Int?
        if maxOrder > 0 { id = request(order: maxOrder) }
        if id == nil { id = request(order: 0) }
        guard let id else {
            cachePage = nil
            remaining = 0
            return false
        }
        pages[id]!.refcount += maxSize
        bias = maxSize + 1
        remaining = size(of: id)
        cachePage = id
        refills += 1
        return true
    }

    private mutating func reload(_ fragsz: Int) -> Bool {
        if fragsz > pageSize { return false }
        if ownerLocal { return localReload() }
        if let id = cachePage {
            pages[id]!.refcount -= bias
            if pages[id]!.refcount == 0 {
                if pages[id]!.pfmemalloc {
                    pages[id] = nil
                } else {
                    pages[id]!.refcount = maxSize + 1
                    bias = maxSize + 1
                    remaining = size(of: id)
                    reuses += 1
                    return true
                }
            }
            cachePage = nil
            remaining = 0
        }
        return refill()
    }

    /// The owner-local reload, as OwnerLocalFragCache documents it.
    private mutating func localReload() -> Bool {
        if let id = cachePage {
            if pages[id]!.refcount == bias {
                // Every fragment is back.
                if pages[id]!.pfmemalloc {
                    _ = put(id, bias)
                    cachePage = nil
                    remaining = 0
                    return refill()
                }
                pages[id]!.refcount = maxSize + 1
                bias = maxSize + 1
                remaining = size(of: id)
                reuses += 1
                return true
            }
            if let p = previous, !pages[p]!.pfmemalloc, pages[p]!.refcount == previousBias {
                // The previous page is back whole: swap.
                previous = id
                previousBias = bias
                cachePage = p
                pages[p]!.refcount = maxSize + 1
                bias = maxSize + 1
                remaining = size(of: p)
                reuses += 1
                return true
            }
            dropPrevious()
            previous = id
            previousBias = bias
            cachePage = nil
            remaining = 0
        }
        return refill()
    }

    private mutating func dropPrevious() {
        if let p = previous { _ = put(p, previousBias) }
        previous = nil
        previousBias = 0
    }

    /// The owner's free in the owner-local model: local for the current and previous page.
    mutating func ownerFree(page id: Int) {
        precondition(ownerLocal)
        if id == cachePage {
            bias += 1
        } else if id == previous {
            previousBias += 1
        } else {
            _ = put(id, 1)
        }
    }

    /// The references the cache holds on page `id`.
    func heldReferences(_ id: Int) -> Int {
        (id == cachePage ? bias : 0) + (id == previous ? previousBias : 0)
    }

    mutating func alloc(_ fragsz: Int, align: Int) -> (page: Int, offset: Int)? {
        let avail = remaining / align * align
        if let id = cachePage, fragsz <= avail {
            remaining = avail - fragsz
            bias -= 1
            return (id, size(of: id) - avail)
        }
        guard reload(fragsz) else { return nil }
        remaining -= fragsz
        bias -= 1
        return (cachePage!, 0)
    }

    mutating func prepare(_ fragsz: Int, align: Int, mayReload: Bool) -> (page: Int, offset: Int, available: Int)? {
        guard cachePage != nil || mayReload else { return nil }
        remaining = remaining / align * align
        if let id = cachePage, remaining >= fragsz {
            return (id, size(of: id) - remaining, remaining)
        }
        guard mayReload, reload(fragsz) else { return nil }
        return (cachePage!, 0, remaining)
    }

    mutating func commit(_ n: Int) -> Int {
        let offset = size(of: cachePage!) - remaining
        remaining -= n
        bias -= 1
        return offset
    }

    mutating func commitNoref(_ n: Int) { remaining -= n }

    mutating func abort(_ n: Int) {
        remaining += n
        bias += 1
    }

    mutating func free(page id: Int) -> Int { put(id, 1) }

    mutating func drain() -> Int? {
        dropPrevious()
        guard let id = cachePage else { return nil }
        let left = put(id, bias)
        cachePage = nil
        remaining = 0
        return left
    }
}

/// The configuration as plain numbers, so the model does not lean on the code under test.
struct FragCacheConfigValues {
    var pageSize: Int
    var maxSize: Int
    var maxOrder: Int
}
