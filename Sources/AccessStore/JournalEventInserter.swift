import Foundation
import GRDB
import GRDBSQLite

/// Inserts journal events with one cached SQLite statement, binding each field straight from the buffer that
/// holds the event's canonical encoding.
///
/// The bytes a row stores are exactly the bytes its hash covers, and nothing is allocated per event but the
/// returned hash. Lives for one transaction; not `Sendable`.
struct JournalEventInserter {
    static let sql = """
        INSERT INTO journal_event (seq, time_ms, type, door_id, zone_id, person_id, card_id, decision,
            reason, actor, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    /// The parameter index of the first text field (`type`); the nine follow in canonical order.
    private static let firstTextParameter: Int32 = 3
    private static let previousHashParameter: Int32 = 12
    private static let hashParameter: Int32 = 13

    private let statement: OpaquePointer
    private let connection: OpaquePointer?
    private let buffer = ScratchBuffer(capacity: 1024)
    private var fields = CanonicalEventEncoding.FieldRanges()

    init(in db: Database) throws {
        statement = try db.cachedStatement(sql: Self.sql).sqliteStatement
        connection = db.sqliteConnection
    }

    /// Inserts `event` at `sequence` after the event whose hash is `previousHash`, and returns its hash.
    ///
    /// - Throws: `AccessStoreError` when SQLite refuses the row (a schema check or trigger, a full disk, ...).
    mutating func insert(
        _ event: NewJournalEvent, sequence: Int64, timeMilliseconds: Int64, previousHash: Data
    ) throws(AccessStoreError) -> Data {
        guard previousHash.count == 32 else {
            throw AccessStoreError(.corruptDatabase, "the hash before event \(sequence) is not 32 bytes")
        }
        buffer.reset()
        previousHash.withUnsafeBytes { buffer.append($0) }
        CanonicalEventEncoding.encode(
            sequence: sequence, timeMilliseconds: timeMilliseconds, event: event, to: buffer, fields: &fields)
        let hash = Data(buffer.sha256())
        let hashOffset = buffer.count
        hash.withUnsafeBytes { buffer.append($0) }
        // Bound after the last append: the buffer no longer moves, and SQLite reads it during the step only
        // (SQLITE_STATIC, a nil destructor), so nothing is copied.
        let base = UnsafeRawPointer(buffer.base)
        sqlite3_reset(statement)
        sqlite3_bind_int64(statement, 1, sequence)
        sqlite3_bind_int64(statement, 2, timeMilliseconds)
        for (index, range) in fields.ranges.enumerated() {
            let parameter = Self.firstTextParameter + Int32(index)
            if let range {
                sqlite3_bind_text(
                    statement, parameter, (base + range.lowerBound).assumingMemoryBound(to: CChar.self),
                    Int32(range.count), nil)
            } else {
                sqlite3_bind_null(statement, parameter)
            }
        }
        sqlite3_bind_blob(statement, Self.previousHashParameter, base, 32, nil)
        sqlite3_bind_blob(statement, Self.hashParameter, base + hashOffset, 32, nil)
        let code = sqlite3_step(statement)
        let error = code == SQLITE_DONE ? nil : AccessStoreError.sqlite(code, connection)
        // Unbinds the buffer before it is reused, and leaves the statement idle for GRDB.
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        if let error { throw error }
        return hash
    }
}
