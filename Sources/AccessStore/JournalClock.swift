import Foundation

/// The wall clock the journal reads: UTC milliseconds since 1970-01-01T00:00:00Z.
///
/// Injected so tests and simulations decide what time it is.
public struct JournalClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock that calls `read` for the current UTC time in milliseconds.
    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    /// The current UTC time in milliseconds since the Unix epoch.
    public func nowMilliseconds() -> Int64 { read() }

    /// The system clock.
    public static let system = JournalClock {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// A clock that always answers the same instant.
    public static func fixed(milliseconds: Int64) -> JournalClock {
        JournalClock { milliseconds }
    }
}
