/// A page handed out by the page allocator, named by the index of its head base page in the
/// arena. It is a plain value: holding one says nothing about holding a reference.
public struct Page: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int32

    @inlinable public init(index: Int32) { self.index = index }

    @inlinable public static func < (a: Page, b: Page) -> Bool { a.index < b.index }

    public var description: String { "page#\(index)" }
}

/// What the allocator did, for observers such as the trace replay. Reported outside the
/// allocator's lock, on the thread that caused it.
public enum PageEvent: Sendable, Equatable {
    /// A request was met; the page starts with refcount 1.
    case allocated(Page, order: Int, pfmemalloc: Bool)
    /// A page went back to the allocator.
    case released(Page, order: Int)
}

public typealias PageEventObserver = @Sendable (PageEvent) -> Void
