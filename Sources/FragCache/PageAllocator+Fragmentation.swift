import Synchronization

/// Arena fragmentation for the pressure workload: pin single pages so that free memory is
/// left in small pieces and high-order requests fail as they do on a long-running machine.
/// Pinned pages count as in use (someone else holds them) but not as requests or frees.
extension BuddyLists {
    /// Pins the last page of every free-able group of `group` pages below page `limit` and
    /// rebuilds the free lists around the pins. O(pages), under the lock.
    func pinForFragmentation(limit: Int, group: Int) -> [Page] {
        core.withLock { state in
            var free = [Bool](repeating: false, count: pageCount)
            for order in 0 ..< BuddyState.orderCount {
                while state.freeHeads[order] >= 0 {
                    let head = state.freeHeads[order]
                    for i in Int(head) ..< Int(head) + (1 << order) { free[i] = true }
                    unlink(index: head, order: order, state: &state)
                }
            }
            var pins: [Page] = []
            for start in stride(from: 0, to: min(limit, pageCount), by: group) {
                let index = start + group - 1
                guard index < pageCount, free[index] else { continue }
                free[index] = false
                let d = descriptors + index
                d.pointee.flags = .allocated
                d.pointee.order = 0
                d.pointee.head = Int32(index)
                d.pointee.refcount.store(1, ordering: .relaxed)
                pins.append(Page(index: Int32(index)))
            }
            state.pagesInUse += pins.count
            state.pinnedPages += pins.count
            state.peakPagesInUse = max(state.peakPagesInUse, state.pagesInUse)
            relinkFreeRuns(free, state: &state)
            return pins
        }
    }

    /// Gives back a page pinned by `pinForFragmentation`.
    func unpin(_ page: Page) {
        let d = descriptors + Int(page.index)
        precondition(d.pointee.flags.contains(.allocated) && d.pointee.order == 0,
                     "unpin: \(page) is not a pinned page")
        d.pointee.refcount.store(0, ordering: .relaxed)
        core.withLock { state in
            state.pagesInUse -= 1
            state.pinnedPages -= 1
            insertMerging(index: page.index, order: 0, state: &state)
        }
    }

    /// Links every free page back as the largest naturally aligned blocks that fit.
    private func relinkFreeRuns(_ free: [Bool], state: inout BuddyState) {
        var index = 0
        while index < pageCount {
            guard free[index] else { index += 1; continue }
            var order = 0
            while order < BuddyState.orderCount - 1 {
                let next = order + 1
                let size = 1 << next
                guard index % size == 0, index + size <= pageCount,
                      free[(index + (1 << order)) ..< (index + size)].allSatisfy({ $0 }) else { break }
                order = next
            }
            link(index: Int32(index), order: order, state: &state)
            index += 1 << order
        }
    }
}
