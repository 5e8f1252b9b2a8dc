import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// A journal row exactly as stored, for verification: text fields as raw bytes, hashes as bytes.
///
/// The static functions work on a statement positioned on a row selected with `JournalEvent.columns`,
/// without copying; the struct holds a copy for the few rows examined after damage is found.
struct RawEvent {
    /// Column indexes of the nine text fields in canonical order.
    static let textColumns: ClosedRange<Int32> = 2...10
    static let previousHashColumn: Int32 = 11
    static let hashColumn: Int32 = 12

    var sequence: Int64
    var timeMilliseconds: Int64
    var fields: [[UInt8]?]
    var previousHash: [UInt8]
    var hash: [UInt8]
    var typesAreValid: Bool

    /// Whether both hashes are 32-byte blobs.
    ///
    /// Other columns are hashed by their stored bytes whatever their type: a value SQLite stores with
    /// another type but the same bytes (possible only if the STRICT table is rebuilt) means the same.
    static func columnTypesAreValid(_ statement: OpaquePointer) -> Bool {
        sqlite3_column_type(statement, previousHashColumn) == SQLITE_BLOB
            && sqlite3_column_bytes(statement, previousHashColumn) == 32
            && sqlite3_column_type(statement, hashColumn) == SQLITE_BLOB
            && sqlite3_column_bytes(statement, hashColumn) == 32
    }

    /// Whether the row's hashes are 32-byte blobs, its stored hash is SHA-256(stored previous hash || canonical
    /// encoding), and its stored previous hash is `expectedPrevious` when one is given; if so, copies the
    /// stored hash to `link` (32 bytes).
    ///
    /// The verifier's inner loop: each column is fetched once as an `sqlite3_value` and read with the
    /// `sqlite3_value_*` functions, which skip the per-call checks of `sqlite3_column_*` (two column calls per
    /// field were a third of the SQLite time per row).
    static func check(
        _ statement: OpaquePointer, sequence: Int64, expectedPrevious: UnsafeRawPointer?, buffer: ScratchBuffer,
        link: UnsafeMutableRawPointer
    ) -> Bool {
        guard let previousValue = sqlite3_column_value(statement, previousHashColumn),
            let hashValue = sqlite3_column_value(statement, hashColumn),
            sqlite3_value_type(previousValue) == SQLITE_BLOB, sqlite3_value_type(hashValue) == SQLITE_BLOB,
            let storedPrevious = sqlite3_value_blob(previousValue), sqlite3_value_bytes(previousValue) == 32,
            let stored = sqlite3_value_blob(hashValue), sqlite3_value_bytes(hashValue) == 32
        else { return false }
        if let expectedPrevious, memcmp(expectedPrevious, storedPrevious, 32) != 0 { return false }
        buffer.reset()
        buffer.append(storedPrevious, count: 32)
        CanonicalEventEncoding.appendHeader(
            sequence: sequence, timeMilliseconds: sqlite3_column_int64(statement, 1), to: buffer)
        for column in textColumns {
            let value = sqlite3_column_value(statement, column)
            let text = sqlite3_value_text(value)
            CanonicalEventEncoding.appendField(
                text, count: Int(sqlite3_value_bytes(value)), isNull: text == nil, to: buffer)
        }
        let matches = buffer.sha256().withUnsafeBytes { digest in
            digest.baseAddress.map { memcmp($0, stored, 32) } == 0
        }
        if matches { memcpy(link, stored, 32) }
        return matches
    }

    /// Runs `body` with a statement that yields the rows with sequences in `from...through`, in order.
    static func withRows<T>(
        in db: Database, from: Int64, through: Int64, _ body: (RowStepper) throws -> T
    ) throws -> T {
        let connection = db.sqliteConnection
        var statement: OpaquePointer?
        let sql = "SELECT \(JournalEvent.columns) FROM journal_event WHERE seq BETWEEN ? AND ? ORDER BY seq"
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw AccessStoreError.sqlite(code, connection) }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_int64(statement, 1, from)
        sqlite3_bind_int64(statement, 2, through)
        return try body(RowStepper(statement: statement, connection: connection))
    }

    /// Steps a statement opened by `withRows`.
    struct RowStepper {
        let statement: OpaquePointer
        let connection: OpaquePointer?

        /// Moves to the next row: `true` on a row, `false` after the last; throws on an SQLite error.
        func next() throws -> Bool {
            let code = sqlite3_step(statement)
            if code == SQLITE_ROW { return true }
            if code == SQLITE_DONE { return false }
            throw AccessStoreError.sqlite(code, connection)
        }
    }

    /// Reads the rows with sequences in `from...through`.
    static func fetch(in db: Database, from: Int64, through: Int64) throws -> [RawEvent] {
        try withRows(in: db, from: from, through: through) { rows in
            var events: [RawEvent] = []
            while try rows.next() {
                events.append(RawEvent(rows.statement))
            }
            return events
        }
    }

    init(_ statement: OpaquePointer) {
        typesAreValid = Self.columnTypesAreValid(statement)
        sequence = sqlite3_column_int64(statement, 0)
        timeMilliseconds = sqlite3_column_int64(statement, 1)
        fields = Self.textColumns.map { column in
            guard let text = sqlite3_column_text(statement, column) else { return nil }
            return Array(UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))))
        }
        previousHash = Self.bytes(statement, Self.previousHashColumn)
        hash = Self.bytes(statement, Self.hashColumn)
    }

    /// A column's blob as `Data` (empty for `NULL`).
    static func blob(_ statement: OpaquePointer, _ column: Int32) -> Data {
        guard let blob = sqlite3_column_blob(statement, column) else { return Data() }
        return Data(bytes: blob, count: Int(sqlite3_column_bytes(statement, column)))
    }

    static func bytes(_ statement: OpaquePointer, _ column: Int32) -> [UInt8] {
        guard let blob = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(statement, column))))
    }

    /// Whether the stored hash is right if the event had been written at `sequence`.
    func hashes(as sequence: Int64) -> Bool {
        guard previousHash.count == 32 else { return false }
        let buffer = ScratchBuffer()
        previousHash.withUnsafeBytes { buffer.append($0) }
        CanonicalEventEncoding.appendHeader(sequence: sequence, timeMilliseconds: timeMilliseconds, to: buffer)
        for field in fields {
            if let field {
                field.withUnsafeBytes {
                    CanonicalEventEncoding.appendField($0.baseAddress, count: $0.count, isNull: false, to: buffer)
                }
            } else {
                CanonicalEventEncoding.appendField(nil, count: 0, isNull: true, to: buffer)
            }
        }
        return Array(buffer.sha256()) == hash
    }
}
