import AccessStore
import Foundation

/// The JSON form of a journal event in the API:
/// `{id, sequence, time, type, doorId?, zoneId?, personId?, cardId?, decision?, reason?, actor?, details, hash}`.
enum EventRepresentation {
    /// UTC with milliseconds, e.g. `2025-03-01T01:02:03.456Z`.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `{"items": [events, newest first], "nextCursor": "…" or null}`: a page of `GET /v1/events`, each event in
    /// the API form of ``AccessStore/JournalEventJSON``.
    static func page(_ page: JournalPage) -> [UInt8] {
        var bytes = Array(#"{"items":["#.utf8)
        for (index, event) in page.events.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JournalEventJSON.appendAPIObject(event, to: &bytes)
        }
        bytes.append(contentsOf: #"],"nextCursor":"#.utf8)
        if let cursor = page.nextCursor {
            bytes.append(contentsOf: "\"\(cursor)\"".utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
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
