import AccessStore
import Foundation

/// The JSON form of a journal event in the API:
/// `{id, sequence, time, type, doorId?, zoneId?, personId?, cardId?, decision?, reason?, actor?, details, hash}`.
enum EventRepresentation {
    /// UTC with milliseconds, e.g. `2025-03-01T01:02:03.456Z`.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The event as a JSON-serializable dictionary (`details` is the stored object itself).
    static func object(_ event: JournalEvent) -> [String: Any] {
        var object: [String: Any] = [
            "id": String(event.sequence),
            "sequence": event.sequence,
            "time": timeFormat.format(event.time),
            "type": event.type.rawValue,
            "hash": event.hash.map { String(format: "%02x", $0) }.joined(),
        ]
        let optional: [(String, String?)] = [
            ("doorId", event.doorId), ("zoneId", event.zoneId), ("personId", event.personId),
            ("cardId", event.cardId), ("decision", event.decision?.rawValue), ("reason", event.reason),
            ("actor", event.actor),
        ]
        for (key, value) in optional { if let value { object[key] = value } }
        object["details"] = (try? JSONSerialization.jsonObject(with: Data(event.details.utf8))) ?? [String: Any]()
        return object
    }

    /// `object` serialized with sorted keys.
    static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
    }

    /// Parses an API time: ISO 8601 with or without fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        if let date = try? timeFormat.parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
