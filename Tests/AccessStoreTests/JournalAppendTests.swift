import AccessStore
import Foundation
import GRDB
import Testing

@Suite struct JournalAppendTests {
    @Test func appendedEventsComeBackFromQueriesWithAGapFreeChain() async throws {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let journal = EventJournal(store: store, key: .generate(), clock: time.clock)
        var appended: [JournalEvent] = []
        for index in 0..<20 {
            appended.append(try await journal.append(Sample.decision(index)))
            time.advance(by: 250)
        }
        #expect(appended.map(\.sequence) == Array(1...20))
        #expect(appended[0].previousHash == CanonicalEventEncoding.genesisHash)
        for (earlier, later) in zip(appended, appended.dropFirst()) {
            #expect(later.previousHash == earlier.hash)
        }
        #expect(appended[3].timeMilliseconds == appended[0].timeMilliseconds + 750)
        let page = try await journal.events(JournalQuery(limit: 100))
        #expect(page.events == appended.reversed())
        #expect(page.nextCursor == nil)
        let expectedHash = CanonicalEventEncoding.hash(
            previousHash: appended[4].previousHash, sequence: 5, timeMilliseconds: appended[4].timeMilliseconds,
            event: Sample.decision(4))
        #expect(appended[4].hash == expectedHash)
        let verification = try JournalVerifier().verify(store.writer)
        #expect(verification.isIntact)
        #expect(verification.eventsChecked == 20)
    }

    @Test func timeNeverGoesBackwardsWhenTheClockDoes() async throws {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let journal = EventJournal(store: store, key: nil, clock: time.clock)
        let first = try await journal.append(Sample.decision(0))
        time.advance(by: -60_000)
        let second = try await journal.append(Sample.decision(1))
        #expect(second.timeMilliseconds == first.timeMilliseconds)
    }

    @Test(arguments: [
        NewJournalEvent(type: .accessDecision, reason: "granted"),
        NewJournalEvent(type: .doorStatus, decision: .grant),
        NewJournalEvent(type: JournalEventType(rawValue: "Door Status")),
        NewJournalEvent(type: .alarm, reason: "Not-A-Code"),
        NewJournalEvent(type: .alarm, details: "[1, 2]"),
        NewJournalEvent(type: .alarm, details: "{not json"),
    ])
    func malformedEventsAreRefusedBeforeTheDatabase(event: NewJournalEvent) async throws {
        let store = try AccessStore.inMemory()
        let journal = EventJournal(store: store, key: nil)
        await #expect(throws: AccessStoreError(.invalidInput, "")) { try await journal.append(event) }
        let count = try await store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM journal_event")
        }
        #expect(count == 0)
    }

    @Test func concurrentAppendsAreGroupCommittedWithoutGaps() async throws {
        let directory = try TemporaryDirectory()
        let store = try AccessStore.open(at: directory.file("journal.sqlite"))
        let journal = EventJournal(store: store, key: .generate(), checkpointPolicy: CheckpointPolicy(events: 25))
        let sequences = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<16 {
                group.addTask {
                    var mine: [Int64] = []
                    for index in 0..<25 {
                        mine.append(try await journal.append(Sample.decision(writer * 100 + index)).sequence)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(sequences.sorted() == Array(1...400))
        let verification = try JournalVerifier().verify(store.writer)
        #expect(verification.isIntact)
        #expect(verification.eventsChecked == 400)
        #expect(verification.checkpointsChecked >= 1)
        let journalMode = try await store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        // Both kinds of connection: the pool's writer is the one that commits, and GRDB sets it up on its own.
        let synchronous = try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let writerSynchronous = try await store.writer.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(journalMode == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(writerSynchronous == 2)
    }

    @Test func checkpointsFollowThePolicy() async throws {
        let store = try AccessStore.inMemory()
        let time = ManualTime()
        let writer = JournalWriter(
            clock: time.clock, key: .generate(), checkpointPolicy: CheckpointPolicy(events: 10, milliseconds: 5000))
        try Sample.fill(store, count: 35, batch: 5, writer: writer, time: time, step: 100)
        // The first commit signs at once; then every 10 events (5-event commits: 5, 15, 25, 35).
        var signed = try await store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM journal_checkpoint ORDER BY seq")
        }
        #expect(signed == [5, 15, 25, 35])
        time.advance(by: 6000)
        try Sample.fill(store, count: 1, batch: 1, writer: writer, time: time, first: 35)
        signed = try await store.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM journal_checkpoint ORDER BY seq")
        }
        #expect(signed.last == 36)
        let journal = EventJournal(writer: store.writer, journalWriter: writer)
        #expect(try await journal.checkpointIfDue(force: true) == nil)
        try Sample.fill(store, count: 1, batch: 1, writer: writer, time: time, first: 36)
        #expect(try await journal.checkpointIfDue(force: true)?.sequence == 37)
    }

    @Test func theSchemaRefusesUpdatesAndDeletesOfJournalRows() async throws {
        let store = try AccessStore.inMemory()
        try Sample.fill(store, count: 5, writer: JournalWriter(key: nil))
        let attempts = [
            "UPDATE journal_event SET reason = 'granted' WHERE seq = 2",
            "DELETE FROM journal_event WHERE seq = 2",
            "INSERT INTO journal_event (seq, time_ms, type, details, prev_hash, hash)"
                + " VALUES (9, 0, 'alarm', '{}', zeroblob(32), zeroblob(32))",
        ]
        for sql in attempts {
            #expect(throws: DatabaseError.self) { try store.writer.write { db in try db.execute(sql: sql) } }
        }
    }
}
