import Foundation

/// One message of a `text/event-stream`.
struct ServerSentEvent: Sendable, Hashable {
    /// The `id:` of this message, if it had one.
    var id: String?
    /// The `event:` name; `message` when absent.
    var event: String
    /// The `data:` lines joined with newlines.
    var data: String
}

/// Reads a `text/event-stream` body fed in arbitrary chunks, as the HTML standard's event-stream interpretation
/// says: lines end in CR, LF or CRLF (also across chunks); `:` starts a comment; a blank line dispatches the message;
/// one space after the colon is dropped; `id` with a NUL is ignored; `retry` sets the reconnection delay.
struct ServerSentEventParser: Sendable {
    /// The last event id seen (kept across messages, as `Last-Event-ID` wants).
    private(set) var lastEventId: String?
    /// The reconnection delay the server asked for, in milliseconds.
    private(set) var retryMilliseconds: Int?

    private var line: [UInt8] = []
    private var afterCR = false
    private var data: [String] = []
    private var eventName = ""
    private var messageId: String?
    private var sawField = false

    /// The messages completed by `chunk`.
    mutating func feed(_ chunk: some Sequence<UInt8>) -> [ServerSentEvent] {
        var messages: [ServerSentEvent] = []
        for byte in chunk {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                afterCR = true
                if let message = endLine() { messages.append(message) }
            case UInt8(ascii: "\n"):
                if let message = endLine() { messages.append(message) }
            default:
                line.append(byte)
            }
        }
        return messages
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        var field = text
        var value = ""
        if let colon = text.firstIndex(of: ":") {
            field = String(text[..<colon])
            value = String(text[text.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
        }
        switch field {
        case "data":
            data.append(value)
            sawField = true
        case "event":
            eventName = value
            sawField = true
        case "id" where !value.contains("\u{0}"):
            lastEventId = value
            messageId = value
            sawField = true
        case "retry":
            if let milliseconds = Int(value), milliseconds >= 0, value.allSatisfy(\.isASCII) {
                retryMilliseconds = milliseconds
            }
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            data = []
            eventName = ""
            messageId = nil
            sawField = false
        }
        guard sawField, !data.isEmpty else { return nil }
        return ServerSentEvent(id: messageId, event: eventName.isEmpty ? "message" : eventName,
            data: data.joined(separator: "\n"))
    }
}
