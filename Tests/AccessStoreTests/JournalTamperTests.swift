import AccessStore
import Crypto
import Foundation
import GRDB
import Testing

@Suite struct JournalTamperTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var sql: [String]
        var sequence: Int64
        var kind: JournalDamage.Kind
        var testDescription: String { name }
    }

    /// The journal holds events 1...100, with a checkpoint after every 10 (10, 20, ..., 100).
    static let cases: [Case] = [
        Case(name: "edit a field",
             sql: ["UPDATE journal_event SET reason = 'granted', decision = 'grant' WHERE seq = 44"],
             sequence: 44, kind: .edited),
        Case(name: "edit the time", sql: ["UPDATE journal_event SET time_ms = time_ms + 1 WHERE seq = 44"],
             sequence: 44, kind: .edited),
        Case(name: "edit the details", sql: [#"UPDATE journal_event SET details = '{"index":0}' WHERE seq = 1"#],
             sequence: 1, kind: .edited),
        Case(name: "edit the first event of a range",
             sql: ["UPDATE journal_event SET actor = 'someone' WHERE seq = 43"], sequence: 43, kind: .edited),
        Case(name: "delete the first event of a range", sql: ["DELETE FROM journal_event WHERE seq = 43"],
             sequence: 43, kind: .deleted),
        Case(name: "swap across a range border",
             sql: ["UPDATE journal_event SET seq = 1000000 WHERE seq = 42",
                   "UPDATE journal_event SET seq = 42 WHERE seq = 43",
                   "UPDATE journal_event SET seq = 43 WHERE seq = 1000000"],
             sequence: 42, kind: .reordered),
        Case(name: "edit a stored hash", sql: ["UPDATE journal_event SET hash = randomblob(32) WHERE seq = 44"],
             sequence: 44, kind: .edited),
        Case(name: "delete an event", sql: ["DELETE FROM journal_event WHERE seq = 44"], sequence: 44, kind: .deleted),
        Case(name: "delete the first event", sql: ["DELETE FROM journal_event WHERE seq = 1"], sequence: 1,
             kind: .deleted),
        Case(name: "delete and renumber",
             sql: ["DELETE FROM journal_event WHERE seq = 44",
                   "UPDATE journal_event SET seq = seq + 1000000 WHERE seq > 44",
                   "UPDATE journal_event SET seq = seq - 1000001 WHERE seq > 1000000"],
             sequence: 44, kind: .deleted),
        Case(name: "truncate the end", sql: ["DELETE FROM journal_event WHERE seq > 95"], sequence: 96, kind: .deleted),
        Case(name: "swap two events",
             sql: ["UPDATE journal_event SET seq = 1000000 WHERE seq = 44",
                   "UPDATE journal_event SET seq = 44 WHERE seq = 45",
                   "UPDATE journal_event SET seq = 45 WHERE seq = 1000000"],
             sequence: 44, kind: .reordered),
        Case(name: "insert a forged event",
             sql: ["UPDATE journal_event SET seq = seq + 1000000 WHERE seq >= 44",
                   "UPDATE journal_event SET seq = seq - 999999 WHERE seq > 1000000",
                   "INSERT INTO journal_event (seq, time_ms, type, door_id, person_id, decision, reason, details,"
                   + " prev_hash, hash) SELECT 44, time_ms, 'access_decision', 'door-1', 'person-9', 'grant',"
                   + " 'granted', '{}', hash, randomblob(32) FROM journal_event WHERE seq = 43"],
             sequence: 44, kind: .inserted),
        Case(name: "duplicate an event",
             sql: ["UPDATE journal_event SET seq = seq + 1000000 WHERE seq >= 44",
                   "UPDATE journal_event SET seq = seq - 999999 WHERE seq > 1000000",
                   "INSERT INTO journal_event SELECT 44, time_ms, type, door_id, zone_id, person_id, card_id,"
                   + " decision, reason, actor, details, prev_hash, hash FROM journal_event WHERE seq = 43"],
             sequence: 44, kind: .inserted),
        Case(name: "break a checkpoint signature",
             sql: ["UPDATE journal_checkpoint SET signature = randomblob(64) WHERE seq = 50"],
             sequence: 50, kind: .badCheckpoint),
        Case(name: "move a checkpoint's hash",
             sql: ["UPDATE journal_checkpoint SET hash = (SELECT hash FROM journal_event WHERE seq = 49)"
                   + " WHERE seq = 50"],
             sequence: 50, kind: .badCheckpoint),
    ]

    static func journal(key: JournalKey = .generate()) throws -> AccessStore {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let writer = JournalWriter(clock: time.clock, key: key, checkpointPolicy: CheckpointPolicy(events: 10))
        try Sample.fill(store, count: 100, batch: 10, writer: writer, time: time)
        return store
    }

    /// With 16 ranges of 7 events (1...7, 8...14, ..., 43...49, ...) the damage sits at or near range borders.
    @Test(arguments: cases, [1, 16])
    func tamperingWithSQLIsFoundAtTheRightSequence(_ testCase: Case, ranges: Int) throws {
        let key = JournalKey.generate()
        let store = try Self.journal(key: key)
        let verifier = JournalVerifier(trustedKeys: [key.publicKey], parallelism: ranges, minimumRangeSize: 1)
        #expect(try verifier.verify(store.writer).isIntact)
        for sql in testCase.sql {
            try Sample.tamper(store, sql)
        }
        let damage = try verifier.verify(store.writer).damage
        #expect(damage?.kind == testCase.kind, "\(String(describing: damage))")
        #expect(damage?.sequence == testCase.sequence, "\(String(describing: damage))")
    }

    @Test(arguments: [1, 16])
    func sequencesAtTheEndOfTheIntegersAreDamageNotACrash(ranges: Int) throws {
        let key = JournalKey.generate()
        let store = try Self.journal(key: key)
        try Sample.tamper(store, "UPDATE journal_event SET seq = 9223372036854775807 WHERE seq = 100")
        let verifier = JournalVerifier(trustedKeys: [key.publicKey], parallelism: ranges, minimumRangeSize: 1)
        let verification = try verifier.verify(store.writer)
        #expect(!verification.isIntact)
        #expect(verification.lastSequence == .max)
        // The next append fails (a tap would be denied) instead of the process trapping.
        #expect(throws: AccessStoreError.self) {
            try store.writer.write { db in try JournalWriter(key: key).append([Sample.decision(0)], in: db) }
        }
    }

    /// Someone who knows the encoding replaces an event and recomputes its hash (42 ends a range of 7).
    /// The events stay intact; the query lookup, filled through event 80, is changed.
    static let lookupCases: [Case] = [
        Case(name: "delete a lookup row", sql: ["DELETE FROM journal_lookup WHERE seq = 44"], sequence: 44,
             kind: .lookupMismatch),
        Case(name: "give an event to another person",
             sql: ["UPDATE journal_lookup SET person_id = 'person-9' WHERE seq = 47"], sequence: 47,
             kind: .lookupMismatch),
        Case(name: "drop an event's door", sql: ["UPDATE journal_lookup SET door_id = NULL WHERE seq = 12"],
             sequence: 12, kind: .lookupMismatch),
        Case(name: "claim the lookup holds the newest events",
             sql: ["INSERT INTO journal_lookup (seq, type) VALUES (100, 'access_decision')"], sequence: 81,
             kind: .lookupMismatch),
        Case(name: "a lookup row beyond the end",
             sql: ["INSERT INTO journal_lookup (seq, type) VALUES (150, 'access_decision')"], sequence: 81,
             kind: .lookupMismatch),
    ]

    @Test(arguments: lookupCases, [1, 16])
    func tamperingWithTheLookupIsFound(_ testCase: Case, ranges: Int) throws {
        let store = try Self.journal()
        try store.writer.write { db in _ = try JournalLookup.catchUp(in: db, limit: 80) }
        let verifier = JournalVerifier(parallelism: ranges, minimumRangeSize: 1)
        #expect(try verifier.verify(store.writer).isIntact)
        for statement in testCase.sql {
            try Sample.tamper(store, statement)
        }
        let damage = try verifier.verify(store.writer).damage
        #expect(damage?.kind == testCase.kind)
        #expect(damage?.sequence == testCase.sequence)
    }

    @Test func aLookupRowBeyondACompleteLookupIsFound() throws {
        let store = try Self.journal()
        try store.writer.write { db in _ = try JournalLookup.catchUp(in: db, limit: 1000) }
        try Sample.tamper(store, "INSERT INTO journal_lookup (seq, type) VALUES (150, 'access_decision')")
        let damage = try JournalVerifier().verify(store.writer).damage
        #expect(damage?.kind == .lookupMismatch)
        #expect(damage?.sequence == 101)
    }

    @Test(arguments: [Int64(44), 42], [1, 16])
    func aRehashedEditIsFoundAtTheEditedEvent(sequence: Int64, ranges: Int) throws {
        let store = try Self.journal()
        try Sample.tamper(store, "UPDATE journal_event SET actor = 'someone' WHERE seq = ?", arguments: [sequence])
        let forged = try store.writer.read { db in try Self.rehashed(db, sequence: sequence, previousHash: nil) }
        try Sample.tamper(store, "UPDATE journal_event SET hash = ? WHERE seq = ?", arguments: [forged.hash, sequence])
        let damage = try JournalVerifier(parallelism: ranges, minimumRangeSize: 1).verify(store.writer).damage
        #expect(damage?.kind == .edited)
        #expect(damage?.sequence == sequence)
    }

    /// A forged event hashed and linked at 44, the original 44 onwards renumbered: found at 44, not at the break.
    @Test(arguments: [Int64(44), 1], [1, 16])
    func aForgedEventWithAValidHashIsFoundWhereItWasPut(sequence: Int64, ranges: Int) throws {
        let store = try Self.journal()
        let forged = try store.writer.read { db in
            let previous = try Data.fetchOne(
                db, sql: "SELECT hash FROM journal_event WHERE seq = ?", arguments: [sequence - 1])
                ?? Data(CanonicalEventEncoding.genesisHash)
            let time = try #require(try Int64.fetchOne(
                db, sql: "SELECT time_ms FROM journal_event WHERE seq = ?", arguments: [sequence]))
            let event = NewJournalEvent(
                type: .accessDecision, doorId: "door-1", personId: "person-9", decision: .grant, reason: "granted")
            return JournalEvent(
                sequence: sequence, timeMilliseconds: time, event: event, previousHash: previous,
                hash: CanonicalEventEncoding.hash(
                    previousHash: previous, sequence: sequence, timeMilliseconds: time, event: event))
        }
        try Sample.tamper(store, "UPDATE journal_event SET seq = seq + 1000000 WHERE seq >= ?", arguments: [sequence])
        try Sample.tamper(store, "UPDATE journal_event SET seq = seq - 999999 WHERE seq > 1000000")
        try Sample.tamper(
            store, """
                INSERT INTO journal_event (seq, time_ms, type, door_id, person_id, decision, reason, details,
                    prev_hash, hash) VALUES (?, ?, 'access_decision', 'door-1', 'person-9', 'grant', 'granted', '{}', ?, ?)
                """, arguments: [sequence, forged.timeMilliseconds, forged.previousHash, forged.hash])
        let damage = try JournalVerifier(parallelism: ranges, minimumRangeSize: 1).verify(store.writer).damage
        #expect(damage?.kind == .inserted)
        #expect(damage?.sequence == sequence)
    }

    /// Someone rewrites the chain from event 44 onwards consistently; only the signed checkpoint shows it.
    @Test func aRewrittenChainIsCaughtByTheNextCheckpoint() throws {
        let store = try Self.journal()
        try Sample.tamper(store, "UPDATE journal_event SET reason = 'granted', decision = 'grant' WHERE seq = 44")
        var previous: Data? = nil
        for sequence in Int64(44)...100 {
            let forged = try store.writer.read { db in
                try Self.rehashed(db, sequence: sequence, previousHash: previous)
            }
            try Sample.tamper(store, "UPDATE journal_event SET prev_hash = ?, hash = ? WHERE seq = ?",
                              arguments: [forged.previousHash, forged.hash, sequence])
            previous = forged.hash
        }
        let damage = try JournalVerifier().verify(store.writer).damage
        #expect(damage?.kind == .rewritten)
        #expect(damage?.sequence == 41)
        #expect(damage?.throughSequence == 50)
    }

    @Test func aCheckpointSignedWithAnotherKeyIsRefusedWhenKeysAreSupplied() throws {
        let key = JournalKey.generate()
        let store = try Self.journal(key: key)
        let intruder = JournalKey.generate()
        let writer = JournalWriter(key: intruder)
        try Sample.fill(store, count: 5, batch: 5, writer: writer, first: 100)
        _ = try store.writer.write { db in try writer.checkpointIfDue(in: db, force: true) }
        let trusted = try JournalVerifier(trustedKeys: [key.publicKey]).verify(store.writer)
        #expect(trusted.damage?.kind == .badCheckpoint)
        #expect(trusted.damage?.sequence == 105)
        let recorded = try JournalVerifier().verify(store.writer)
        #expect(recorded.isIntact)
        #expect(recorded.keyTrust == .recordedKeys)
    }

    /// A writer without the key, whose clock reads `seconds` after the journal's first event (the journal's
    /// last checkpoint, at 100, was signed 9 s after it).
    static func keylessWriter(seconds: Int64) -> JournalWriter {
        JournalWriter(clock: ManualTime(1_750_000_000_000 + seconds * 1000).clock, key: nil)
    }

    @Test func eventsAfterTheLastCheckpointWithinThePolicyAreReportedAsUnsigned() throws {
        let store = try Self.journal()
        try Sample.fill(store, count: 3, batch: 3, writer: Self.keylessWriter(seconds: 30), first: 100)
        let verification = try JournalVerifier().verify(store.writer)
        #expect(verification.isIntact)
        #expect(verification.lastCheckpointSequence == 100)
        #expect(verification.unsignedEvents == 3)
    }

    /// A writer with the key signs a checkpoint in the transaction that makes one due, so more unsigned events
    /// than the policy allows, or unsigned events written longer after the last checkpoint, were not written
    /// by it (or its checkpoints were deleted).
    @Test func unsignedEventsBeyondThePolicyAreDamage() throws {
        let late = try Self.journal()
        try Sample.fill(late, count: 3, batch: 1, writer: Self.keylessWriter(seconds: 30), first: 100)
        try Sample.fill(late, count: 1, batch: 1, writer: Self.keylessWriter(seconds: 75), first: 103)
        let lateDamage = try JournalVerifier().verify(late.writer).damage
        #expect(lateDamage?.kind == .badCheckpoint)
        #expect(lateDamage?.sequence == 104, "\(String(describing: lateDamage))")

        let many = try Self.journal()
        try Sample.fill(many, count: 12, batch: 12, writer: Self.keylessWriter(seconds: 9), first: 100)
        #expect(try JournalVerifier().verify(many.writer).isIntact)
        let manyDamage = try JournalVerifier(checkpointPolicy: CheckpointPolicy(events: 10)).verify(many.writer).damage
        #expect(manyDamage?.kind == .badCheckpoint)
        #expect(manyDamage?.sequence == 110, "\(String(describing: manyDamage))")
        #expect(try JournalVerifier(checkpointPolicy: nil).verify(many.writer).isIntact)
    }

    @Test func deletedCheckpointsAreFoundByThePolicy() throws {
        let key = JournalKey.generate()
        let some = try Self.journal(key: key)
        try Sample.tamper(some, "DELETE FROM journal_checkpoint WHERE seq > 50")
        let verifier = JournalVerifier(trustedKeys: [key.publicKey], checkpointPolicy: CheckpointPolicy(events: 10))
        let someDamage = try verifier.verify(some.writer).damage
        #expect(someDamage?.kind == .badCheckpoint)
        #expect(someDamage?.sequence == 60, "\(String(describing: someDamage))")

        let all = try Self.journal(key: key)
        try Sample.tamper(all, "DELETE FROM journal_checkpoint")
        for verifier in [JournalVerifier(trustedKeys: [key.publicKey]), JournalVerifier()] {
            let damage = try verifier.verify(all.writer).damage
            #expect(damage?.kind == .badCheckpoint)
            #expect(damage?.sequence == 1, "\(String(describing: damage))")
        }
    }

    @Test func eventsLeftBelowAMovedAnchorAreDamage() throws {
        let key = JournalKey.generate()
        let store = try Self.journal(key: key)
        try Sample.tamper(store, "INSERT INTO journal_anchor (id, seq, pruned_at_ms) VALUES (1, 50, 0)")
        let damage = try JournalVerifier(trustedKeys: [key.publicKey]).verify(store.writer).damage
        #expect(damage?.kind == .badCheckpoint)
        #expect(damage?.sequence == 1, "\(String(describing: damage))")
    }

    /// The event at `sequence` with the edit already applied, hashed as the journal would.
    static func rehashed(_ db: Database, sequence: Int64, previousHash: Data?) throws -> JournalEvent {
        let row = try #require(try Row.fetchOne(
            db, sql: "SELECT * FROM journal_event WHERE seq = ?", arguments: [sequence]))
        let event = NewJournalEvent(
            type: JournalEventType(rawValue: row["type"]), doorId: row["door_id"], zoneId: row["zone_id"],
            personId: row["person_id"], cardId: row["card_id"],
            decision: (row["decision"] as String?).flatMap(JournalDecision.init(rawValue:)),
            reason: row["reason"], actor: row["actor"], details: row["details"])
        let previous: Data = previousHash ?? row["prev_hash"]
        let time: Int64 = row["time_ms"]
        let hash = CanonicalEventEncoding.hash(
            previousHash: previous, sequence: sequence, timeMilliseconds: time, event: event)
        return JournalEvent(
            sequence: sequence, timeMilliseconds: time, event: event, previousHash: previous, hash: hash)
    }
}
