import Foundation

/// An optional validity window `[from, until)`: valid from `from` (inclusive) until `until` (exclusive).
///
/// A missing bound is open. Used for credentials, access levels and level assignments.
public struct ValidityWindow: Sendable, Hashable {
    public var from: Date?
    public var until: Date?

    public init(from: Date? = nil, until: Date? = nil) {
        self.from = from
        self.until = until
    }

    /// Always valid.
    public static let always = ValidityWindow()

    /// Whether the window holds the instant.
    public func contains(_ instant: Date) -> Bool {
        if let from, instant < from { return false }
        if let until, instant >= until { return false }
        return true
    }

    /// Whether both bounds are set and `until` is not after `from` (an empty, inverted window).
    public var isInverted: Bool {
        guard let from, let until else { return false }
        return until <= from
    }
}

/// A validity window compiled to whole Unix seconds for the snapshot.
struct CompiledWindow: Sendable {
    var from: Int64
    var until: Int64

    init(_ window: ValidityWindow) {
        from = window.from.map { LocalTime.unixSeconds(of: $0) } ?? Int64.min
        until = window.until.map { LocalTime.unixSeconds(of: $0) } ?? Int64.max
    }

    init(from: Int64, until: Int64) {
        self.from = from
        self.until = until
    }

    func contains(_ seconds: Int64) -> Bool { seconds >= from && seconds < until }

    /// The intersection of two windows.
    func intersected(with other: CompiledWindow) -> CompiledWindow {
        CompiledWindow(from: max(from, other.from), until: min(until, other.until))
    }
}
