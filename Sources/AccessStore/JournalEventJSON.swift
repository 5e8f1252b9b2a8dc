import Foundation

/// A journal event as one JSON object, written straight into bytes.
///
/// Both forms leave absent fields out and embed the stored `details` object as it is (the schema holds only valid
/// JSON objects there; anything else is written as `{}`). Building the object through `JSONSerialization` instead
/// cost about 150 us per event, which a page of 500 events or a live stream under load cannot afford.
public enum JournalEventJSON {
    /// The form of the API (`GET /v1/events`, the live event stream): keys in sorted order, the sequence also as
    /// the string `id`, no previous hash.
    public static func appendAPIObject(_ event: JournalEvent, to buffer: inout [UInt8]) {
        // The writer takes the caller's bytes over (the caller's reference is dropped, so nothing is copied).
        var object = ObjectWriter(buffer: buffer)
        buffer = []
        object.string("actor", event.actor)
        object.string("cardId", event.cardId)
        object.string("decision", event.decision?.rawValue)
        object.raw("details", validDetails(event.details))
        object.string("doorId", event.doorId)
        object.hex("hash", event.hash)
        object.string("id", String(event.sequence))
        object.string("personId", event.personId)
        object.string("reason", event.reason)
        object.raw("sequence", String(event.sequence))
        object.time("time", event.timeMilliseconds)
        object.string("type", event.type.rawValue)
        object.string("zoneId", event.zoneId)
        buffer = object.finish()
    }

    /// The form of a JSON Lines export line (without its line break): the columns in table order, previous hash
    /// included, so that a reader can check the chain from the export alone.
    static func appendExportObject(_ event: JournalEvent, to buffer: inout [UInt8]) {
        var object = ObjectWriter(buffer: buffer)
        buffer = []
        object.raw("sequence", String(event.sequence))
        object.time("time", event.timeMilliseconds)
        object.string("type", event.type.rawValue)
        object.string("doorId", event.doorId)
        object.string("zoneId", event.zoneId)
        object.string("personId", event.personId)
        object.string("cardId", event.cardId)
        object.string("decision", event.decision?.rawValue)
        object.string("reason", event.reason)
        object.string("actor", event.actor)
        object.raw("details", validDetails(event.details))
        object.hex("previousHash", event.previousHash)
        object.hex("hash", event.hash)
        buffer = object.finish()
    }

    /// Lowercase hex of `data`.
    static func hex(_ data: Data) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count * 2)
        appendHex(data, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendHex(_ data: Data, to bytes: inout [UInt8]) {
        for byte in data {
            bytes.append(EventDetails.hexDigit(byte >> 4))
            bytes.append(EventDetails.hexDigit(byte & 0xF))
        }
    }

    private static func validDetails(_ details: String) -> String {
        JSONSyntax.isObject(details) ? details : "{}"
    }

    /// Writes `{"name":value,...}`, a comma before every member but the first.
    private struct ObjectWriter {
        var buffer: [UInt8]
        var empty = true

        init(buffer: [UInt8]) {
            self.buffer = buffer
            self.buffer.append(UInt8(ascii: "{"))
        }

        mutating func name(_ name: String) {
            if !empty { buffer.append(UInt8(ascii: ",")) }
            empty = false
            buffer.append(0x22)
            buffer.append(contentsOf: name.utf8)
            buffer.append(contentsOf: [0x22, UInt8(ascii: ":")])
        }

        mutating func string(_ name: String, _ value: String?) {
            guard let value else { return }
            self.name(name)
            EventDetails.appendString(value, to: &buffer)
        }

        /// `value` is JSON text already (a number, or a checked object).
        mutating func raw(_ name: String, _ value: String) {
            self.name(name)
            buffer.append(contentsOf: value.utf8)
        }

        mutating func hex(_ name: String, _ value: Data) {
            self.name(name)
            buffer.append(0x22)
            JournalEventJSON.appendHex(value, to: &buffer)
            buffer.append(0x22)
        }

        mutating func time(_ name: String, _ milliseconds: Int64) {
            self.name(name)
            buffer.append(0x22)
            UTCTimestamp.append(milliseconds: milliseconds, to: &buffer)
            buffer.append(0x22)
        }

        consuming func finish() -> [UInt8] {
            buffer.append(UInt8(ascii: "}"))
            return buffer
        }
    }
}
