import Foundation
import GRDB

/// The export formats of the journal.
public enum JournalExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV in UTF-8 with a byte order mark, so spreadsheet programs show Vietnamese correctly.
    case csv
    /// JSON Lines: one JSON object per event, absent fields left out.
    case jsonl
}

/// Streams journal events, oldest first, as CSV or JSON Lines in fixed-size chunks.
public struct JournalExporter: Sendable {
    public var format: JournalExportFormat
    /// Inclusive lower bound, UTC milliseconds.
    public var fromMilliseconds: Int64?
    /// Exclusive upper bound, UTC milliseconds.
    public var toMilliseconds: Int64?

    /// Output is handed to the sink in chunks of about this many bytes.
    static let chunkSize = 1 << 16

    public init(format: JournalExportFormat, fromMilliseconds: Int64? = nil, toMilliseconds: Int64? = nil) {
        self.format = format
        self.fromMilliseconds = fromMilliseconds
        self.toMilliseconds = toMilliseconds
    }

    static let csvHeader =
        "sequence,time,type,door_id,zone_id,person_id,card_id,decision,reason,actor,details,previous_hash,hash\r\n"

    /// Exports from `store` in one read transaction of its own: the store's failures are thrown as
    /// `AccessStoreError`, the sink's as they are.
    public func export(
        from store: AccessStore, to sink: (UnsafeRawBufferPointer) throws -> Void,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> Int64 {
        do {
            return try store.writer.read { db in try export(in: db, to: sink, progress: progress) }
        } catch let error as DatabaseError {
            throw AccessStoreError(error)
        }
    }

    /// Exports inside a read transaction the caller owns and returns the number of events written.
    ///
    /// - Parameters:
    ///   - sink: receives the output in order; its errors stop the export.
    ///   - progress: called now and then with (events written, events in range).
    public func export(
        in db: Database, to sink: (UnsafeRawBufferPointer) throws -> Void,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> Int64 {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.chunkSize + 4096)
        if format == .csv {
            buffer.append(contentsOf: [0xEF, 0xBB, 0xBF])
            buffer.append(contentsOf: Self.csvHeader.utf8)
        }
        var written: Int64 = 0
        if let range = try JournalQuery.sequences(from: fromMilliseconds, to: toMilliseconds, in: db) {
            let total = range.upperBound - range.lowerBound + 1
            progress?(0, total)
            // The stored details, byte for byte (the hash covers them), in both formats.
            let rows = try Row.fetchCursor(
                db, sql: "SELECT \(JournalEvent.columns) FROM journal_event WHERE seq BETWEEN ? AND ? ORDER BY seq",
                arguments: [range.lowerBound, range.upperBound])
            while let row = try rows.next() {
                let event = try JournalEvent(row: row)
                switch format {
                case .csv: Self.appendCSV(event, to: &buffer)
                case .jsonl: Self.appendJSON(event, to: &buffer)
                }
                written += 1
                if buffer.count >= Self.chunkSize {
                    try buffer.withUnsafeBytes(sink)
                    buffer.removeAll(keepingCapacity: true)
                    progress?(written, total)
                }
            }
            progress?(written, total)
        }
        if !buffer.isEmpty { try buffer.withUnsafeBytes(sink) }
        return written
    }

    static func appendCSV(_ event: JournalEvent, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: String(event.sequence).utf8)
        buffer.append(UInt8(ascii: ","))
        UTCTimestamp.append(milliseconds: event.timeMilliseconds, to: &buffer)
        let type: String? = event.type.rawValue
        let fields: [String?] = [
            type, event.doorId, event.zoneId, event.personId, event.cardId, event.decision?.rawValue,
            event.reason, event.actor, event.details, hex(event.previousHash), hex(event.hash),
        ]
        for field in fields {
            buffer.append(UInt8(ascii: ","))
            if let field { appendCSVField(field, to: &buffer) }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
    }

    /// Quotes a field when it holds a comma, quote or line break, and defuses text a spreadsheet would
    /// run as a formula (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front).
    static func appendCSVField(_ field: String, to buffer: inout [UInt8]) {
        let utf8 = field.utf8
        let formulaStarts: [UInt8] = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]
        let specials: [UInt8] = [0x2C, 0x22, 0x0A, 0x0D]
        let formula = utf8.first.map { formulaStarts.contains($0) } ?? false
        let quoted = utf8.contains { specials.contains($0) }
        if quoted { buffer.append(0x22) }
        if formula { buffer.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        if quoted { buffer.append(0x22) }
    }

    static func appendJSON(_ event: JournalEvent, to buffer: inout [UInt8]) {
        JournalEventJSON.appendExportObject(event, to: &buffer)
        buffer.append(0x0A)
    }

    static func hex(_ data: Data) -> String { JournalEventJSON.hex(data) }
}
