import DoorAgent
import Foundation

/// One journal event as the API sends it (`GET /v1/events` items, `data:` of the event stream), with the JSON text
/// it came as, so `--json` passes the server's object on unchanged.
struct EventRecord: Sendable, Hashable, Decodable {
    var id: String
    var sequence: Int64
    var time: Date
    var type: String
    var doorId: String?
    var zoneId: String?
    var personId: String?
    var cardId: String?
    var decision: String?
    var reason: String?
    var actor: String?
    /// The event object as one line of JSON.
    var json = ""

    private enum CodingKeys: String, CodingKey {
        case id, sequence, time, type, doorId, zoneId, personId, cardId, decision, reason, actor
    }

    /// Reads one event object from JSON text.
    init(json: String) throws(GateAPIError) {
        self = try GateAPIClient.decode(Self.self, from: Data(json.utf8))
        self.json = json.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The events of a `{items: [...], nextCursor}` page, each with its own line of JSON, and the cursor.
    static func page(_ data: Data) throws(GateAPIError) -> (events: [EventRecord], nextCursor: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let items = object["items"] as? [Any]
        else { throw .malformedAnswer("an event page is {items, nextCursor}") }
        var events: [EventRecord] = []
        for item in items {
            guard JSONSerialization.isValidJSONObject(item),
                let line = try? JSONSerialization.data(withJSONObject: item,
                    options: [.sortedKeys, .withoutEscapingSlashes])
            else { throw .malformedAnswer("an event is a JSON object") }
            events.append(try EventRecord(json: String(decoding: line, as: UTF8.self)))
        }
        return (events, object["nextCursor"] as? String)
    }
}
