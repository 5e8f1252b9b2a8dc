import Foundation
import GRDB

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
        if let row = try Row.fetchOne(
            db, sql: "SELECT seq, hash, time_ms FROM journal_event ORDER BY seq DESC LIMIT 1")
        {
            return Head(
                sequence: try row.decode(atIndex: 0), hash: try row.decode(atIndex: 1),
                timeMilliseconds: try row.decode(atIndex: 2))
        }
        if let row = try Row.fetchOne(
            db, sql: "SELECT c.seq, c.hash FROM journal_anchor a JOIN journal_checkpoint c ON c.seq = a.seq")
        {
            return Head(
                sequence: try row.decode(atIndex: 0), hash: try row.decode(atIndex: 1), timeMilliseconds: .min)
        }
        return Head(sequence: 0, hash: CanonicalEventEncoding.genesisHash, timeMilliseconds: .min)
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
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO journal_event (seq, time_ms, type, door_id, zone_id, person_id, card_id, decision,
                    reason, actor, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var committed: [JournalEvent] = []
        committed.reserveCapacity(events.count)
        for event in events {
            let sequence = head.sequence + 1
            let time = max(now, head.timeMilliseconds)
            let hash = CanonicalEventEncoding.hash(
                previousHash: head.hash, sequence: sequence, timeMilliseconds: time, event: event)
            try statement.execute(arguments: [
                sequence, time, event.type.rawValue, event.doorId, event.zoneId, event.personId, event.cardId,
                event.decision?.rawValue, event.reason, event.actor, event.details, head.hash, hash,
            ])
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
        let last = try Row.fetchOne(
            db, sql: "SELECT seq, signed_at_ms FROM journal_checkpoint ORDER BY seq DESC LIMIT 1")
        let lastSequence: Int64 = try last?.decode(atIndex: 0) ?? 0
        let lastSignedAt: Int64? = try last?.decode(atIndex: 1)
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
        let object = try? JSONSerialization.jsonObject(with: Data(event.details.utf8), options: [])
        guard event.details.utf8.first == UInt8(ascii: "{"), object is [String: Any] else {
            throw AccessStoreError(.invalidInput, "event details must be a JSON object")
        }
    }
}
