import Foundation
import GRDB
import GRDBSQLite

/// Appends events and checkpoints inside a write transaction that the caller owns.
///
/// `EventJournal` uses it for group commit; code that must log an administrative change atomically
/// with the change itself calls `append(_:in:)` inside its own `writer.write` transaction.
public struct JournalWriter: Sendable {
    public var clock: JournalClock
    /// Signs checkpoints; without a key no checkpoints are written (verify then reports the events as unsigned).
    public var key: JournalKey?
    public var checkpointPolicy: CheckpointPolicy

    public init(clock: JournalClock = .system, key: JournalKey?, checkpointPolicy: CheckpointPolicy = .init()) {
        self.clock = clock
        self.key = key
        self.checkpointPolicy = checkpointPolicy
    }

    /// The last committed event's sequence, hash and time (or the anchor's, or the genesis values).
    struct Head {
        var sequence: Int64
        var hash: Data
        var timeMilliseconds: Int64
    }

    static func head(_ db: Database) throws -> Head {
        let last = try db.cachedStatement(
            sql: "SELECT seq, hash, time_ms FROM journal_event ORDER BY seq DESC LIMIT 1")
        if let head = try Self.firstRow(of: last, { statement in
            Head(
                sequence: sqlite3_column_int64(statement, 0), hash: RawEvent.blob(statement, 1),
                timeMilliseconds: sqlite3_column_int64(statement, 2))
        }) {
            return head
        }
        if let row = try Row.fetchOne(
            db, sql: "SELECT c.seq, c.hash FROM journal_anchor a JOIN journal_checkpoint c ON c.seq = a.seq")
        {
            return Head(
                sequence: try row.decode(atIndex: 0), hash: try row.decode(atIndex: 1), timeMilliseconds: .min)
        }
        return Head(sequence: 0, hash: CanonicalEventEncoding.genesisHash, timeMilliseconds: .min)
    }

    /// Steps a cached statement without arguments to its first row and reads it with `read`, straight from
    /// SQLite: GRDB's row decoding cost more than the query on the commit path.
    static func firstRow<T>(of statement: Statement, _ read: (OpaquePointer) -> T) throws -> T? {
        let raw = statement.sqliteStatement
        sqlite3_reset(raw)
        defer { sqlite3_reset(raw) }
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return read(raw)
        case SQLITE_DONE: return nil
        default: throw AccessStoreError.sqlite(code, sqlite3_db_handle(raw))
        }
    }

    /// Appends `events` in order, then writes a checkpoint if one is due.
    ///
    /// Times never go backwards: an event gets `max(clock, previous event time)`.
    /// - Returns: the events as they will be committed with the caller's transaction.
    public func append(_ events: [NewJournalEvent], in db: Database) throws -> [JournalEvent] {
        try append(events, in: db, validated: false)
    }

    func append(_ events: [NewJournalEvent], in db: Database, validated: Bool) throws -> [JournalEvent] {
        if !validated {
            for event in events {
                try Self.validate(event)
            }
        }
        var head = try Self.head(db)
        let now = clock.nowMilliseconds()
        var inserter = try JournalEventInserter(in: db)
        var committed: [JournalEvent] = []
        committed.reserveCapacity(events.count)
        for event in events {
            // Only an edited file gets here; the append fails (and a tap is denied) instead of the daemon trapping.
            guard head.sequence < .max else {
                throw AccessStoreError(.corruptDatabase, "the journal's last sequence is the largest possible")
            }
            let sequence = head.sequence + 1
            let time = max(now, head.timeMilliseconds)
            let hash = try inserter.insert(
                event, sequence: sequence, timeMilliseconds: time, previousHash: head.hash)
            committed.append(
                JournalEvent(
                    sequence: sequence, timeMilliseconds: time, event: event, previousHash: head.hash, hash: hash))
            head = Head(sequence: sequence, hash: hash, timeMilliseconds: time)
        }
        try checkpoint(in: db, head: head, now: now, force: false)
        return committed
    }

    /// Writes a checkpoint for the head if the policy says one is due (or `force`), and returns it.
    @discardableResult
    public func checkpointIfDue(in db: Database, force: Bool = false) throws -> JournalCheckpoint? {
        try checkpoint(in: db, head: try Self.head(db), now: clock.nowMilliseconds(), force: force)
    }

    @discardableResult
    private func checkpoint(in db: Database, head: Head, now: Int64, force: Bool) throws -> JournalCheckpoint? {
        guard let key else { return nil }
        let last = try Self.firstRow(
            of: db.cachedStatement(sql: "SELECT seq, signed_at_ms FROM journal_checkpoint ORDER BY seq DESC LIMIT 1")
        ) { statement in (sqlite3_column_int64(statement, 0), sqlite3_column_int64(statement, 1)) }
        let lastSequence = last?.0 ?? 0
        let lastSignedAt = last?.1
        let due = force
            ? head.sequence > lastSequence
            : checkpointPolicy.isDue(
                head: head.sequence, lastCheckpoint: lastSequence, lastSignedAt: lastSignedAt, now: now)
        guard due else { return nil }
        let checkpoint = try JournalCheckpoint.sign(
            sequence: head.sequence, hash: head.hash, signedAtMilliseconds: now, key: key)
        try Self.insert(checkpoint, in: db)
        return checkpoint
    }

    static func insert(_ checkpoint: JournalCheckpoint, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO journal_key (public_key, first_used_ms) VALUES (?, ?)",
            arguments: [checkpoint.publicKey, checkpoint.signedAtMilliseconds])
        try db.execute(
            sql: """
                INSERT INTO journal_checkpoint (seq, hash, signed_at_ms, public_key, signature)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                checkpoint.sequence, checkpoint.hash, checkpoint.signedAtMilliseconds, checkpoint.publicKey,
                checkpoint.signature,
            ])
    }

    /// Refuses an event the schema would refuse, before it can fail a whole commit group.
    static func validate(_ event: NewJournalEvent) throws(AccessStoreError) {
        func isCode(_ text: String) -> Bool {
            (1...64).contains(text.utf8.count)
                && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        }
        guard isCode(event.type.rawValue) else {
            throw AccessStoreError(.invalidInput, "event type '\(event.type)' is not a snake_case code")
        }
        if let reason = event.reason, !isCode(reason) {
            throw AccessStoreError(.invalidInput, "reason '\(reason)' is not a snake_case code")
        }
        guard (event.type == .accessDecision) == (event.decision != nil) else {
            throw AccessStoreError(.invalidInput, "a decision is required on access_decision events and only there")
        }
        guard event.details.utf8.first == UInt8(ascii: "{"), JSONSyntax.isObject(event.details) else {
            throw AccessStoreError(.invalidInput, "event details must be a JSON object")
        }
    }
}
