/// A deliberately naive model of SPEC 2–4: pages are dictionary entries with integer ids, the
/// allocator never runs out, and every rule is written the way the spec states it. The
/// property test runs the real cache and this model side by side.
///
/// `ownerLocal` models the owner-local free experiment (OwnerLocalFragCache): the owner's frees
/// of fragments of the current page or of a left page go to that page's bias, and a page left
/// with fragments out stays held in its slot of the left set until another page takes the
/// slot, it comes back whole and is reused, or the cache drains. Which slot a page takes is a
/// function of its address, which the model does not know: the test tells it (`slots`).
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
    /// The left set: slot -> (page id, references held on it, its park's number).
    private(set) var left: [Int: (id: Int, bias: Int, park: Int)] = [:]
    /// Parks in the order they happened, oldest first: (slot, park number), at most 256; a
    /// ticket whose slot holds another park (or none) is stale.
    private(set) var tickets: [(slot: Int, park: Int)] = []
    private var nextPark = 1
    /// Page id -> the slot it takes when left; set by the test when it binds a page.
    var slots: [Int: Int] = [:]
    let slotCount: Int
    /// Leaves in a row that found no whole left page, and leaves still to run the kernel's way
    /// (OwnerLocalFragCache's bypass, 128 per slot long).
    private(set) var futile = 0
    private(set) var bypass = 0
    private(set) var refills = 0
    private(set) var reuses = 0
    var failAny = 0
    var failHighOrder = 0
    var pfmemallocNext = 0

    init(_ config: FragCacheConfigValues, ownerLocal: Bool = false, slotCount: Int = 8) {
        self.ownerLocal = ownerLocal
        self.slotCount = slotCount
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
        if fragsz > pageSize {
            // While the set is bypassed a refused request counts too (the owner-local cache
            // calls the kernel's slow path, then counts down).
            if ownerLocal && bypass > 0 { bypass -= 1 }
            return false
        }
        if ownerLocal && bypass == 0 { return localReload() }
        // The kernel's reload; the owner-local cache's while its set is bypassed.
        if ownerLocal { bypass -= 1 }
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
            cachePage = nil
            remaining = 0
            if pages[id]!.refcount == bias {
                // Every fragment is back.
                if !pages[id]!.pfmemalloc {
                    install(id)
                    return true
                }
                _ = put(id, bias)
            } else {
                // Take the best whole left page first, then park the one left (with the
                // references held on it before the reuse reset `bias`).
                let held = bias
                let reused = reuseWholeLeftPage()
                park(id, bias: held)
                if reused {
                    futile = 0
                } else {
                    futile += 1
                    if futile == slotCount {
                        futile = 0
                        bypass = 128 * slotCount
                        dropLeft()
                    }
                }
                return reused || refill()
            }
        }
        return reuseWholeLeftPage() || refill()
    }

    /// A page whose references are all the cache's becomes the current page, wholly free.
    private mutating func install(_ id: Int) {
        pages[id]!.refcount = maxSize + 1
        bias = maxSize + 1
        remaining = size(of: id)
        cachePage = id
        reuses += 1
    }

    private func isCurrent(_ ticket: (slot: Int, park: Int)) -> Bool {
        left[ticket.slot]?.park == ticket.park
    }

    /// The oldest park first: stale tickets are dropped, a whole pfmemalloc page goes back,
    /// a whole page becomes the current page; a page with fragments out stops the search.
    private mutating func reuseWholeLeftPage() -> Bool {
        while let ticket = tickets.first {
            guard isCurrent(ticket) else {
                tickets.removeFirst()
                continue
            }
            let (id, held, _) = left[ticket.slot]!
            guard pages[id]!.refcount == held else { return false }
            tickets.removeFirst()
            if pages[id]!.pfmemalloc {
                evict(ticket.slot)
                continue
            }
            left[ticket.slot] = nil
            install(id)
            return true
        }
        return false
    }

    private mutating func park(_ id: Int, bias held: Int) {
        let slot = slots[id]!
        evict(slot)
        if tickets.count == 256 {
            let oldest = tickets.removeFirst()
            if isCurrent(oldest) { evict(oldest.slot) }
        }
        left[slot] = (id, held, nextPark)
        tickets.append((slot, nextPark))
        nextPark += 1
    }

    private mutating func evict(_ slot: Int) {
        if let (id, held, _) = left.removeValue(forKey: slot) { _ = put(id, held) }
    }

    private mutating func dropLeft() {
        for slot in 0 ..< slotCount { evict(slot) }
        tickets = []
    }

    /// The owner's free in the owner-local model: local for the current page and left pages.
    mutating func ownerFree(page id: Int) {
        precondition(ownerLocal)
        if bypass > 0 {
            _ = put(id, 1)
        } else if id == cachePage {
            bias += 1
        } else if let slot = slots[id], left[slot]?.id == id {
            left[slot]!.bias += 1
        } else {
            _ = put(id, 1)
        }
    }

    /// The references the cache holds on page `id`.
    func heldReferences(_ id: Int) -> Int {
        (id == cachePage ? bias : 0) + left.values.filter { $0.id == id }.map(\.bias).reduce(0, +)
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
        dropLeft()
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
