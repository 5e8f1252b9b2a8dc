import Foundation

/// The filters of `GET /v1/events`, also applied to the live stream (which has none of its own).
struct EventFilter: Sendable, Hashable {
    var personId: String?
    var doorId: String?
    var zoneId: String?
    var decision: String?
    var reason: String?
    var type: String?
    /// Inclusive.
    var from: Date?
    /// Exclusive.
    var to: Date?

    /// The query parameters of `GET /v1/events`.
    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        let exact: [(String, String?)] = [
            ("personId", personId), ("doorId", doorId), ("zoneId", zoneId), ("decision", decision),
            ("reason", reason), ("type", type),
        ]
        for case (let name, let value?) in exact { items.append((name, value)) }
        if let from { items.append(("from", Self.apiTime(from))) }
        if let to { items.append(("to", Self.apiTime(to))) }
        return items
    }

    /// Whether `event` passes every filter, as the server's query would decide.
    func matches(_ event: EventRecord) -> Bool {
        let pairs: [(String?, String?)] = [
            (personId, event.personId), (doorId, event.doorId), (zoneId, event.zoneId),
            (decision, event.decision), (reason, event.reason), (type, event.type),
        ]
        for (wanted, actual) in pairs where wanted != nil && wanted != actual { return false }
        let milliseconds = (event.time.timeIntervalSince1970 * 1000).rounded(.down)
        if let from, milliseconds < (from.timeIntervalSince1970 * 1000).rounded(.down) { return false }
        if let to, milliseconds >= (to.timeIntervalSince1970 * 1000).rounded(.down) { return false }
        return true
    }

    /// UTC with milliseconds, as the API writes times.
    static func apiTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
