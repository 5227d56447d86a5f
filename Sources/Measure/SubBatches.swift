/// A sample larger than a workload's batch limit runs as several timed batches.
public enum SubBatches {
    /// The batch sizes of a sample of `operations`: as few batches as the limit allows, sizes
    /// differing by at most one (so no short tail batch with a different refill share).
    public static func sizes(operations: Int, limit: Int?) -> [Int] {
        guard operations > 0 else { return [] }
        guard let limit, limit > 0, operations > limit else { return [operations] }
        let count = (operations + limit - 1) / limit
        let small = operations / count
        let larger = operations % count
        return (0..<count).map { $0 < larger ? small + 1 : small }
    }
}

extension CounterValue {
    /// The totals of several timed batches of one sample, counter by counter (the batches
    /// report the same counters in the same order). A counter unavailable in any batch is
    /// unavailable for the sample, with the first reason; the scaling ratio is the worst seen.
    public static func summed(_ parts: [[CounterValue]]) -> [CounterValue] {
        guard let first = parts.first else { return [] }
        guard parts.count > 1 else { return first }
        return first.enumerated().map { index, template in
            var total = 0.0
            var status: String?
            var scaling: Double?
            for part in parts {
                guard index < part.count, part[index].name == template.name, let value = part[index].value else {
                    let reason = index < part.count && part[index].name == template.name
                        ? (part[index].status ?? "unavailable in one of the sample's batches")
                        : "missing from one of the sample's batches"
                    return .unavailable(template.name, source: template.source, reason: reason)
                }
                total += value
                status = status ?? part[index].status
                if let s = part[index].scalingRatio { scaling = min(scaling ?? s, s) }
            }
            return CounterValue(name: template.name, source: template.source, value: total, status: status, scalingRatio: scaling)
        }
    }
}
