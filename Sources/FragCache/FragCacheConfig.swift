/// The cache's run-time configuration (SPEC 1): the base page size and
/// `PAGE_FRAG_CACHE_MAX_SIZE`.
public struct FragCacheConfig: Sendable, Hashable, CustomStringConvertible {
    public static let pageSizes = [4096, 16384, 65536]
    public static let maxOrderLimit = 10

    public let pageSize: Int
    /// The effective max size: a requested value below `pageSize` means `pageSize`.
    public let maxSize: Int
    public let maxOrder: Int

    /// - Throws: when `pageSize` is not 4K, 16K or 64K, or `maxSize` is neither below
    ///   `pageSize` nor `pageSize << k` for k in 0...10.
    public init(pageSize: Int = 4096, maxSize: Int = 32768) throws(FragCacheConfigError) {
        guard Self.pageSizes.contains(pageSize) else { throw .invalidPageSize(pageSize) }
        guard maxSize >= 0 else { throw .invalidMaxSize(maxSize, pageSize: pageSize) }
        if maxSize <= pageSize {
            self.maxOrder = 0
        } else {
            guard maxSize % pageSize == 0 else { throw .invalidMaxSize(maxSize, pageSize: pageSize) }
            let pages = maxSize / pageSize
            guard pages & (pages - 1) == 0, pages.trailingZeroBitCount <= Self.maxOrderLimit else {
                throw .invalidMaxSize(maxSize, pageSize: pageSize)
            }
            self.maxOrder = pages.trailingZeroBitCount
        }
        self.pageSize = pageSize
        self.maxSize = pageSize << maxOrder
    }

    public var pageShift: UInt { UInt(pageSize.trailingZeroBitCount) }

    public var description: String { "page_size=\(pageSize) max_size=\(maxSize)" }
}

public enum FragCacheConfigError: Error, Equatable, CustomStringConvertible {
    case invalidPageSize(Int)
    case invalidMaxSize(Int, pageSize: Int)

    public var description: String {
        switch self {
        case .invalidPageSize(let size):
            return "page size \(size) is not one of 4096, 16384, 65536"
        case .invalidMaxSize(let size, let pageSize):
            return "max size \(size) is neither below the page size \(pageSize) nor \(pageSize) << k for k in 0...10"
        }
    }
}
